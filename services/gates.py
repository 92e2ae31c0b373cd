"""The one gate between a caller and an object, for every kind of node.

A use case opens the object it acts on with `open_for(...)`: an object the caller may not
read answers exactly like a missing one (NOT_FOUND), and an action the policy does not give
is FORBIDDEN. `explain(...)` (the `authorization` query) asks the same gate the same
question, so the answer a user reads is the answer the command will give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import DomainError, ErrorCode, noun
from domain.tasks import SamplingMethod, TaskKind
from policies.authorizer import Decision
from services.context import Session
from services.errors import Forbidden
from services.gate_conditions import (
    executing_side,
    files_forms,
    findings_enterprise,
    leads_findings_team,
    leads_team,
    on_items_team,
    on_sample_team,
    on_team,
)
from services.org_units import visible_units
from store import units
from store.models import (
    AuditEntry,
    Certificate,
    ChecklistItem,
    Dispute,
    Factory,
    LabRequest,
    NonConformity,
    PolicyRule,
    ProblemReport,
    ProductCategory,
    PurchaseAssignment,
    Sample,
    SurveillanceTask,
)

DENIED = Decision(False, None, None)
SEEN_BY_ALL = Decision(True, None, None)  # objects every signed-in user may read (no policy line)
TASK_COLUMNS = ("responsible_unit_id", "executing_unit_id", "enterprise_unit_id")
FACTORY_COLUMNS = ("responsible_unit_id", "agency_unit_id", "enterprise_unit_id")
SAMPLE_COLUMNS = ("responsible_unit_id", "executing_unit_id", "lab_id")
PURCHASE_COLUMNS = ("responsible_unit_id", "executing_unit_id")

# (the object, the unit codes of its domains), or None when there is no such object.
Loader = Callable[[Session, int], Awaitable[tuple[Any, list[str]] | None]]
# Beyond the policy, who on the object's side may act: why the caller may not, or None.
Condition = Callable[[Session, Any, list[str]], Awaitable[str | None]]


@dataclass(frozen=True)
class Route:
    """Another way to an action, taken when `load` finds the object for this caller: the
    buyer ships the samples they bought (purchase policy), the planner concludes bought
    samples (plan) instead of a team leader."""

    load: Loader
    kind: str
    action: str
    read_action: str | None = None
    read_kind: str | None = None  # the kind read_action is asked on, if not `kind`
    condition: Condition | None = None  # who on the object's side, as for the gate's own actions


@dataclass(frozen=True)
class Gate:
    kind: str  # the policy's object kind
    noun: str  # how NOT_FOUND names it
    field: str  # the input field NOT_FOUND points at
    load: Loader
    read_action: str | None = "read"  # None: every signed-in user may see such objects
    conditions: Mapping[str, Condition] = field(default_factory=dict)  # by action
    routes: Mapping[str, Route] = field(default_factory=dict)  # by action

    async def open_for(self, session: Session, object_id: int, action: str) -> tuple[Any, list[str]]:
        """The object and its domains, if the caller may read it and do `action` on it."""
        found, decision, why = await self._decide(session, object_id, action)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no such {noun}", (self.field,), noun=noun(self.noun))
        if not decision.allowed and why:
            raise Forbidden(why)  # a condition's reason: a msg() constant
        if not decision.allowed:
            raise Forbidden("you may not {action} this {kind}", action=action, kind=noun(self.kind))
        return found

    async def explain(self, session: Session, object_id: int, action: str) -> Decision:
        """What `open_for` would decide; an object the caller may not read gets a plain no."""
        _, decision, _ = await self._decide(session, object_id, action)
        return decision

    async def _decide(self, session: Session, object_id: int, action: str):
        """(what was found if readable, the decision, why not) — the one place both ask."""
        route = self.routes.get(action)
        found = await route.load(session, object_id) if route is not None else None
        if found is not None and _readable(session, route.read_action, route.read_kind or route.kind, found[1]):
            decision = session.perms.decide(route.action, route.kind, found[1])
            if decision.allowed and route.condition is not None and (why := await route.condition(session, *found)):
                return found, DENIED, why
            return found, decision, None
        found = await self.load(session, object_id)
        if found is None or not _readable(session, self.read_action, self.kind, found[1]):
            return None, DENIED, None
        if action == "read" and self.read_action is None:
            return found, SEEN_BY_ALL, None
        decision = session.perms.decide(action, self.kind, found[1])
        condition = self.conditions.get(action)
        if decision.allowed and condition is not None and (why := await condition(session, found[0], found[1])):
            return found, DENIED, why
        return found, decision, None


def _readable(session: Session, read_action: str | None, kind: str, codes: list[str]) -> bool:
    return read_action is None or session.perms.decide(read_action, kind, codes).allowed


async def _by_columns(model, columns: tuple[str, ...], object_id: int) -> tuple[Any, list[str]] | None:
    row = await model.filter(id=object_id).first()
    return (row, await units.domain_codes(row, columns)) if row else None


async def _task(session: Session, task_id: int):
    return await _by_columns(SurveillanceTask, TASK_COLUMNS, task_id)


async def _checklist_item(session: Session, item_id: int):
    """An item of the task's checklist, for whoever reads the task's internal fields (never the
    enterprise); a withdrawn item (a split container's) is gone."""
    item = await ChecklistItem.filter(id=item_id, withdrawn_at__isnull=True).first()
    found = await _task(session, item.task_id) if item else None
    if found is None or not session.perms.decide("read", "task.internal", found[1]).allowed:
        return None
    return item, found[1]


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


async def _assignment(session: Session, assignment_id: int):
    return await _by_columns(PurchaseAssignment, PURCHASE_COLUMNS, assignment_id)


async def _own_assignment(session: Session, assignment_id: int):
    """Purchase work is done by the buyer it was assigned to, and by nobody else."""
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


async def _nonconformity(session: Session, item_id: int):
    """A finding is acted on through its task's policy, by that task's team."""
    item = await NonConformity.filter(id=item_id).select_related("result").first()
    found = await _task(session, item.result.task_id) if item else None
    return (item, found[1]) if found else None


async def _lab_request(session: Session, request_id: int):
    """An enterprise's lab request is answered through its task's policy."""
    request = await LabRequest.filter(id=request_id).first()
    found = await _task(session, request.task_id) if request else None
    return (request, found[1]) if found else None


async def _org_unit(session: Session, unit_id: int):
    """Sub-centres, agencies and labs are known to all; an enterprise only to who reads its factory."""
    unit = await (await visible_units(session)).filter(id=unit_id).first()
    return (unit, [unit.code]) if unit else None


async def _policy_rule(session: Session, rule_id: int):
    exists = await PolicyRule.filter(id=rule_id).exists()
    return (None, ["hq"]) if exists else None  # policy lines are administered at HQ


async def _audit_entry(session: Session, entry_id: int):
    return (None, ["hq"]) if await AuditEntry.filter(id=entry_id).exists() else None


async def _category(session: Session, category_id: int):
    category = await ProductCategory.filter(id=category_id).first()
    return (category, ["hq"]) if category else None


async def _bought_by_caller(session: Session, sample_id: int):
    sample = await Sample.filter(id=sample_id, purchase__buyer_id=session.actor.user_id).first()
    return (sample, await units.domain_codes(sample, SAMPLE_COLUMNS)) if sample else None


async def _bought_samples_task(session: Session, task_id: int):
    """A sampling task that buys its samples has no team: its planner concludes it."""
    found = await _task(session, task_id)
    if found is None or not (
        found[0].kind == TaskKind.SAMPLING and found[0].sampling_method == SamplingMethod.PURCHASE
    ):
        return None
    return found


GATES: dict[str, Gate] = {
    "Task": Gate(
        "task",
        "task",
        "taskId",
        _task,
        conditions={
            "start": on_team,
            "report_exception": executing_side,
            "submit_results": leads_team,
            "attach_form": files_forms,
        },
        routes={
            "submit_results": Route(_bought_samples_task, "task", "plan", "read"),
            # The team records the samples it takes (the sample policy, in the task's units).
            "record_sample": Route(_task, "sample", "record", "read", "task", on_team),
        },
    ),
    # Answered by the current team of its task (on_team, as starting the task).
    "ChecklistItem": Gate(
        "task",
        "checklist item",
        "itemId",
        _checklist_item,
        conditions={"answer_checklist": on_items_team},
    ),
    "Factory": Gate("factory", "factory", "factoryId", _factory),
    "Certificate": Gate("certificate", "certificate", "certificateId", _certificate),
    "Sample": Gate(
        "sample",
        "sample",
        "sampleId",
        _sample,
        conditions={"ship": on_sample_team},
        routes={"ship": Route(_bought_by_caller, "purchase", "ship", "read_own")},
    ),
    # Staff of the task's units read purchase work; its buyer reads and does it (read_own).
    "PurchaseAssignment": Gate(
        "purchase",
        "purchase assignment",
        "assignmentId",
        _assignment,
        routes={
            **{
                action: Route(_own_assignment, "purchase", {"read": "read_own"}.get(action, action), "read_own")
                for action in ("read", "record", "ship")
            },
            # Work is taken back by whoever may assign its task's buyer (and may read the work).
            "withdraw": Route(_assignment, "task", "assign_buyer", "read", "purchase"),
        },
    ),
    "Dispute": Gate("task", "dispute", "disputeId", _dispute),
    "LabRequest": Gate("task", "lab request", "requestId", _lab_request),
    # Verified by the leader of the finding's task team (also for bought samples: their
    # planner may conclude, but finds nothing to verify); answered by the task's enterprise.
    "NonConformity": Gate(
        "task",
        "non-conformity",
        "nonconformityId",
        _nonconformity,
        conditions={"submit_results": leads_findings_team, "correct": findings_enterprise},
    ),
    "ProblemReport": Gate("problem", "problem report", "reportId", _problem),
    "OrgUnit": Gate("org_unit", "unit", "unitId", _org_unit, None),  # the org chart is public inside
    "PolicyRule": Gate("policy", "policy rule", "ruleId", _policy_rule),
    "AuditEntry": Gate("audit", "audit entry", "entryId", _audit_entry),
    "ProductCategory": Gate("product_category", "product category", "productCategory", _category, None),
}
