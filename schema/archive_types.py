"""Archive, person-days, monitoring and common problems in GraphQL (issue 6)."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from domain import archive
from domain.archive import ProblemCategory as DomainProblemCategory
from schema.enums import _mirror
from schema.relay import Node, to_global_id
from schema.task_enums import ExceptionReason, TaskKind, TaskStatus

Form = _mirror(archive.Form, "ArchiveForm", "归档表单 A form of the task's file", {
    "INSPECTION_REPORT": "工厂检查报告 Factory inspection report (0402.03)",
    "NC_REPORT": "不符合报告 Non-conformity report with corrective-action evidence (0402.04)",
    "VERIFICATION_REPORT": "现场验证报告 On-site verification report (0402.05)",
    "SAMPLING_TEST_REPORT": "监督抽样检测报告 Surveillance sampling test report",
    "INSPECTION_RECORD": "工厂检查记录表 Factory inspection record form (0402.06)",
    "SAMPLING_NOTICE": "抽样通知书 Sampling notice (0402.08)",
    "PERSON_DAY_FORM": "人日数核算表 Person-day accounting form (0402.11)",
})  # fmt: skip

ProblemCategory = _mirror(DomainProblemCategory, "ProblemCategory", "共性问题类别 Category of a common problem", {
    "RULES": "规则理解 Understanding of the rules",
    "PROCEDURE": "程序执行 Carrying out the procedure",
    "TECHNICAL": "技术问题 Technical question",
    "SYSTEM": "信息系统 Information system",
    "OTHER": "其他 Other",
})  # fmt: skip


@strawberry.type(description="归档完整性 Which forms the file must hold (from the task's facts), and which it does.")
class Completeness:
    required: list[Form] = strawberry.field(description="Forms the file must hold, from the task's facts.")
    present: list[Form] = strawberry.field(description="Forms already filed.")
    missing: list[Form] = strawberry.field(description="Required forms not yet filed.")
    complete: bool = strawberry.field(description="True when nothing is missing: the task may be archived.")


@strawberry.type(description="人日数 One inspector's actual person-days on the task.")
class InspectorDays:
    login: str = strawberry.field(description="The inspector's login.")
    days: float = strawberry.field(description="Person-days 人日数, in half days.")


@strawberry.type(description="人日数 Planned against actual inspection person-days.")
class PersonDays:
    planned: float | None = strawberry.field(description="计划人日数 Planned person-days; null until set.")
    actual: float = strawberry.field(description="实际人日数 Actual person-days, summed over the team.")
    by_inspector: list[InspectorDays] = strawberry.field(description="Actual person-days by inspector.")


@strawberry.type
class TaskArchiveFields:
    """Fields of Task about its file (kept here to keep task_types small)."""

    archived_at: dt.datetime | None = strawberry.field(description="归档时间 Archived (read-only) since")

    @strawberry.field(description="归档完整性 Completeness of the file (internal)")
    async def completeness(self, info: strawberry.Info) -> Completeness | None:
        if not self._internal:
            return None
        c = await info.context.loaders.task_completeness.load(self._model.id)
        return Completeness(
            required=[Form(f.value) for f in c.required], present=[Form(f.value) for f in c.present],
            missing=[Form(f.value) for f in c.missing], complete=c.complete,
        )  # fmt: skip

    @strawberry.field(description="人日数 Planned and actual person-days (internal)")
    async def person_days(self, info: strawberry.Info) -> PersonDays | None:
        if not self._internal:
            return None
        entries = await info.context.loaders.task_person_days.load(self._model.id)
        return PersonDays(
            planned=self._model.planned_person_days, actual=sum(d for _, d in entries),
            by_inspector=[InspectorDays(login=login, days=days) for login, days in entries],
        )  # fmt: skip


@strawberry.type(description="共性问题消息 A message in a problem report's thread.")
class ProblemMessage:
    author: str = strawberry.field(description="Login of the author.")
    from_hq: bool = strawberry.field(description="HQ's answer 总部答复")
    text: str = strawberry.field(description="The message.")
    at: dt.datetime = strawberry.field(description="When it was posted.")


@strawberry.type(description="共性问题 A common problem a sub-centre reported to HQ (§4.7).")
class ProblemReport(Node):
    unit_code: str = strawberry.field(description="Code of the reporting unit.")
    category: ProblemCategory = strawberry.field(description="问题类别 Category.")
    title: str = strawberry.field(description="Short title.")
    description: str = strawberry.field(description="The problem, in full.")
    status: str = strawberry.field(
        description="OPEN, or ANSWERED once HQ answered", deprecation_reason="Use statusCode, an enum."
    )
    filed_by: str = strawberry.field(description="Login of who filed it.")
    filed_at: dt.datetime = strawberry.field(description="When it was filed.")
    task_ids: list[strawberry.ID] = strawberry.field(description="Linked tasks")
    task_numbers: list[str | None] = strawberry.field(
        description="任务编号 The linked tasks' numbers, in the order of taskIds; null for a task you may no longer see"
    )
    messages: list[ProblemMessage] = strawberry.field(
        description="The thread: HQ's answers and the unit's follow-ups, oldest first."
    )

    @strawberry.field(description="共性问题状态 Where the report stands.")
    def status_code(self) -> ProblemStatus:
        return ProblemStatus(self.status)

    @classmethod
    def from_model(cls, m, unit_code: str, filed_by: str, messages, numbers: dict[int, str]) -> ProblemReport:
        """`numbers`: the numbers of the linked tasks the viewer may read, by task id."""
        return cls(
            id=to_global_id("ProblemReport", m.id), unit_code=unit_code, category=ProblemCategory(m.category),
            title=m.title, description=m.description, status=m.status, filed_by=filed_by,
            filed_at=m.filed_at, task_ids=[to_global_id("Task", i) for i in m.task_ids],
            task_numbers=[numbers.get(i) for i in m.task_ids],
            messages=[ProblemMessage(author=x.author.login, from_hq=x.from_hq, text=x.text, at=x.at) for x in messages],
        )  # fmt: skip


@strawberry.type(description="按类型和状态 Tasks of one kind in one status.")
class KindStatusCount:
    kind: str = strawberry.field(description="The task kind's name", deprecation_reason="Use kindCode, an enum.")
    status: str = strawberry.field(description="The task status's name", deprecation_reason="Use statusCode, an enum.")
    count: int = strawberry.field(description="Tasks of this kind in this status")

    @strawberry.field(description="监督任务类型 Kind of the tasks counted")
    def kind_code(self) -> TaskKind:  # type: ignore[valid-type]
        return TaskKind(self.kind)

    @strawberry.field(description="任务状态 Status of the tasks counted")
    def status_code(self) -> TaskStatus:  # type: ignore[valid-type]
        return TaskStatus(self.status)


@strawberry.type(description="按原因 Task exceptions of one reason.")
class ReasonCount:
    reason: str = strawberry.field(
        description="The exception reason's name", deprecation_reason="Use reasonCode, an enum."
    )
    count: int = strawberry.field(description="Exceptions reported for this reason")

    @strawberry.field(description="无法实施的原因 The reason counted")
    def reason_code(self) -> ExceptionReason:  # type: ignore[valid-type]
        return ExceptionReason(self.reason)


@strawberry.enum(description="共性问题状态 Where a problem report stands.")
class ProblemStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="待答复 Open: filed, HQ has not answered yet")
    ANSWERED = strawberry.enum_value("ANSWERED", description="已答复 Answered by HQ (a follow-up may still come)")


@strawberry.type(description="按产品类别的抽样不合格率 Sampling results of one product category.")
class CategorySampling:
    product_category: str = strawberry.field(description="Code of the product category 产品类别.")
    tested: int = strawberry.field(description="Samples with a lab report in the period.")
    failed: int = strawberry.field(description="Of those, samples that failed 不合格.")
    failure_rate: float | None = strawberry.field(description="failed / tested, 4 decimals; null when none was tested.")


@strawberry.type(description="检测周期 A lab's turnaround: reports and mean working days from receipt.")
class LabTurnaround:
    lab: str = strawberry.field(description="Code of the lab 检测机构.")
    reports: int = strawberry.field(description="Reports in the period.")
    mean_working_days: float = strawberry.field(description="Mean working days from receipt to report.")


@strawberry.type(description="监督统计 Statistics of one unit (or all units, at HQ) over a period.")
class MonitoringStatistics:
    unit_code: str | None = strawberry.field(description="Null: all units")
    date_from: dt.date = strawberry.field(description="First day of the period (by due date).")
    date_to: dt.date = strawberry.field(description="Last day of the period.")
    tasks_by_kind_and_status: list[KindStatusCount] = strawberry.field(
        description="Tasks due in the period, counted by kind and status."
    )
    completed: int = strawberry.field(description="Tasks with a submitted result.")
    completed_on_time: int = strawberry.field(description="Of those, results submitted by the due date.")
    on_time_rate: float | None = strawberry.field(description="按时完成率: results by the due date")
    overdue: int = strawberry.field(description="超期 Open tasks past their due date")
    exceptions_by_reason: list[ReasonCount] = strawberry.field(description="异常 Task exceptions, counted by reason.")
    results: int = strawberry.field(description="Results in force of the period's tasks.")
    results_with_nonconformities: int = strawberry.field(
        description="Of those, results with at least one non-conformity 不符合项."
    )
    nonconformity_rate: float | None = strawberry.field(description="不符合率: results with non-conformities")
    sampling_by_category: list[CategorySampling] = strawberry.field(
        description="抽样 Sampling results by product category."
    )
    lab_turnaround: list[LabTurnaround] = strawberry.field(description="检测周期 Lab turnaround, by lab.")
    person_days_planned: float = strawberry.field(description="计划人日数 Planned person-days, summed.")
    person_days_actual: float = strawberry.field(description="实际人日数 Actual person-days, summed.")
    person_days_by_inspector: list[InspectorDays] = strawberry.field(description="Actual person-days by inspector.")

    @classmethod
    def from_stats(cls, s) -> MonitoringStatistics:
        return cls(
            unit_code=s.unit_code, date_from=s.date_from, date_to=s.date_to,
            tasks_by_kind_and_status=[KindStatusCount(kind=k, status=st, count=n)
                                      for k, st, n in s.tasks_by_kind_and_status],
            completed=s.completed, completed_on_time=s.completed_on_time, on_time_rate=s.on_time_rate,
            overdue=s.overdue, exceptions_by_reason=[ReasonCount(reason=r, count=n) for r, n in s.exceptions_by_reason],
            results=s.results, results_with_nonconformities=s.results_with_nonconformities,
            nonconformity_rate=s.nonconformity_rate,
            sampling_by_category=[CategorySampling(product_category=c, tested=t, failed=f,
                                                   failure_rate=round(f / t, 4) if t else None)
                                  for c, t, f in s.sampling_by_category],
            lab_turnaround=[LabTurnaround(lab=lab, reports=n, mean_working_days=d) for lab, n, d in s.lab_turnaround],
            person_days_planned=s.person_days_planned, person_days_actual=s.person_days_actual,
            person_days_by_inspector=[InspectorDays(login=x, days=d) for x, d in s.person_days_by_inspector],
        )  # fmt: skip
