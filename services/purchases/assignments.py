"""The planner sends a market buyer to buy for a sampling task, or takes the work back;
the buyer reports it done."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.enums import Role
from domain.errors import DomainError, ErrorCode
from domain.purchases import AssignmentStatus, check_assignable, check_open
from domain.tasks import ExceptionReason, SamplingMethod, TaskKind, TaskStatus
from domain.validation import clean_text, require_reason
from services import audit_log
from services.context import Session
from services.notices import task_notices, work_notices
from services.purchases.closing import close
from services.runner import Work, command
from services.tasks.common import move, save
from services.tasks.lifecycle import refuse_if_split
from store.models import OrgUnit, Purchase, PurchaseAssignment, SurveillanceTask, TaskException, User


@command(gate="Task", action="assign_buyer")
async def assign_buyer(
    work: Work, *, task_id: int, expected_version: int, buyer_login: str, instructions: str | None
) -> PurchaseAssignment:
    login = clean_text(buyer_login, "buyerLogin", max_length=64, single_line=True)
    text = clean_text(instructions, "instructions", max_length=2000, required=False) or ""
    session, task = work.user, work.target
    method = SamplingMethod(task.sampling_method) if task.sampling_method else None
    check_assignable(TaskKind(task.kind), method, TaskStatus(task.status), task.lab_id is not None)
    await refuse_if_split(task)
    buyer = await _buyer(session, task, login)
    active = await PurchaseAssignment.filter(task_id=task.id, status=AssignmentStatus.ASSIGNED).first()
    if active is not None:
        same = active.buyer_id == buyer.id
        if same:
            raise DomainError(ErrorCode.NO_CHANGE, "that buyer has this work already", ("buyerLogin",))
        raise DomainError(
            ErrorCode.CONFLICT,
            "another buyer has this work: withdraw it first",
            ("buyerLogin",),
        )
    assignment = await PurchaseAssignment.create(
        task_id=task.id,
        buyer_id=buyer.id,
        assigned_by_id=work.actor.user_id,
        assigned_at=datetime.now(UTC),
        instructions=text,
        status=AssignmentStatus.ASSIGNED,
        responsible_unit_id=task.responsible_unit_id,
        executing_unit_id=task.executing_unit_id,
    )
    if TaskStatus(task.status) == TaskStatus.ISSUED:  # the buyer is the task's team
        await move(task, TaskStatus.TEAM_ASSIGNED, AuditAction.TASK_BUYER_ASSIGNED, None)
    else:
        await save(task)
    await audit_log.record(
        AuditAction.PURCHASE_ASSIGN,
        "PurchaseAssignment",
        assignment.id,
        after={"task": task.id, "buyer": login, "instructions": text},
    )
    await work_notices.purchase_assigned(task, assignment, buyer.id)
    return assignment


async def _buyer(session: Session, task, login: str) -> User:
    """An active market buyer of the unit that executes the task."""
    unit_code = await OrgUnit.filter(id=task.executing_unit_id).values_list("code", flat=True)
    user = await User.filter(login=login, active=True).first()
    held = session.perms.authorizer.roles_of(user.id) if user else []
    if user is None or (Role.MARKET_BUYER.value, f"unit:{unit_code[0]}") not in held:
        raise DomainError(
            ErrorCode.INVALID, "{login} is not a market buyer of the executing unit", ("buyerLogin",), login=login
        )
    return user


# The gate's route: whoever may assign the task's buyer takes the work back.
@command(gate="PurchaseAssignment", action="withdraw")
async def withdraw(work: Work, *, assignment_id: int, expected_version: int, reason: str) -> PurchaseAssignment:
    why = require_reason(reason)
    assignment = work.target
    check_open(AssignmentStatus(assignment.status))
    await close(assignment, AssignmentStatus.WITHDRAWN, AuditAction.PURCHASE_WITHDRAW, why)
    return assignment


# The PurchaseAssignment gate lets only the buyer the work was assigned to `record` on it.
@command(gate="PurchaseAssignment", action="record")
async def complete(work: Work, *, assignment_id: int, expected_version: int, note: str | None) -> PurchaseAssignment:
    text = clean_text(note, "note", max_length=2000, required=False)
    assignment = work.target
    check_open(AssignmentStatus(assignment.status))
    if not await Purchase.filter(assignment_id=assignment.id).exists():
        raise DomainError(
            ErrorCode.CONFLICT, "record a purchase first (or report the product not found)", ("assignmentId",)
        )
    await close(assignment, AssignmentStatus.COMPLETED, AuditAction.PURCHASE_COMPLETE, text)
    return assignment


@command(gate="PurchaseAssignment", action="record")
async def report_problem(
    work: Work, *, assignment_id: int, expected_version: int, reason: ExceptionReason, details: str | None
) -> PurchaseAssignment:
    """The buyer cannot buy (市场上未找到产品 ...): the task becomes an exception for the
    planner to handle, and this assignment ends."""
    text = clean_text(details, "details", max_length=5000)
    assignment = work.target
    check_open(AssignmentStatus(assignment.status))
    task = await SurveillanceTask.get(id=assignment.task_id)
    await move(task, TaskStatus.EXCEPTION, AuditAction.TASK_EXCEPTION, text)
    await TaskException.create(
        task_id=task.id,
        reason=reason,
        details=text,
        reported_by_id=work.actor.user_id,
        reported_at=datetime.now(UTC),
    )
    await close(assignment, AssignmentStatus.EXCEPTION, AuditAction.PURCHASE_PROBLEM, text, reason=reason.value)
    await task_notices.exception(task, reason, text)
    return assignment
