"""Who on an object's side may act, beyond what the policy grants (the gates' conditions):
the task's current team, its leader, the executing side, whoever files its forms."""

from __future__ import annotations

from domain.errors import msg
from services.context import Session
from store.models import ChecklistItem, NonConformity, OrgUnit, Sample, SurveillanceTask, TeamAssignment


async def on_team(session: Session, task: SurveillanceTask, codes: list[str] | None = None) -> str | None:
    on = await TeamAssignment.filter(task_id=task.id, user_id=session.actor.user_id, removed_at__isnull=True).exists()
    return None if on else msg("only the task's inspection team may do this")


async def leads_team(session: Session, task: SurveillanceTask, codes: list[str] | None = None) -> str | None:
    leads = await TeamAssignment.filter(
        task_id=task.id, user_id=session.actor.user_id, is_leader=True, removed_at__isnull=True
    ).exists()
    return None if leads else msg("only the task's team leader may do this")


async def files_forms(session: Session, task: SurveillanceTask, codes: list[str]) -> str | None:
    """Planners and archivists file a task's forms; inspectors only for their own tasks."""
    if any(session.perms.decide(a, "task", codes).allowed for a in ("attach", "archive")):
        return None
    return await on_team(session, task)


async def on_sample_team(session: Session, sample: Sample, codes: list[str]) -> str | None:
    return await on_team(session, await SurveillanceTask.get(id=sample.task_id))


async def executing_side(session: Session, task: SurveillanceTask, codes: list[str] | None = None) -> str | None:
    """The team reports, or (before a team exists) someone of the executing unit."""
    if await on_team(session, task) is None:
        return None
    executing = await OrgUnit.filter(id=task.executing_unit_id).values_list("code", flat=True)
    return None if session.actor.unit_code in executing else msg("only the executing side reports an exception")


async def leads_findings_team(session: Session, item: NonConformity, codes: list[str]) -> str | None:
    return await leads_team(session, await SurveillanceTask.get(id=item.result.task_id))


async def on_items_team(session: Session, item: ChecklistItem, codes: list[str]) -> str | None:
    """The current team of the item's task answers it (the agency inspector for a delegated task)."""
    return await on_team(session, await SurveillanceTask.get(id=item.task_id))


async def findings_enterprise(session: Session, item: NonConformity, codes: list[str]) -> str | None:
    """Only the enterprise the finding's task was made known to answers it (its corrective action)."""
    task = await SurveillanceTask.get(id=item.result.task_id)
    told = (
        await OrgUnit.filter(id=task.enterprise_unit_id).values_list("code", flat=True)
        if task.enterprise_unit_id
        else []
    )
    refused = msg("only the inspected enterprise submits its corrective action")
    return None if session.actor.unit_code in told else refused
