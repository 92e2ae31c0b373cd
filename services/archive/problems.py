"""Common problems (§4.7): a sub-centre reports a problem to HQ (category, description,
linked tasks); HQ answers; both sides see and continue the thread."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.archive import ProblemCategory
from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text
from services import audit_log
from services.context import Session
from services.errors import Forbidden
from services.runner import unconverted
from services.scoping import in_units
from services.tasks.queries import visible_tasks
from store.models import OrgUnit, ProblemMessage, ProblemReport

KIND = "problem"


async def file_report(
    session: Session, category: ProblemCategory, title: str, description: str, task_ids: list[int]
) -> ProblemReport:
    heading = clean_text(title, "title", max_length=200)
    text = clean_text(description, "description", max_length=10000)
    if len(task_ids) > 50:
        raise DomainError(ErrorCode.INVALID, "link at most 50 tasks", ("taskIds",))
    unit = await OrgUnit.get(code=session.actor.unit_code)
    if unit.code == "hq":
        raise DomainError(ErrorCode.INVALID, "sub-centres report common problems to HQ", ())
    session.perms.require("file", KIND, [unit.code])
    visible = await visible_tasks(session, task_ids)
    if missing := [i for i in task_ids if i not in visible]:
        raise DomainError(ErrorCode.NOT_FOUND, f"{len(missing)} linked task(s) not found", ("taskIds",))
    async with unconverted(session):
        report = await ProblemReport.create(
            unit_id=unit.id, category=category.value, title=heading, description=text,
            task_ids=sorted(set(task_ids)), status="OPEN", filed_by_id=session.actor.user_id,
            filed_at=datetime.now(UTC),
        )  # fmt: skip
        await audit_log.record(AuditAction.PROBLEM_FILE, "ProblemReport", report.id,
            after={"category": category.value, "title": heading, "tasks": report.task_ids}, reason=text,
        )  # fmt: skip
    return report


async def post_message(session: Session, report_id: int, text: str) -> ProblemReport:
    """HQ's answer (the report becomes ANSWERED), or the sub-centre's follow-up."""
    body = clean_text(text, "text", max_length=10000)
    async with unconverted(session):
        report = await ProblemReport.filter(id=report_id).select_related("unit").first()
        if report is None or not session.perms.decide("read", KIND, [report.unit.code]).allowed:
            raise DomainError(ErrorCode.NOT_FOUND, "no such problem report", ("reportId",))
        from_hq = session.perms.decide("answer", KIND, [report.unit.code]).allowed
        if not from_hq and not session.perms.decide("file", KIND, [report.unit.code]).allowed:
            raise Forbidden("you may not write in this thread")
        await ProblemMessage.create(
            report_id=report.id, author_id=session.actor.user_id, from_hq=from_hq, text=body, at=datetime.now(UTC)
        )
        if from_hq and report.status != "ANSWERED":
            await ProblemReport.filter(id=report.id).update(status="ANSWERED")
        await audit_log.record(AuditAction.PROBLEM_ANSWER if from_hq else AuditAction.PROBLEM_FOLLOW_UP,
            "ProblemReport", report.id, reason=body,
        )  # fmt: skip
    return await ProblemReport.get(id=report.id)


async def visible_reports(session: Session):
    scope = in_units(await session.perms.unit_ids("read", KIND), columns=("unit_id",))
    return ProblemReport.filter(scope)


async def messages_of(report_ids: list[int]) -> dict[int, list[ProblemMessage]]:
    grouped: dict[int, list] = {}
    for m in await ProblemMessage.filter(report_id__in=report_ids).select_related("author").order_by("id"):
        grouped.setdefault(m.report_id, []).append(m)
    return grouped
