"""Common problems (§4.7): a sub-centre reports a problem to HQ (category, description,
linked tasks); HQ answers; both sides see and continue the thread."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.archive import ProblemCategory
from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text
from services import audit_log
from services.context import Session
from services.gates import GATES
from services.notices import work_notices
from services.runner import Work, command
from services.scoping import in_units
from services.tasks.queries import visible_tasks
from store.models import OrgUnit, ProblemMessage, ProblemReport

KIND = "problem"


async def _files_for_own_unit(session: Session, arguments: dict[str, Any]) -> None:
    """A sub-centre's staff report to HQ, for their own unit."""
    if session.actor.unit_code == "hq":
        raise DomainError(ErrorCode.INVALID, "sub-centres report common problems to HQ", ())
    session.perms.require("file", KIND, [session.actor.unit_code])


@command(authorize=_files_for_own_unit)
async def file_report(
    work: Work, *, category: ProblemCategory, title: str, description: str, task_ids: list[int]
) -> ProblemReport:
    heading = clean_text(title, "title", max_length=200, single_line=True)
    text = clean_text(description, "description", max_length=10000)
    if len(task_ids) > 50:
        raise DomainError(ErrorCode.INVALID, "link at most 50 tasks", ("taskIds",))
    session = work.user
    visible = await visible_tasks(session, task_ids)
    if missing := [i for i in task_ids if i not in visible]:
        raise DomainError(ErrorCode.NOT_FOUND, "{count} linked task(s) not found", ("taskIds",), count=len(missing))
    unit = await OrgUnit.get(code=session.actor.unit_code)
    report = await ProblemReport.create(
        unit_id=unit.id,
        category=category.value,
        title=heading,
        description=text,
        task_ids=sorted(set(task_ids)),
        status="OPEN",
        filed_by_id=session.actor.user_id,
        filed_at=datetime.now(UTC),
    )
    await audit_log.record(
        AuditAction.PROBLEM_FILE,
        "ProblemReport",
        report.id,
        after={"category": category.value, "title": heading, "tasks": report.task_ids},
        reason=text,
    )
    return report


async def post_message(session: Session, *, report_id: int, text: str) -> ProblemReport:
    """HQ's answer (the report becomes ANSWERED), or the sub-centre's follow-up: whoever may
    answer the report answers it; anyone else follows up, if they may file for its unit."""
    if (await GATES["ProblemReport"].explain(session, report_id, "answer")).allowed:
        return await answer_report(session, report_id=report_id, text=text)
    return await follow_up_report(session, report_id=report_id, text=text)


@command(gate="ProblemReport", action="answer")
async def answer_report(work: Work, *, report_id: int, text: str) -> ProblemReport:
    """HQ answers: the report becomes ANSWERED."""
    body = clean_text(text, "text", max_length=10000)
    report = work.target
    await ProblemMessage.create(
        report_id=report.id, author_id=work.user.actor.user_id, from_hq=True, text=body, at=datetime.now(UTC)
    )
    if report.status != "ANSWERED":
        await ProblemReport.filter(id=report.id).update(status="ANSWERED")
    await audit_log.record(AuditAction.PROBLEM_ANSWER, "ProblemReport", report.id, reason=body)
    unit = await OrgUnit.filter(id=report.unit_id).values_list("code", flat=True)
    await work_notices.problem_answered(report, body, unit)
    return await ProblemReport.get(id=report.id)


# "file": the reporting unit's staff continue their thread.
@command(gate="ProblemReport", action="file")
async def follow_up_report(work: Work, *, report_id: int, text: str) -> ProblemReport:
    body = clean_text(text, "text", max_length=10000)
    report = work.target
    await ProblemMessage.create(
        report_id=report.id, author_id=work.user.actor.user_id, from_hq=False, text=body, at=datetime.now(UTC)
    )
    await audit_log.record(AuditAction.PROBLEM_FOLLOW_UP, "ProblemReport", report.id, reason=body)
    return await ProblemReport.get(id=report.id)


async def visible_reports(session: Session):
    scope = in_units(await session.perms.unit_ids("read", KIND), columns=("unit_id",))
    return ProblemReport.filter(scope)


async def messages_of(report_ids: list[int]) -> dict[int, list[ProblemMessage]]:
    grouped: dict[int, list] = {}
    for m in await ProblemMessage.filter(report_id__in=report_ids).select_related("author").order_by("id"):
        grouped.setdefault(m.report_id, []).append(m)
    return grouped
