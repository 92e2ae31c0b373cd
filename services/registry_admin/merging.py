"""Merging a duplicate factory record into the one that stays (合并重复工厂, HQ's planners).

Everything that points at the duplicate moves to the survivor: its certificates and its
surveillance tasks (with all that hangs off them — samples, results, documents follow their
task). The duplicate is kept, never deleted: status MERGED, `merged_into` the survivor, its
own history intact. Each moved certificate and task gets an audit record, and the merge one
on each factory. A planned task keeps its place in the year's plan; if the survivor already
has that plan position, it takes the next free one. Rules: domain/factory_admin.py."""

from __future__ import annotations

from collections import defaultdict

from domain import factory_admin
from domain.audit_events import AuditAction
from domain.enums import FactoryStatus
from domain.errors import DomainError
from domain.validation import require_reason
from services import audit_log
from services.gates import GATES
from services.registry_admin.factories import standing
from services.runner import Work, command
from services.versioning import save_versioned
from store.models import Certificate, Factory, SurveillanceTask
from store.units import unit_ids_by_code


@command(gate="Factory", action="merge", id_arg="duplicate_id")
async def merge_factories(
    work: Work, *, duplicate_id: int, survivor_id: int, expected_version: int, reason: str | None
) -> tuple[Factory, Factory, int, int]:
    """(duplicate, survivor, certificates moved, tasks moved). `expected_version` is the
    duplicate's."""
    why = require_reason(reason)
    duplicate: Factory = work.target
    try:
        survivor, _ = await GATES["Factory"].open_for(work.user, survivor_id, "merge")
    except DomainError as exc:  # the gate names the factory `factoryId`
        raise exc.at(("survivorId",)) from None
    status_before = FactoryStatus(duplicate.status).value
    enterprise = factory_admin.check_merge(await standing(duplicate), await standing(survivor))
    certificates = await _move_certificates(duplicate, survivor, why)
    tasks = await _move_tasks(duplicate, survivor, why)
    await save_versioned(duplicate, "factory", status=FactoryStatus.MERGED, merged_into_id=survivor.id)
    await audit_log.record(
        AuditAction.FACTORY_MERGE,
        "Factory",
        duplicate.id,
        before={"status": status_before},
        after={
            "status": FactoryStatus.MERGED.value,
            "mergedInto": survivor.code,
            "certificates": certificates,
            "tasks": len(tasks),
        },
        reason=why,
    )
    survivor_after: dict = {"mergedFrom": duplicate.code, "certificates": certificates, "tasks": len(tasks)}
    if enterprise and survivor.enterprise_unit_id is None:  # the survivor takes the duplicate's enterprise
        ids = await unit_ids_by_code([enterprise])
        await save_versioned(survivor, "factory", enterprise_unit_id=ids[enterprise])
        survivor_after["enterprise"] = enterprise
    await audit_log.record(AuditAction.FACTORY_MERGE, "Factory", survivor.id, after=survivor_after, reason=why)
    return duplicate, survivor, len(certificates), len(tasks)


async def _move_certificates(duplicate: Factory, survivor: Factory, why: str) -> list[str]:
    moved = []
    for certificate in await Certificate.filter(factory_id=duplicate.id).order_by("id"):
        await save_versioned(certificate, "certificate", factory_id=survivor.id)
        await audit_log.record(
            AuditAction.CERTIFICATE_TRANSFER,
            "Certificate",
            certificate.id,
            before={"factory": duplicate.code},
            after={"factory": survivor.code, "merged": True},
            reason=why,
        )
        moved.append(certificate.number)
    return moved


async def _move_tasks(duplicate: Factory, survivor: Factory, why: str) -> list[int]:
    taken: dict[int, set[int]] = defaultdict(set)  # the survivor's plan positions, by year
    for year, sequence in await SurveillanceTask.filter(
        factory_id=survivor.id, plan_sequence__isnull=False
    ).values_list("year", "plan_sequence"):
        taken[year].add(sequence)
    moved = []
    for task in await SurveillanceTask.filter(factory_id=duplicate.id).order_by("id"):
        updates: dict = {"factory_id": survivor.id}
        before: dict = {"factory": duplicate.code}
        after: dict = {"factory": survivor.code}
        if task.plan_sequence is not None:
            sequence = task.plan_sequence
            while sequence in taken[task.year]:
                sequence += 1
            taken[task.year].add(sequence)
            if sequence != task.plan_sequence:
                updates["plan_sequence"] = sequence
                before["planSequence"], after["planSequence"] = task.plan_sequence, sequence
        await SurveillanceTask.filter(id=task.id).update(**updates, version=task.version + 1)
        await audit_log.record(
            AuditAction.TASK_FACTORY_MERGED, "SurveillanceTask", task.id, before=before, after=after, reason=why
        )
        moved.append(task.id)
    return moved
