"""The use-case runner itself: what it refuses to declare, what it refuses to commit, and the
order of its checks (gate, version, handler, audit) — with throwaway commands on the test world."""

from __future__ import annotations

from datetime import date

import pytest

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from services import audit_log
from services.errors import Forbidden
from services.runner import USE_CASES, Work, at_hq, command
from services.work import UnitOfWorkError
from store.models import AuditEntry, Factory, SurveillanceTask
from tests.services.services_support import session_for


def test_a_command_without_a_gate_or_its_own_check_cannot_be_declared():
    with pytest.raises(TypeError, match="gate or authorize"):

        @command()
        async def unchecked(work: Work, *, factory_id: int) -> None: ...


def test_a_command_with_positional_arguments_cannot_be_declared():
    with pytest.raises(TypeError, match="keyword-only"):

        @command(gate="Factory", action="read")
        async def loose(work: Work, factory_id: int) -> None: ...


def test_a_gated_command_must_take_the_gates_id():
    with pytest.raises(TypeError, match="factory_id"):

        @command(gate="Factory", action="read")
        async def idless(work: Work, *, code: str) -> None: ...


def test_only_a_system_command_acts_under_a_system_login():
    with pytest.raises(TypeError, match="system login"):

        @command(authorize=at_hq("manage", "reference"), system_login="tool:x")
        async def posing(work: Work, *, code: str) -> None: ...


@command(system=True, system_login="tool:test")
async def _as_a_tool(work: Work, *, factory_id: int) -> None:
    await audit_log.record(AuditAction.FACTORY_CORRECT, "Factory", factory_id, after={"checked": True})


async def test_a_system_command_under_a_system_login_records_that_name_with_its_own_request_id(db):
    factory = await Factory.get(code="E001")
    await _as_a_tool(factory_id=factory.id)
    await _as_a_tool(factory_id=factory.id)
    records = await AuditEntry.filter(actor="tool:test").order_by("seq")
    assert [(r.actor, r.actor_id, r.unit) for r in records] == [("tool:test", None, "hq")] * 2
    assert records[0].request_id != records[1].request_id


@command(gate="Factory", action="update")
async def _rename_silently(work: Work, *, factory_id: int, name: str) -> Factory:
    await Factory.filter(id=work.target.id).update(name=name)
    return work.target


@command(gate="Factory", action="update")
async def _rename(work: Work, *, factory_id: int, name: str) -> Factory:
    await Factory.filter(id=work.target.id).update(name=name)
    await audit_log.record(AuditAction.FACTORY_CORRECT, "Factory", work.target.id, after={"name": name})
    return work.target


@command(authorize=at_hq("manage", "reference"))
async def _look_only(work: Work, *, code: str) -> str:
    work.nothing_changed()
    return code


async def test_a_command_that_records_nothing_is_refused_and_rolled_back(db):
    factory = await Factory.get(code="E001")
    with pytest.raises(UnitOfWorkError, match="without an audit record"):
        await _rename_silently(await session_for("east.planner"), factory_id=factory.id, name="Renamed")
    assert (await Factory.get(id=factory.id)).name == factory.name


async def test_a_command_that_records_commits_with_the_callers_name(db):
    factory = await Factory.get(code="E001")
    await _rename(await session_for("east.planner"), factory_id=factory.id, name="Renamed")
    assert (await Factory.get(id=factory.id)).name == "Renamed"
    record = await AuditEntry.filter(object_type="Factory", object_id=factory.id).order_by("-id").first()
    assert (record.action, record.actor, record.unit) == (AuditAction.FACTORY_CORRECT.value, "east.planner", "east")


async def test_an_object_the_caller_may_not_read_looks_missing_before_the_handler_runs(db):
    factory = await Factory.get(code="E001")
    with pytest.raises(DomainError) as refused:
        await _rename(await session_for("south.planner"), factory_id=factory.id, name="Renamed")
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, ("factoryId",))
    assert (await Factory.get(id=factory.id)).name == factory.name


async def test_an_action_the_policy_does_not_give_is_forbidden(db):
    factory = await Factory.get(code="E001")
    with pytest.raises(Forbidden):
        await _rename(await session_for("east.inspector1"), factory_id=factory.id, name="Renamed")


async def test_a_stale_version_is_refused_before_the_handler_runs(db):
    factory = await Factory.get(code="E006")
    task = await SurveillanceTask.create(
        number="EAST-2026-9001", kind="SPECIAL", status="DRAFT", factory_id=factory.id, responsible_unit_id=factory.responsible_unit_id,
        executing_unit_id=factory.responsible_unit_id, year=2026, due_on=date(2026, 12, 20),
    )  # fmt: skip

    @command(gate="Task", action="plan")
    async def touch(work: Work, *, task_id: int, expected_version: int) -> None:
        raise AssertionError("the handler ran on a stale version")

    planner = await session_for("east.planner")
    with pytest.raises(DomainError) as refused:
        await touch(planner, task_id=task.id, expected_version=task.version + 1)
    assert refused.value.code == ErrorCode.STALE_VERSION
    USE_CASES.pop(touch.name)


async def test_a_declared_no_op_needs_no_audit_and_its_own_check_still_runs(db):
    assert await _look_only(await session_for("hq.planner"), code="x") == "x"
    with pytest.raises(Forbidden):
        await _look_only(await session_for("east.planner"), code="x")


async def test_commands_take_keyword_arguments_and_a_session(db):
    factory = await Factory.get(code="E001")
    session = await session_for("east.planner")
    with pytest.raises(TypeError):
        await _rename(session, factory.id, "Renamed")  # type: ignore[misc]
    with pytest.raises(UnitOfWorkError, match="needs a session"):
        await _rename(factory_id=factory.id, name="Renamed")


async def test_an_audit_record_outside_a_command_is_refused(db):
    with pytest.raises(UnitOfWorkError, match="outside a command"):
        await audit_log.record(AuditAction.FACTORY_CORRECT, "Factory", 1, after={"name": "x"})
