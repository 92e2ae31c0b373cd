"""The surveillance task in GraphQL. Internal fields (requirements, exceptions, suspension
ground) are null or empty for viewers without `task.internal` (enterprises)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from schema import task_enums
from schema.archive_types import TaskArchiveFields
from schema.checklist_types import TaskChecklistFields
from schema.form_types import TaskFormFields
from schema.reference_types import SamplingScheme, SurveillanceClause
from schema.relay import Connection, Node, build_connection, slice_connection, to_global_id
from schema.result_types import RISK_ACTIONS, TaskOutcomeFields
from schema.types import AuditEntry, Certificate, Factory, OrgUnit, Person


@strawberry.type(description="检查组成员 A member of a task's inspection team, current or past.")
class TeamMember:
    login: str = strawberry.field(description="The member's login.")
    display_name: str = strawberry.field(description="The member's name.")
    is_leader: bool = strawberry.field(description="组长 Team leader")
    assigned_at: dt.datetime = strawberry.field(description="When they joined the team.")
    removed_at: dt.datetime | None = strawberry.field(description="Null while on the team.")
    reason: str | None = strawberry.field(description="Why the team was changed 变更原因")
    person: Person = strawberry.field(description="The member as a person of the directory (`people`).")


@strawberry.type(description="任务异常 A report that the task cannot go as planned (§4.3), and its handling.")
class TaskExceptionReport:
    reason: task_enums.ExceptionReason = strawberry.field(description="无法实施的原因 Why.")
    details: str = strawberry.field(description="What happened.")
    reported_at: dt.datetime = strawberry.field(description="When it was reported.")
    handling: task_enums.ExceptionHandling | None = strawberry.field(
        description="异常处理 How it was handled; null while open."
    )
    handling_note: str | None = strawberry.field(description="The planner's note.")
    handled_at: dt.datetime | None = strawberry.field(description="When it was handled.")


@strawberry.type(description="资料 A document handed to the team, stored by its SHA-256.")
class Document:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")
    filename: str = strawberry.field(description="The file's name as uploaded.")
    content_type: str = strawberry.field(description="MIME type, from the file's content.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content (hex); the file is stored under it.")
    description: str = strawberry.field(description="What the document is.")
    uploaded_by: str = strawberry.field(description="Login of who uploaded it.")
    uploaded_at: dt.datetime = strawberry.field(description="When it was uploaded.")
    download_url: str = strawberry.field(description="GET it with the same bearer token")

    @classmethod
    def from_model(cls, m) -> Document:
        return cls(
            id=to_global_id("Document", m.id), filename=m.filename, content_type=m.content_type, size=m.size,
            sha256=m.sha256, description=m.description, uploaded_by=m.uploaded_by.login, uploaded_at=m.uploaded_at,
            download_url=f"/documents/{m.id}",
        )  # fmt: skip


@strawberry.type(description="检测机构申请 An enterprise's request about which lab tests its samples (§4.1).")
class LabRequest:
    id: strawberry.ID = strawberry.field(description="Opaque ID, for decideLabRequest")
    preferred_lab: OrgUnit | None = strawberry.field(description="The lab the enterprise prefers, if it named one.")
    text: str = strawberry.field(description="The enterprise's request.")
    requested_by: str = strawberry.field(description="Login of the enterprise user")
    created_at: dt.datetime = strawberry.field(description="When it was filed.")
    accepted: bool | None = strawberry.field(description="Null until the planner decides")
    decision_reason: str | None = strawberry.field(description="Why it was accepted or refused.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided; null while open.")


@strawberry.type(description="监督任务 A surveillance task: one factory, some of its certificates.")
class Task(TaskChecklistFields, TaskArchiveFields, TaskFormFields, TaskOutcomeFields, Node):
    number: str = strawberry.field(
        description="任务编号 The task's number, its name on paper: responsible unit, year and sequence "
        "(EAST-2026-0042); a sub-task adds its place under its parent (EAST-2026-0042-1). Never changes."
    )
    kind: task_enums.TaskKind = strawberry.field(description="监督任务类型 Kind.")
    status: task_enums.TaskStatus = strawberry.field(description="任务状态 Status.")
    year: int = strawberry.field(description="The plan year.")
    due_on: dt.date = strawberry.field(description="应完成日期 Due date")
    planned_start: dt.date | None = strawberry.field(description="计划开始 Planned window start")
    planned_end: dt.date | None = strawberry.field(description="计划结束 Planned window end")
    overdue: bool = strawberry.field(description="逾期 Past its due date and still open")
    special_trigger: task_enums.SpecialTrigger | None = strawberry.field(
        description="特殊检查触发原因 Why a special inspection."
    )
    trigger_details: str | None = strawberry.field(description="Details of the trigger.")
    with_sampling: bool = strawberry.field(description="含抽样 Includes surveillance sampling")
    risk_notice: str | None = strawberry.field(description="风险告知 Risk told to the enterprise (relocation)")
    notified_at: dt.datetime | None = strawberry.field(description="通知企业时间 When the enterprise was told")
    started_at: dt.datetime | None = strawberry.field(description="When the team started on site.")
    version: int
    requirements: str | None = strawberry.field(description="检查及抽样要求 Requirements for the team (internal)")
    suspension_ground: str | None = strawberry.field(description="暂停依据 Ground recorded for the decision (internal)")
    _model: strawberry.Private[object]
    _internal: strawberry.Private[bool]
    _risk: strawberry.Private[bool]

    @strawberry.field(description="The factory; null if you may not see it.")
    async def factory(self, info: strawberry.Info) -> Factory | None:
        f = await info.context.loaders.factory.load(self._model.factory_id)
        return (await info.context.present.factories([f]))[0] if f else None

    @strawberry.field(description="负责单位 Responsible unit (jurisdiction)")
    async def responsible_unit(self, info: strawberry.Info) -> OrgUnit:
        return OrgUnit.from_model(await info.context.loaders.unit.load(self._model.responsible_unit_id))

    @strawberry.field(description="实施单位 Executing unit: itself, or the foreign agency HQ delegated to")
    async def executing_unit(self, info: strawberry.Info) -> OrgUnit:
        return OrgUnit.from_model(await info.context.loaders.unit.load(self._model.executing_unit_id))

    @strawberry.field(description="Certificates this task covers that you may see.")
    async def certificates(self, info: strawberry.Info) -> list[Certificate]:
        return [Certificate.from_model(c) for c in await info.context.loaders.task_certificates.load(self._model.id)]

    @strawberry.field(description="The task this one was split from 拆分自")
    async def parent(self, info: strawberry.Info) -> Task | None:
        if self._model.parent_id is None:
            return None
        row = await info.context.loaders.task.load(self._model.parent_id)
        return (await info.context.present.tasks([row]))[0] if row else None

    @strawberry.field(description="Sub-tasks 子任务")
    async def children(self, info: strawberry.Info) -> list[Task]:
        return await info.context.present.tasks(await info.context.loaders.task_children.load(self._model.id))

    @strawberry.field(description="汇总状态 The least advanced status among the sub-tasks; null without any")
    async def aggregate_status(self, info: strawberry.Info) -> task_enums.TaskStatus | None:
        return info.context.aggregate(await info.context.loaders.task_children.load(self._model.id))

    @strawberry.field(description="检查组 The inspection team; with includeRemoved, its whole history")
    async def team(
        self,
        info: strawberry.Info,
        include_removed: Annotated[
            bool, strawberry.argument(description="True also lists members who left the team.")
        ] = False,
    ) -> list[TeamMember]:
        rows = [a for a in await info.context.loaders.task_team.load(self._model.id)
                if include_removed or a.removed_at is None]  # fmt: skip
        people = await info.context.present.people([a.user for a in rows])
        return [
            TeamMember(login=a.user.login, display_name=a.user.display_name, is_leader=a.is_leader,
                       assigned_at=a.assigned_at, removed_at=a.removed_at, reason=a.reason, person=person)
            for a, person in zip(rows, people, strict=True)
        ]  # fmt: skip

    @strawberry.field(description="异常 Exceptions reported on this task (internal)")
    async def exceptions(self, info: strawberry.Info) -> list[TaskExceptionReport]:
        if not self._internal:
            return []
        rows = await info.context.loaders.task_exceptions.load(self._model.id)
        return [
            TaskExceptionReport(
                reason=task_enums.ExceptionReason(e.reason), details=e.details, reported_at=e.reported_at,
                handling=task_enums.ExceptionHandling(e.handling) if e.handling else None,
                handling_note=e.handling_note, handled_at=e.handled_at,
            )
            for e in rows
        ]  # fmt: skip

    @strawberry.field(description="时间线 Who did what to this task, when and why (internal)")
    async def timeline(
        self, info: strawberry.Info, first: int = 50, after: str | None = None
    ) -> Connection[AuditEntry]:
        if not self._internal:
            return build_connection([], None, 0, False, False)
        info.context.check_page_size(first, None)
        entries = await info.context.loaders.task_timeline.load(self._model.id)
        if not self._risk:  # risk assessments stay internal to the certification body
            entries = [e for e in entries if e.action not in RISK_ACTIONS]
        return slice_connection(entries, AuditEntry.from_model, first, after)

    @strawberry.field(description="告知的检测机构 Labs told to the enterprise when several serve the region")
    async def disclosed_labs(self, info: strawberry.Info) -> list[OrgUnit]:
        units = await info.context.loaders.unit.load_many(self._model.disclosed_labs or [])
        return [OrgUnit.from_model(u) for u in units]

    @strawberry.field(description="检测机构申请 The enterprise's lab requests and their decisions")
    async def lab_requests(self, info: strawberry.Info) -> list[LabRequest]:
        rows = await info.context.loaders.task_lab_requests.load(self._model.id)
        labs = await info.context.loaders.unit.load_many([r.preferred_lab_id for r in rows if r.preferred_lab_id])
        by_id = {u.id: u for u in labs}
        return [
            LabRequest(
                id=to_global_id("LabRequest", r.id), text=r.text, requested_by=r.requested_by.login,
                preferred_lab=OrgUnit.from_model(by_id[r.preferred_lab_id]) if r.preferred_lab_id else None,
                created_at=r.created_at, accepted=r.accepted, decision_reason=r.decision_reason,
                decided_at=r.decided_at,
            )
            for r in rows
        ]  # fmt: skip

    @strawberry.field(description="检查资料 Materials handed to the team (internal)")
    async def materials(self, info: strawberry.Info) -> list[Document]:
        if not self._internal:
            return []
        return [Document.from_model(d) for d in await info.context.loaders.task_materials.load(self._model.id)]

    @strawberry.field(description="适用的年度监督检查条款 This year's clauses for the task's categories (internal)")
    async def clauses(self, info: strawberry.Info) -> list[SurveillanceClause]:
        if not self._internal:
            return []
        return await info.context.present.clauses(await info.context.loaders.task_clauses.load(self._model.id))

    @strawberry.field(description="适用的监督抽样检测方案 Sampling schemes for a task with sampling (internal)")
    async def sampling_schemes(self, info: strawberry.Info) -> list[SamplingScheme]:
        if not self._internal:
            return []
        return await info.context.present.schemes(await info.context.loaders.task_schemes.load(self._model.id))

    @classmethod
    def from_model(cls, m, *, internal: bool, overdue: bool, risk: bool = False) -> Task:
        return cls(
            id=to_global_id("Task", m.id), number=m.number, kind=task_enums.TaskKind(m.kind),
            status=task_enums.TaskStatus(m.status), year=m.year, due_on=m.due_on, planned_start=m.planned_start,
            planned_end=m.planned_end, overdue=overdue,
            special_trigger=task_enums.SpecialTrigger(m.special_trigger) if m.special_trigger else None,
            trigger_details=m.trigger_details if internal else None, with_sampling=m.with_sampling,
            risk_notice=m.risk_notice, notified_at=m.notified_at, started_at=m.started_at, version=m.version,
            requirements=m.requirements if internal else None,
            suspension_ground=m.suspension_ground if internal else None, _model=m, _internal=internal,
            _risk=risk, complex=m.complex, archived_at=m.archived_at,
        )  # fmt: skip
