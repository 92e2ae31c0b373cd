"""我的工作 What counts as "my work" for `myWorkChanged` (issue G): tasks I may read whose
current team includes me (as `myTasks`), that I reviewed or decided, and the purchase work
assigned to me as a buyer (as `purchaseAssignments` shows it to me). Read with the reader's
current permissions, as the queries read them."""

from __future__ import annotations

from enum import StrEnum

from services.context import Session
from services.purchases import access
from services.tasks.queries import visible_tasks
from store.models import Decision, PurchaseAssignment, Review, TeamAssignment


class WorkReason(StrEnum):
    TEAM = "TEAM"
    REVIEW = "REVIEW"
    DECISION = "DECISION"
    PURCHASE = "PURCHASE"


async def reasons(session: Session, task_ids: list[int]) -> dict[int, set[WorkReason]]:
    """For each of `task_ids` that is my work now, why."""
    me = session.actor.user_id
    found: dict[int, set[WorkReason]] = {}
    readable = set(await visible_tasks(session, task_ids))
    if readable:
        ids = list(readable)
        for reason, rows in (
            (WorkReason.TEAM, TeamAssignment.filter(user_id=me, removed_at__isnull=True, task_id__in=ids)),
            (WorkReason.REVIEW, Review.filter(reviewer_id=me, task_id__in=ids)),
            (WorkReason.DECISION, Decision.filter(decider_id=me, task_id__in=ids)),
        ):
            for task_id in await rows.values_list("task_id", flat=True):
                found.setdefault(task_id, set()).add(reason)
    bought = PurchaseAssignment.filter(await access.visible(session), buyer_id=me, task_id__in=task_ids)
    for task_id in await bought.values_list("task_id", flat=True):
        found.setdefault(task_id, set()).add(WorkReason.PURCHASE)
    return found


async def my_task_ids(session: Session) -> set[int]:
    """The tasks that are my work now (when a subscription starts, to tell ADDED from CHANGED)."""
    me = session.actor.user_id
    candidates: set[int] = set()
    for rows in (
        TeamAssignment.filter(user_id=me, removed_at__isnull=True),
        Review.filter(reviewer_id=me),
        Decision.filter(decider_id=me),
        PurchaseAssignment.filter(buyer_id=me),
    ):
        candidates.update(await rows.values_list("task_id", flat=True))
    return set(await reasons(session, list(candidates))) if candidates else set()
