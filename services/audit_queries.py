"""Reading the audit trail: per object (for whoever may read the object) or whole (auditors)."""

from __future__ import annotations

from collections import defaultdict

from services import factories
from services.context import Session
from services.errors import bounded
from services.results.queries import risk_readable
from services.tasks import queries as task_queries
from store.models import AuditEntry
from store.pagination import Page, PageRequest, paginate

AUDIT = "audit"


async def trail_of(
    object_type: str, object_id: int, page: PageRequest, exclude_actions: tuple[str, ...] = ()
) -> Page[AuditEntry]:
    """Caller has checked the viewer may read the object itself."""
    qs = AuditEntry.filter(object_type=object_type, object_id=object_id)
    if exclude_actions:
        qs = qs.exclude(action__in=list(exclude_actions))
    return await paginate(qs, page)


async def whole_log(session: Session, page: PageRequest, action: str | None = None) -> Page[AuditEntry]:
    session.perms.require("read", AUDIT, ["hq"])
    qs = AuditEntry.all()
    if action:
        qs = qs.filter(action=bounded(action, "action", 64))
    return await paginate(qs, page)


async def entries_of(object_type: str, object_ids: list[int]) -> dict[int, list[AuditEntry]]:
    """Every entry of several objects, oldest first, in one query."""
    grouped: dict[int, list[AuditEntry]] = defaultdict(list)
    for entry in await AuditEntry.filter(object_type=object_type, object_id__in=object_ids).order_by("seq"):
        grouped[entry.object_id].append(entry)
    return grouped


async def hidden_for_viewer(
    session: Session, object_type: str, object_id: int
) -> tuple[set[str], tuple[str, ...], bool]:
    """Field-level rules on history: the keys to blank, the actions to leave out, and whether
    the whole history is internal for this viewer. Whoever may not see a factory's class
    does not see it change either; a task's history is internal (not for enterprises)."""
    if object_type == "Factory":
        rows = list((await factories.visible_factories(session, [object_id])).values())
        if rows and not await factories.class_readable(session, rows):
            return {"classification"}, ("factory.reclassify",), False
    if object_type == "SurveillanceTask":
        tasks = list((await task_queries.visible_tasks(session, [object_id])).values())
        hidden_actions = () if tasks and await risk_readable(session, tasks) else ("task.risk_assessment",)
        return set(), hidden_actions, not (tasks and await task_queries.internal_readable(session, tasks))
    return set(), (), False
