"""The one gate between a caller and an object, for every kind of node.

A use case opens the object it acts on with `open_for(...)`: an object the caller may not
read answers exactly like a missing one (NOT_FOUND), and an action the policy does not give
is FORBIDDEN. `explain(...)` (the `authorization` query) asks the same gate the same
question, so the answer a user reads is the answer the command will give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import DomainError, ErrorCode
from policies.authorizer import Decision
from services.context import Session
from services.errors import Forbidden
from store import units
from store.models import (
    Certificate,
    Dispute,
    Factory,
    OrgUnit,
    ProblemReport,
    PurchaseAssignment,
    Sample,
    SurveillanceTask,
    TeamAssignment,
)

DENIED = Decision(False, None, None)
TASK_COLUMNS = ("responsible_unit_id", "executing_unit_id", "enterprise_unit_id")
FACTORY_COLUMNS = ("responsible_unit_id", "agency_unit_id", "enterprise_unit_id")
SAMPLE_COLUMNS = ("responsible_unit_id", "executing_unit_id", "lab_id")
PURCHASE_COLUMNS = ("responsible_unit_id", "executing_unit_id")

# (the object, the unit codes of its domains), or None when there is no such object.
Loader = Callable[[Session, int], Awaitable[tuple[Any, list[str]] | None]]
# Beyond the policy, who on the object's side may act: why the caller may not, or None.
Condition = Callable[[Session, Any], Awaitable[str | None]]


@dataclass(frozen=True)
class Gate:
    kind: str  # the policy's object kind
    noun: str  # how NOT_FOUND names it
    field: str  # the input field NOT_FOUND points at
    load: Loader
    read_action: str | None = "read"  # None: every signed-in user may see such objects
    conditions: Mapping[str, Condition] = field(default_factory=dict)  # by action

    def _readable(self, session: Session, found: tuple[Any, list[str]] | None) -> bool:
        if found is None:
            return False
        return self.read_action is None or session.perms.decide(self.read_action, self.kind, found[1]).allowed

    async def open_for(self, session: Session, object_id: int, action: str) -> tuple[Any, list[str]]:
        """The object and its domains, if the caller may read it and do `action` on it."""
        found = await self.load(session, object_id)
        if not self._readable(session, found):
            raise DomainError(ErrorCode.NOT_FOUND, f"no such {self.noun}", (self.field,))
        session.perms.require(action, self.kind, found[1])
        condition = self.conditions.get(action)
        if condition is not None and (why := await condition(session, found[0])):
            raise Forbidden(why)
        return found

    async def explain(self, session: Session, object_id: int, action: str) -> Decision:
        """What `open_for` would decide; an object the caller may not read gets a plain no."""
        found = await self.load(session, object_id)
        if not self._readable(session, found):
            return DENIED
        decision = session.perms.decide(action, self.kind, found[1])
        condition = self.conditions.get(action)
        if decision.allowed and condition is not None and await condition(session, found[0]):
            return DENIED
        return decision


async def _by_columns(model, columns: tuple[str, ...], object_id: int) -> tuple[Any, list[str]] | None:
    row = await model.filter(id=object_id).first()
    return (row, await units.domain_codes(row, columns)) if row else None


async def _task(session: Session, task_id: int):
    return await _by_columns(SurveillanceTask, TASK_COLUMNS, task_id)


async def on_team(session: Session, task: SurveillanceTask) -> str | None:
    on = await TeamAssignment.filter(task_id=task.id, user_id=session.actor.user_id, removed_at__isnull=True).exists()
    return None if on else "only the task's inspection team may do this"


async def executing_side(session: Session, task: SurveillanceTask) -> str | None:
    """The team reports, or (before a team exists) someone of the executing unit."""
    if await on_team(session, task) is None:
        return None
    executing = await OrgUnit.filter(id=task.executing_unit_id).values_list("code", flat=True)
    return None if session.actor.unit_code in executing else "only the executing side reports an exception"


async def _factory(session: Session, factory_id: int):
    return await _by_columns(Factory, FACTORY_COLUMNS, factory_id)


async def _certificate(session: Session, certificate_id: int):
    certificate = await Certificate.filter(id=certificate_id).first()
    if certificate is None:
        return None
    found = await _factory(session, certificate.factory_id)
    return certificate, found[1] if found else []


async def _sample(session: Session, sample_id: int):
    return await _by_columns(Sample, SAMPLE_COLUMNS, sample_id)


async def _own_assignment(session: Session, assignment_id: int):
    """Purchase work is acted on by the buyer it was assigned to, and by nobody else."""
    row = await PurchaseAssignment.filter(id=assignment_id, buyer_id=session.actor.user_id).first()
    return (row, await units.domain_codes(row, PURCHASE_COLUMNS)) if row else None


async def _dispute(session: Session, dispute_id: int):
    """A dispute is acted on through its task's policy (open, escalate, settle)."""
    dispute = await Dispute.filter(id=dispute_id).first()
    found = await _task(session, dispute.task_id) if dispute else None
    return (dispute, found[1]) if found else None


async def _problem(session: Session, report_id: int):
    report = await ProblemReport.filter(id=report_id).select_related("unit").first()
    return (report, [report.unit.code]) if report else None


async def _org_unit(session: Session, unit_id: int):
    unit = await OrgUnit.filter(id=unit_id).first()
    return (unit, [unit.code]) if unit else None


async def _policy_rule(session: Session, rule_id: int):
    return (None, ["hq"])  # policy lines are administered at HQ, whichever line it is


GATES: dict[str, Gate] = {
    "Task": Gate("task", "task", "taskId", _task, conditions={"start": on_team, "report_exception": executing_side}),
    "Factory": Gate("factory", "factory", "factoryId", _factory),
    "Certificate": Gate("certificate", "certificate", "certificateId", _certificate),
    "Sample": Gate("sample", "sample", "sampleId", _sample),
    "PurchaseAssignment": Gate("purchase", "purchase assignment", "assignmentId", _own_assignment, "read_own"),
    "Dispute": Gate("task", "dispute", "disputeId", _dispute),
    "ProblemReport": Gate("problem", "problem report", "reportId", _problem),
    "OrgUnit": Gate("org_unit", "unit", "unitId", _org_unit, None),  # the org chart is public inside
    "PolicyRule": Gate("policy", "policy rule", "ruleId", _policy_rule),
}
