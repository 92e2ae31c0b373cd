"""Notices of a task's life (DOMAIN.md §8): what the enterprise is told in advance, what the
team, the units and the agencies are told. Called from the task commands, in their
transaction, after the change.

The enterprise is reached only through the task (`to_enterprise`, which `emit` resolves to
`task.enterprise_unit_id`); on top of that, nothing enterprise-facing is even written for an
unannounced task until its team has started it (`_may_tell`), so its window, team, labs and
cancellation never reach the enterprise before the start."""

from __future__ import annotations

from collections.abc import Iterable

from domain.audit_events import AuditAction
from domain.enums import UnitKind
from domain.notice_params import both, team_words
from domain.notices import NoticeKind as K
from domain.tasks import TaskKind, kept_until_start
from services.notices.notify import codes, notify, task_params, task_units, window
from store.models import AuditEntry, Factory, OrgUnit, OutboxEvent, SurveillanceTask, TeamAssignment

TASK = "Task"  # subjects are named as GraphQL types, so node(id) opens them


def _may_tell(task: SurveillanceTask) -> bool:
    """The enterprise may be told of the task: notified, or an unannounced (or bought) one under way."""
    hidden = kept_until_start(task.unannounced, task.purchase_secret)
    return task.enterprise_unit_id is not None and (not hidden or task.started_at is not None)


async def ever_told(task: SurveillanceTask) -> bool:
    """Whether the enterprise ever knew of the task: told now, or once — a task hidden again
    after an exception (services/tasks/exceptions.py) loses its `notified_at` and `started_at`,
    not the notices that reached the enterprise nor the record of its start."""
    if task.notified_at is not None or task.enterprise_unit_id is not None:
        return True
    audiences = await OutboxEvent.filter(task_id=task.id).values_list("audience", flat=True)
    if any((audience or {}).get("enterprise") for audience in audiences):
        return True
    started = AuditEntry.filter(object_type="SurveillanceTask", object_id=task.id, action=AuditAction.TASK_START)
    return await started.exists()


async def _to_enterprise(kind: K, task: SurveillanceTask, params: dict) -> None:
    if _may_tell(task):
        await notify(kind, params, subject_type=TASK, subject_id=task.id, task=task, to_enterprise=True)


async def issued(task: SurveillanceTask, factory: Factory) -> None:
    """预先通知 with the window and kind (the team follows when formed), the labs to choose
    from (§4.1) and a relocation's risk (§4.6), when the task is issued or, for a sampling
    task issued without its method, when a method other than purchase is set. Nothing for a
    task the enterprise is not told of (domain/tasks.py, `told_at_issue`)."""
    if not _may_tell(task):
        return
    base = await task_params(task, factory)
    team = await TeamAssignment.filter(task_id=task.id, removed_at__isnull=True).count()  # formed before it was told
    await _to_enterprise(K.INSPECTION_PRENOTIFIED, task, {**base, **window(task), **team_words(team)})
    await _disclosures(task, base)


async def started(task: SurveillanceTask) -> None:
    """The team of a task the enterprise was not told of (unannounced, or a sampling task whose
    method was not set) has arrived: the enterprise now gets what was held back (the labs to
    choose from, a relocation's risk). A notified task told it at issue."""
    if _may_tell(task):
        await _disclosures(task, await task_params(task))


async def _disclosures(task: SurveillanceTask, base: dict) -> None:
    if task.disclosed_labs:
        names = await OrgUnit.filter(id__in=task.disclosed_labs).order_by("id").values_list("name_zh", "name")
        labs = {"labs_zh": "、".join(zh for zh, _ in names), "labs_en": ", ".join(en for _, en in names)}
        await _to_enterprise(K.LABS_DISCLOSED, task, {**base, **labs})
    if task.kind == TaskKind.RELOCATION and task.risk_notice:
        await _to_enterprise(K.RELOCATION_RISK, task, {**base, "risk_notice": task.risk_notice})


async def rescheduled(task: SurveillanceTask, team_size: int | None = None) -> None:
    """A new window (or team) for a notified task: the enterprise gets the pre-notice again."""
    if _may_tell(task) and not kept_until_start(task.unannounced, task.purchase_secret):
        params = {**await task_params(task), **window(task), **team_words(team_size)}
        await _to_enterprise(K.INSPECTION_PRENOTIFIED, task, params)


async def team_changed(task: SurveillanceTask, members: Iterable[int], removed: Iterable[int], leader: str) -> None:
    """Everyone on the new team, and whoever left it, is told; a notified enterprise gets the
    pre-notice with the team's size."""
    members = list(members)
    params = {**await task_params(task), **window(task), "leader": leader, "team_size": len(members)}
    await notify(K.TEAM_ASSIGNED, params, subject_type=TASK, subject_id=task.id, task=task, people=[*members, *removed])
    await rescheduled(task, len(members))


async def cancelled(task: SurveillanceTask, why: str) -> None:
    """The team (and an agency executing it) learn the task is off; the enterprise only if it
    was told of the task (never an unannounced one before its start)."""
    team = await TeamAssignment.filter(task_id=task.id, removed_at__isnull=True).values_list("user_id", flat=True)
    base = await task_params(task)
    await notify(
        K.INSPECTION_CANCELLED,
        base,
        subject_type=TASK,
        subject_id=task.id,
        task=task,
        people=team,
        to_enterprise=_may_tell(task),
    )
    executing = await OrgUnit.filter(id=task.executing_unit_id).first()
    if executing is not None and executing.kind == UnitKind.FOREIGN_AGENCY:
        await withdrawn(task, executing.code, why, base)


async def delegated(task: SurveillanceTask, agency: OrgUnit) -> None:
    params = {**await task_params(task), **window(task), "agency": agency.code}
    await notify(K.TASK_DELEGATED, params, subject_type=TASK, subject_id=task.id, task=task, units=[agency.code, "hq"])


async def withdrawn(task: SurveillanceTask, agency_code: str, why: str, base: dict | None = None) -> None:
    """A delegated task taken back from its agency (cancelled, or the factory moved)."""
    params = {**(base or await task_params(task)), "reason": why}
    await notify(K.TASK_WITHDRAWN, params, subject_type=TASK, subject_id=task.id, task=task, units=[agency_code])


async def exception(task: SurveillanceTask, reason: object, details: str) -> None:
    """The responsible unit handles it (HQ too when it was escalated)."""
    params = {**await task_params(task), **both("exception_reason", "reason", reason), "details": details}
    units = await codes(task.responsible_unit_id)
    await notify(K.TASK_EXCEPTION, params, subject_type=TASK, subject_id=task.id, task=task, units=units)


async def escalated(task: SurveillanceTask, note: str) -> None:
    params = {**await task_params(task), "note": note}
    units = ["hq", *await task_units(task)]
    await notify(K.TASK_ESCALATED, params, subject_type=TASK, subject_id=task.id, task=task, units=units)
