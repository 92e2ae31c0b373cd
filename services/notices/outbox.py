"""Writing a notice into the outbox, inside the command that causes it (DOMAIN.md §8).

Nothing is sent from here: the row commits or rolls back with the change, and the worker
(`surveil worker`) delivers it. Who is told is decided now, with the state the change left:

- staff `units` (codes) and named `people` (ids) as the caller gives them;
- the enterprise only through the task or certificate it concerns — for a task, its
  `enterprise_unit_id`, which stays empty while an unannounced task has not started
  (services/tasks/lifecycle.py). A caller cannot name an enterprise unit directly, so an
  unannounced task cannot leak through a notice, whatever the kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.notices import NoticeKind
from services import work
from store.models import OrgUnit, SurveillanceTask
from store.models.notices import OutboxEvent


async def emit(
    kind: NoticeKind,
    *,
    subject_type: str,
    subject_id: int | None,
    task: SurveillanceTask | None = None,
    units: Iterable[str] = (),
    people: Iterable[int] = (),
    enterprise_unit_id: int | None = None,
    to_enterprise: bool = False,
    params: dict[str, Any] | None = None,
) -> OutboxEvent:
    """Record that `kind` happened to the subject. `to_enterprise`: the enterprise is told too —
    the task's (`task.enterprise_unit_id`, empty while it may not know) or, for a certificate,
    the holder's (`enterprise_unit_id`, only without a task). `params`: JSON values the
    templates use (dates as ISO strings)."""
    current = work.current()  # a notice outside a command is a programming error
    if task is not None and enterprise_unit_id is not None:
        raise ValueError("a task's notice reaches the task's enterprise, not one named by the caller")
    enterprise = None
    if to_enterprise:
        unit_id = task.enterprise_unit_id if task is not None else enterprise_unit_id
        if unit_id is not None:
            enterprise = await OrgUnit.filter(id=unit_id).first().values_list("code", flat=True)
    audience = {"units": sorted(set(units)), "people": sorted(set(people)), "enterprise": enterprise}
    return await OutboxEvent.create(
        kind=NoticeKind(kind).value,
        subject_type=subject_type,
        subject_id=subject_id,
        task_id=task.id if task is not None else None,
        audience=audience,
        params=params or {},
        actor=current.actor.login,
        request_id=current.actor.request_id,
    )
