"""Lab disclosure (§4.1): where several labs serve the region of a task with sampling, the
enterprise is told which, may ask for one, and the planner records the answer and why."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.enums import UnitKind
from domain.errors import DomainError, ErrorCode
from domain.tasks import OPEN, TaskKind, TaskStatus
from domain.validation import clean_text, require_reason
from services import audit_log
from services.notices import work_notices
from services.runner import Work, command
from store.models import LabRequest, OrgUnit, SurveillanceTask


async def labs_to_disclose(task: SurveillanceTask) -> list[int]:
    """Ids of the labs serving the task's region, when there is a choice to tell about."""
    if not (task.with_sampling or task.kind == TaskKind.SAMPLING):
        return []
    region = await OrgUnit.filter(id=task.responsible_unit_id).values_list("code", flat=True)
    labs = [
        lab_id
        for lab_id, regions in await OrgUnit.filter(kind=UnitKind.LAB).order_by("id").values_list("id", "regions")
        if region and region[0] in regions
    ]
    return labs if len(labs) > 1 else []


@command(gate="Task", action="request_lab")
async def file_request(work: Work, *, task_id: int, lab_code: str | None, text: str | None) -> LabRequest:
    body = clean_text(text, "text", max_length=2000)
    session, task = work.user, work.target
    if not task.disclosed_labs:
        raise DomainError(ErrorCode.CONFLICT, "no choice of lab was disclosed for this task", ("taskId",))
    if TaskStatus(task.status) not in OPEN:
        raise DomainError(ErrorCode.CONFLICT, "the task is closed", ("taskId",))
    pending = LabRequest.filter(task_id=task.id, requested_by_id=session.actor.user_id, decided_at__isnull=True)
    if await pending.exists():
        raise DomainError(ErrorCode.CONFLICT, "your earlier request is still being considered", ("taskId",))
    lab_id = None
    if lab_code:
        lab = await OrgUnit.filter(code=clean_text(lab_code, "labCode", max_length=32, single_line=True)).first()
        if lab is None or lab.id not in task.disclosed_labs:
            raise DomainError(ErrorCode.INVALID, "choose one of the disclosed labs", ("labCode",))
        lab_id = lab.id
    request = await LabRequest.create(
        task_id=task.id, requested_by_id=session.actor.user_id, preferred_lab_id=lab_id, text=body
    )
    await audit_log.record(
        AuditAction.TASK_LAB_REQUEST,
        "SurveillanceTask",
        task.id,
        after={"request": request.id, "lab": lab_code},
        reason=body,
    )
    await work_notices.lab_request_filed(task, body)
    return request


@command(gate="LabRequest", action="plan")  # the task's planners answer its enterprise
async def decide_request(work: Work, *, request_id: int, accepted: bool, reason: str | None) -> LabRequest:
    why = require_reason(reason)
    session, request = work.user, work.target
    if request.decided_at is not None:
        raise DomainError(ErrorCode.CONFLICT, "this request was decided already", ("requestId",))
    await LabRequest.filter(id=request.id).update(
        accepted=accepted, decision_reason=why, decided_by_id=session.actor.user_id, decided_at=datetime.now(UTC)
    )
    await request.refresh_from_db()
    await audit_log.record(
        AuditAction.TASK_LAB_DECISION,
        "SurveillanceTask",
        request.task_id,
        after={"request": request.id, "accepted": accepted},
        reason=why,
    )
    await work_notices.lab_request_answered(request)
    return request
