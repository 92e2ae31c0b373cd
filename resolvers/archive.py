"""Archive, person-days, monitoring and common-problem queries and mutations (issue 6)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from domain.archive import Form
from resolvers.plumbing import db_id, mutation, run, task_db_id, task_payload
from resolvers.query import page_request
from resolvers.uploads import read_upload
from schema import archive_types as at
from schema import task_payloads
from schema.idempotency import idempotency_key_field
from schema.relay import Connection, build_connection
from schema.types import UserError
from services import lookups
from services.archive import archiving, forms, monitoring, person_days, problems


@strawberry.input(description="上传归档表单 File one form of the task's record (multipart).")
class AttachTaskFormInput:
    task_id: strawberry.ID
    form: at.Form = strawberry.field(description="Which archive form 归档表单 the file is.")
    file: Upload = strawberry.field(description="The file, a multipart upload.")
    description: str | None = strawberry.field(description="A note shown beside the file; optional.", default=None)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="归档 Archive a decided task whose file is complete (the entitled unit's archivist).")
class ArchiveTaskInput:
    task_id: strawberry.ID
    expected_version: int
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="计划人日数 The planned inspection person-days (half days).")
class SetPlannedPersonDaysInput:
    task_id: strawberry.ID
    expected_version: int
    days: float = strawberry.field(description="Planned person-days, in half days.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="One inspector's actual person-days.")
class InspectorDaysInput:
    login: str = strawberry.field(description="The inspector's login; a member of the team.")
    days: float = strawberry.field(description="Person-days 人日数, in half days.")


@strawberry.input(description="实际人日数 The team leader accounts the actual person-days of the team.")
class RecordPersonDaysInput:
    task_id: strawberry.ID
    expected_version: int
    entries: list[InspectorDaysInput] = strawberry.field(description="One entry per inspector of the team.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="上报共性问题 A sub-centre reports a common problem to HQ.")
class FileProblemReportInput:
    category: at.ProblemCategory = strawberry.field(description="问题类别 Category of the problem.")
    title: str = strawberry.field(description="Short title.")
    description: str = strawberry.field(description="The problem, in full.")
    task_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of tasks that show the problem (may be empty).", default_factory=list
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="答复或补充 HQ answers; the sub-centre follows up.")
class PostProblemMessageInput:
    report_id: strawberry.ID = strawberry.field(description="Global ID of the problem report.")
    text: str = strawberry.field(description="The message.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class ProblemReportPayload:
    report: at.ProblemReport | None = strawberry.field(description="The report as changed; null when nothing changed.")
    user_errors: list[UserError]


async def _report_payload(info: strawberry.Info, command) -> ProblemReportPayload:
    found, errors = await run(command)
    return ProblemReportPayload(
        report=(await info.context.present.problem_reports([found]))[0] if found else None, user_errors=errors
    )


@strawberry.type
class ArchiveQuery:
    @strawberry.field(description="监督统计 Statistics of a unit over a period; without unitCode, all units (HQ).")
    async def monitoring(
        self,
        info: strawberry.Info,
        date_from: Annotated[dt.date, strawberry.argument(description="First day of the period, by due date.")],
        date_to: Annotated[dt.date, strawberry.argument(description="Last day of the period.")],
        unit_code: Annotated[
            str | None, strawberry.argument(description="The unit; omitted, all units (HQ only).")
        ] = None,
    ) -> at.MonitoringStatistics:
        stats = await monitoring.statistics(info.context.require_session, unit_code, date_from, date_to)
        return at.MonitoringStatistics.from_stats(stats)

    @strawberry.field(description="共性问题 Problem reports: a sub-centre sees its own, HQ all.")
    async def problem_reports(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[at.ProblemReport]:
        qs = await problems.visible_reports(info.context.require_session)
        page = await lookups.paginate(qs, page_request(info, first, after, None, None))
        items = iter(await info.context.present.problem_reports(page.items))
        return build_connection(page.items, lambda _: next(items), page.total, page.has_next, page.has_previous)


@strawberry.type
class ArchiveMutation:
    @mutation(description="上传归档表单 File a form (0402.03 ...); not once archived.")
    async def attach_task_form(self, info: strawberry.Info, input: AttachTaskFormInput) -> task_payloads.TaskPayload:
        session = info.context.require_session

        async def command():
            data, filename, declared = await read_upload(input.file, session.config.max_upload_bytes, ("file",))
            return await forms.attach_form(
                session,
                task_id=task_db_id(input),
                form=Form(input.form.value),
                data=data,
                filename=filename,
                declared=declared,
                description=input.description,
            )

        return await task_payload(info, command())

    @mutation(description="归档 Archive a decided task with a complete file; it becomes read-only.")
    async def archive_task(self, info: strawberry.Info, input: ArchiveTaskInput) -> task_payloads.TaskPayload:
        async def command():
            return await archiving.archive_task(
                info.context.require_session, task_id=task_db_id(input), expected_version=input.expected_version
            )

        return await task_payload(info, command())

    @mutation(description="计划人日数 Set the planned person-days (the planner).")
    async def set_planned_person_days(
        self, info: strawberry.Info, input: SetPlannedPersonDaysInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await person_days.set_planned(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                days=input.days,
            )

        return await task_payload(info, command())

    @mutation(description="实际人日数 Account the team's actual person-days (the team leader).")
    async def record_person_days(
        self, info: strawberry.Info, input: RecordPersonDaysInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await person_days.record_actual(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                entries=[(e.login, e.days) for e in input.entries],
            )

        return await task_payload(info, command())

    @mutation(description="上报共性问题 Report a common problem to HQ (a sub-centre).")
    async def file_problem_report(self, info: strawberry.Info, input: FileProblemReportInput) -> ProblemReportPayload:
        async def command():
            return await problems.file_report(
                info.context.require_session,
                category=problems.ProblemCategory(input.category.value),
                title=input.title,
                description=input.description,
                task_ids=[db_id(t, "Task", "taskIds") for t in input.task_ids],
            )

        return await _report_payload(info, command())

    @mutation(description="答复共性问题 HQ answers a problem report; the sub-centre follows up.")
    async def post_problem_message(self, info: strawberry.Info, input: PostProblemMessageInput) -> ProblemReportPayload:
        async def command():
            return await problems.post_message(
                info.context.require_session,
                report_id=db_id(input.report_id, "ProblemReport", "reportId"),
                text=input.text,
            )

        return await _report_payload(info, command())
