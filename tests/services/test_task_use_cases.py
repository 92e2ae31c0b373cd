"""Task use cases called directly, without HTTP: the gate, the version check and the audit
record hold the same way for every entry point."""

from __future__ import annotations

from datetime import date

import pytest

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskKind, TaskStatus
from services.errors import Forbidden
from services.tasks import lifecycle, planning, team
from store.models import AuditEntry, Certificate, Factory
from tests.services.services_support import session_for


async def _draft(login: str = "east.planner"):
    factory = await Factory.get(code="E006")
    certificates = await Certificate.filter(factory_id=factory.id, status="VALID").values_list("id", flat=True)
    return await planning.create_task(
        await session_for(login), factory_id=factory.id, kind=TaskKind.ROUTINE_NOTIFIED,
        certificate_ids=list(certificates), due_on=date(2026, 12, 20), planned_start=date(2026, 12, 14),
        planned_end=date(2026, 12, 15), trigger=None, trigger_details=None, with_sampling=False, requirements=None,
        unannounced=False,
    )  # fmt: skip


async def test_a_use_case_runs_and_audits_without_http(db):
    task = await _draft()
    assert task.status == TaskStatus.DRAFT
    record = await AuditEntry.filter(object_type="SurveillanceTask", object_id=task.id).first()
    assert (record.action, record.actor) == (AuditAction.TASK_CREATE.value, "east.planner")


async def test_a_task_another_unit_may_not_read_looks_missing(db):
    task = await _draft()
    with pytest.raises(DomainError) as refused:
        await lifecycle.issue_task(await session_for("south.planner"), task_id=task.id, expected_version=task.version)
    assert refused.value.code == ErrorCode.NOT_FOUND


async def test_an_action_the_policy_does_not_give_is_forbidden(db):
    task = await _draft()
    with pytest.raises(Forbidden):
        await lifecycle.issue_task(await session_for("east.inspector1"), task_id=task.id, expected_version=task.version)


async def test_a_stale_version_changes_nothing(db):
    task = await _draft()
    records = await AuditEntry.all().count()
    with pytest.raises(DomainError) as refused:
        await lifecycle.issue_task(
            await session_for("east.planner"), task_id=task.id, expected_version=task.version + 1
        )
    assert refused.value.code == ErrorCode.STALE_VERSION
    assert await AuditEntry.all().count() == records


async def test_only_the_team_starts_its_task(db):
    planner = await session_for("east.planner")
    task = await _draft()
    task = await lifecycle.issue_task(planner, task_id=task.id, expected_version=task.version)
    task = await team.assign_team(
        planner, task_id=task.id, expected_version=task.version, leader="east.inspector1", members=[], reason=None
    )
    with pytest.raises(Forbidden):
        await lifecycle.start_task(await session_for("east.inspector2"), task_id=task.id, expected_version=task.version)
    started = await lifecycle.start_task(
        await session_for("east.inspector1"), task_id=task.id, expected_version=task.version
    )
    assert started.status == TaskStatus.IN_PROGRESS
