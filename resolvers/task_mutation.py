"""Task mutations: input -> one service command -> TaskPayload with userErrors."""

from __future__ import annotations

import strawberry

from domain.tasks import ExceptionHandling, ExceptionReason, SpecialTrigger, TaskKind
from resolvers.plumbing import db_id, factory_db_id, mutation, run, task_db_id, task_payload
from resolvers.uploads import read_upload
from schema import task_inputs, task_payloads
from services import documents
from services.tasks import exceptions, labs, lifecycle, planning, team
from services.tasks import queries as task_queries


@strawberry.type
class TaskMutation:
    @mutation(description="生成年度计划 Draft the routine tasks due in a year; a rerun adds only what is missing.")
    async def generate_plan(
        self, info: strawberry.Info, input: task_inputs.GeneratePlanInput
    ) -> task_payloads.GeneratePlanPayload:
        created, errors = await run(
            planning.generate_plan(info.context.require_session, unit_code=input.unit_code, year=input.year)
        )
        tasks = await info.context.present.tasks(created or [])
        return task_payloads.GeneratePlanPayload(created_count=len(tasks), tasks=tasks, user_errors=errors)

    @mutation(description="新建任务 Create a task (special inspections name their trigger).")
    async def create_task(self, info: strawberry.Info, input: task_inputs.CreateTaskInput) -> task_payloads.TaskPayload:
        async def command():
            return await planning.create_task(
                info.context.require_session,
                factory_id=factory_db_id(input.factory_id),
                kind=TaskKind(input.kind.value),
                certificate_ids=[db_id(c, "Certificate", "certificateIds") for c in input.certificate_ids],
                due_on=input.due_on,
                planned_start=input.planned_start,
                planned_end=input.planned_end,
                trigger=SpecialTrigger(input.special_trigger.value) if input.special_trigger else None,
                trigger_details=input.trigger_details,
                with_sampling=input.with_sampling,
                requirements=input.requirements,
                unannounced=input.unannounced,
            )

        return await task_payload(info, command())

    @mutation(description="安排任务 Set the window, due date and requirements of a draft or issued task.")
    async def schedule_task(
        self, info: strawberry.Info, input: task_inputs.ScheduleTaskInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await lifecycle.schedule_task(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                planned_start=input.planned_start,
                planned_end=input.planned_end,
                due_on=input.due_on,
                requirements=input.requirements,
            )

        return await task_payload(info, command())

    @mutation(description="下达任务 Issue a task; a pre-notified one creates the enterprise's notice.")
    async def issue_task(self, info: strawberry.Info, input: task_inputs.TaskActionInput) -> task_payloads.TaskPayload:
        async def command():
            return await lifecycle.issue_task(
                info.context.require_session, task_id=task_db_id(input), expected_version=input.expected_version
            )

        return await task_payload(info, command())

    @mutation(description="开始实施 The team starts on site; an unannounced task becomes visible to the enterprise.")
    async def start_task(self, info: strawberry.Info, input: task_inputs.TaskActionInput) -> task_payloads.TaskPayload:
        async def command():
            return await lifecycle.start_task(
                info.context.require_session, task_id=task_db_id(input), expected_version=input.expected_version
            )

        return await task_payload(info, command())

    @mutation(description="取消任务 Cancel a task, with a reason.")
    async def cancel_task(self, info: strawberry.Info, input: task_inputs.TaskActionInput) -> task_payloads.TaskPayload:
        async def command():
            return await lifecycle.cancel_task(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                reason=input.reason,
            )

        return await task_payload(info, command())

    @mutation(description="拆分任务 Split a task into sub-tasks (e.g. inspection part and sampling part).")
    async def split_task(
        self, info: strawberry.Info, input: task_inputs.SplitTaskInput
    ) -> task_payloads.SplitTaskPayload:
        async def command():
            parts = [
                lifecycle.Part(
                    kind=TaskKind(p.kind.value),
                    certificate_ids=[db_id(c, "Certificate", "certificateIds") for c in p.certificate_ids]
                    if p.certificate_ids is not None
                    else None,
                    requirements=p.requirements,
                )
                for p in input.parts
            ]
            return await lifecycle.split_task(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                parts=parts,
                reason=input.reason,
            )

        result, errors = await run(command())
        if result is None:
            return task_payloads.SplitTaskPayload(task=None, children=[], user_errors=errors)
        parent, children = result
        presented = await info.context.present.tasks([parent, *children])
        return task_payloads.SplitTaskPayload(task=presented[0], children=presented[1:], user_errors=[])

    @mutation(description="委托境外机构 Delegate an overseas factory's task to a foreign agency (HQ only).")
    async def delegate_task(
        self, info: strawberry.Info, input: task_inputs.DelegateTaskInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await lifecycle.delegate_task(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                agency_code=input.agency_code,
                reason=input.reason,
            )

        return await task_payload(info, command())

    @mutation(description="组成/变更检查组 Form or change the inspection team.")
    async def assign_team(self, info: strawberry.Info, input: task_inputs.AssignTeamInput) -> task_payloads.TaskPayload:
        async def command():
            return await team.assign_team(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                leader=input.leader_login,
                members=input.member_logins,
                reason=input.reason,
            )

        return await task_payload(info, command())

    @mutation(description="报告异常 Report that a task cannot be executed or completed as planned.")
    async def report_task_exception(
        self, info: strawberry.Info, input: task_inputs.ReportTaskExceptionInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await exceptions.report_exception(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                reason=ExceptionReason(input.reason.value),
                details=input.details,
            )

        return await task_payload(info, command())

    @mutation(description="处理异常 Reschedule, convert to special, escalate to HQ, or cancel.")
    async def handle_task_exception(
        self, info: strawberry.Info, input: task_inputs.HandleTaskExceptionInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await exceptions.handle_exception(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                handling=ExceptionHandling(input.handling.value),
                note=input.note,
                new_start=input.planned_start,
                new_end=input.planned_end,
            )

        return await task_payload(info, command())

    @mutation(description="申请检测机构 (enterprise) Ask about the lab for this task's samples.")
    async def file_lab_request(
        self, info: strawberry.Info, input: task_inputs.FileLabRequestInput
    ) -> task_payloads.TaskPayload:
        async def command():
            await labs.file_request(
                info.context.require_session, task_id=task_db_id(input), lab_code=input.lab_code, text=input.text
            )
            return await _reload(info, task_db_id(input))

        return await task_payload(info, command())

    @mutation(description="答复检测机构申请 (planner) Record whether the request was accepted, and why.")
    async def decide_lab_request(
        self, info: strawberry.Info, input: task_inputs.DecideLabRequestInput
    ) -> task_payloads.TaskPayload:
        async def command():
            request_id = db_id(input.request_id, "LabRequest", "requestId")
            request = await labs.decide_request(
                info.context.require_session, request_id=request_id, accepted=input.accepted, reason=input.reason
            )
            return await _reload(info, request.task_id)

        return await task_payload(info, command())

    @mutation(description="上传检查资料 Attach a document to a task (planners); stored by SHA-256.")
    async def attach_task_material(
        self, info: strawberry.Info, input: task_inputs.AttachTaskMaterialInput
    ) -> task_payloads.TaskPayload:
        session = info.context.require_session
        config = session.config

        async def command():
            data, filename, declared = await read_upload(input.file, config.max_upload_bytes, ("file",))
            await documents.attach_material(
                session,
                task_id=task_db_id(input),
                data=data,
                filename=filename,
                declared_type=declared,
                description=input.description,
            )
            return await _reload(info, task_db_id(input))

        return await task_payload(info, command())


async def _reload(info: strawberry.Info, task_id: int):
    return (await task_queries.visible_tasks(info.context.require_session, [task_id]))[task_id]
