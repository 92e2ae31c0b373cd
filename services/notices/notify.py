"""The emitting side's helpers: a notice with its declared params checked, and the params and
unit codes most notices share, read with as few queries as the data at hand allows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from domain.notice_params import both, check_params
from domain.notices import NoticeKind
from services.notices.outbox import emit
from store.models import Factory, OrgUnit, SurveillanceTask
from store.models.notices import OutboxEvent


async def notify(
    kind: NoticeKind,
    params: dict[str, Any],
    *,
    subject_type: str,
    subject_id: int | None,
    task: SurveillanceTask | None = None,
    units: Iterable[str] = (),
    people: Iterable[int] = (),
    enterprise_unit_id: int | None = None,
    to_enterprise: bool = False,
) -> OutboxEvent | None:
    """`emit`, with the params checked against the kind's declaration. Nothing is written when
    nobody would be told (no unit, no person, and no enterprise that may know)."""
    check_params(kind, params)
    units, people = [u for u in units if u], list(people)
    reaches_enterprise = to_enterprise and (
        (task.enterprise_unit_id if task is not None else enterprise_unit_id) is not None
    )
    if not units and not people and not reaches_enterprise:
        return None
    return await emit(
        kind,
        subject_type=subject_type,
        subject_id=subject_id,
        task=task,
        units=units,
        people=people,
        enterprise_unit_id=enterprise_unit_id,
        to_enterprise=to_enterprise,
        params=params,
    )


async def task_params(task: SurveillanceTask, factory: Factory | None = None) -> dict[str, Any]:
    """Number, factory name and kind (zh/en): one query for the factory's name unless given."""
    if factory is not None:
        name = factory.name
    else:
        name = await Factory.filter(id=task.factory_id).first().values_list("name", flat=True)
    return {"task_number": task.number, "factory_name": name, **both("task_kind", "kind", task.kind)}


def window(task: SurveillanceTask) -> dict[str, str | None]:
    return {"window_start": iso(task.planned_start), "window_end": iso(task.planned_end)}


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def codes(*unit_ids: int | None) -> list[str]:
    """The codes of the units (one query), in the order given, without repeats."""
    wanted = [u for u in unit_ids if u is not None]
    if not wanted:
        return []
    found = dict(await OrgUnit.filter(id__in=set(wanted)).values_list("id", "code"))
    return list(dict.fromkeys(found[u] for u in wanted if u in found))


async def task_units(task: SurveillanceTask) -> list[str]:
    """The staff units a task concerns: responsible and executing."""
    return await codes(task.responsible_unit_id, task.executing_unit_id)
