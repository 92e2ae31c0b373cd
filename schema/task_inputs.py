"""Inputs of the task mutations and the task filter."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.file_uploads import Upload

from schema import task_enums
from schema.idempotency import idempotency_key_field


@strawberry.input(description="筛选任务 Filter tasks. All given conditions must hold.")
class TaskFilter:
    responsible_unit: str | None = strawberry.field(default=None, description="Unit code")
    kind: task_enums.TaskKind | None = strawberry.field(description="Only tasks of this kind.", default=None)
    status: task_enums.TaskStatus | None = strawberry.field(description="Only tasks in this status.", default=None)
    year: int | None = strawberry.field(description="Only tasks of this plan year.", default=None)
    factory_id: strawberry.ID | None = None
    certificate_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(description="True: only open tasks past their due date 超期.", default=None)
    window_from: dt.date | None = strawberry.field(default=None, description="Planned window ends on or after")
    window_to: dt.date | None = strawberry.field(default=None, description="Planned window starts on or before")
    top_level_only: bool = strawberry.field(default=False, description="Leave out sub-tasks")
    number: str | None = strawberry.field(
        default=None,
        description='任务编号 Tasks whose number contains this, in any case: "0042" finds EAST-2026-0042 '
        "(and its sub-tasks)",
    )


@strawberry.input(description="生成年度计划 Draft the routine tasks of a unit for a year.")
class GeneratePlanInput:
    unit_code: str = strawberry.field(description="Code of the sub-centre or agency the plan is for.")
    year: int = strawberry.field(description="The plan's year.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="新建任务 Create a task by hand (special, restoration, relocation, ...).")
class CreateTaskInput:
    factory_id: strawberry.ID
    kind: task_enums.TaskKind = strawberry.field(description="监督任务类型 Kind of task.")
    certificate_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the certificates covered, all of one factory."
    )
    due_on: dt.date = strawberry.field(description="Due date 完成期限.")
    planned_start: dt.date | None = strawberry.field(
        description="First day of the planned window; optional for a draft.", default=None
    )
    planned_end: dt.date | None = strawberry.field(description="Last day of the planned window.", default=None)
    special_trigger: task_enums.SpecialTrigger | None = strawberry.field(
        description="特殊检查触发原因 Why a special inspection; required for SPECIAL.", default=None
    )
    trigger_details: str | None = strawberry.field(
        description="Details of the trigger (complaint, report).", default=None
    )
    with_sampling: bool = strawberry.field(description="Whether the task also samples 抽样.", default=False)
    requirements: str | None = strawberry.field(description="检查要求 Requirements for the team.", default=None)
    unannounced: bool = strawberry.field(
        default=False, description="不通知 For special or sampling tasks; routine ones follow their kind"
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="安排任务 Set a draft's window, due date and requirements.")
class ScheduleTaskInput:
    task_id: strawberry.ID
    expected_version: int
    planned_start: dt.date = strawberry.field(description="First day of the window.")
    planned_end: dt.date = strawberry.field(description="Last day of the window.")
    due_on: dt.date | None = strawberry.field(description="Due date 完成期限; omitted keeps it.", default=None)
    requirements: str | None = strawberry.field(description="检查要求 Requirements for the team.", default=None)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="A state change of one task.")
class TaskActionInput:
    task_id: strawberry.ID
    expected_version: int
    reason: str | None = strawberry.field(default=None, description="Required to cancel")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="One part of a split 拆分.")
class TaskPartInput:
    kind: task_enums.TaskKind = strawberry.field(description="Kind of the sub-task.")
    certificate_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Default: all of the parent's"
    )
    requirements: str | None = strawberry.field(description="检查要求 Its requirements.", default=None)


@strawberry.input(description="拆分任务 Split a task into sub-tasks.")
class SplitTaskInput:
    task_id: strawberry.ID
    expected_version: int
    parts: list[TaskPartInput] = strawberry.field(description="The sub-tasks, 2 to 20.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="委托境外机构 Delegate an overseas factory's task to a foreign agency (HQ only).")
class DelegateTaskInput:
    task_id: strawberry.ID
    expected_version: int
    agency_code: str = strawberry.field(description="Code of the foreign agency 境外委托机构.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="组成或变更检查组 Form or change the inspection team; a change needs a reason.")
class AssignTeamInput:
    task_id: strawberry.ID
    expected_version: int
    leader_login: str = strawberry.field(description="Login of the team leader 检查组长.")
    member_logins: list[str] = strawberry.field(
        description="Logins of the other members 检查组成员 (the leader excluded).", default_factory=list
    )
    reason: str | None = None
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="报告异常 Report that the task cannot go as planned.")
class ReportTaskExceptionInput:
    task_id: strawberry.ID
    expected_version: int
    reason: task_enums.ExceptionReason
    details: str = strawberry.field(description="What happened.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="处理异常 Handle a reported exception.")
class HandleTaskExceptionInput:
    task_id: strawberry.ID
    expected_version: int
    handling: task_enums.ExceptionHandling = strawberry.field(description="异常处理 How the exception is handled.")
    note: str = strawberry.field(description="Why, and what happens next.")
    planned_start: dt.date | None = strawberry.field(default=None, description="New window, to reschedule")
    planned_end: dt.date | None = strawberry.field(
        description="New end of the window when the task is rescheduled.", default=None
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="申请检测机构 The enterprise asks about which lab tests its samples.")
class FileLabRequestInput:
    task_id: strawberry.ID
    lab_code: str | None = strawberry.field(default=None, description="One of the disclosed labs, if any")
    text: str = strawberry.field(description="The enterprise's request, in its words.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="答复检测机构申请 Accept or refuse a lab request, with the reason.")
class DecideLabRequestInput:
    request_id: strawberry.ID = strawberry.field(description="Global ID of the lab request.")
    accepted: bool = strawberry.field(description="True accepts the request, false refuses it.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(
    description="上传检查资料 Attach a document for the team (multipart upload; PDF, PNG, JPEG, DOCX, XLSX)."
)
class AttachTaskMaterialInput:
    task_id: strawberry.ID
    file: Upload = strawberry.field(description="The document, a multipart upload.")
    description: str | None = strawberry.field(
        description="What the document is, for the team; optional.", default=None
    )
    idempotency_key: str | None = idempotency_key_field()
