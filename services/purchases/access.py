"""Who sees which purchase work: staff of the task's units see all of it; a market buyer
sees only the assignments made to them (policy action ``read_own``)."""

from __future__ import annotations

from tortoise.expressions import Q

from services import versioning
from services.context import Session
from services.gates import GATES
from services.scoping import in_units
from store.models import PurchaseAssignment

KIND = "purchase"
DOMAIN_COLUMNS = ("responsible_unit_id", "executing_unit_id")


async def visible(session: Session) -> Q:
    """The assignments the caller may read."""
    perms = session.perms
    staff = in_units(await perms.unit_ids("read", KIND), columns=DOMAIN_COLUMNS)
    own = in_units(await perms.unit_ids("read_own", KIND), columns=DOMAIN_COLUMNS) & Q(buyer_id=session.actor.user_id)
    return staff | own


async def own_assignment(session: Session, assignment_id: int, action: str) -> PurchaseAssignment:
    """An assignment made to the caller, which they may `action`; others look missing."""
    assignment, _ = await GATES["PurchaseAssignment"].open_for(session, assignment_id, action)
    return assignment


def check_version(assignment: PurchaseAssignment, expected: int) -> None:
    versioning.check_version(assignment, expected, "assignment")


async def bump(assignment: PurchaseAssignment, **updates) -> None:
    await versioning.save_versioned(assignment, "assignment", **updates)
