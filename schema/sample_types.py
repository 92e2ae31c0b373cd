"""Samples and their custody in GraphQL (issue 4)."""

from __future__ import annotations

import datetime as dt

import strawberry

from domain import custody
from schema import enums
from schema.relay import Node, to_global_id
from schema.types import OrgUnit

SampleStatus = enums._mirror(custody.SampleStatus, "SampleStatus", "样品流转状态 Custody status of a sample", {
    "SEALED": "已封样 Sealed",
    "SHIPPED": "已寄送 Shipped",
    "RECEIVED": "检测机构已接收 Received by the lab",
    "TESTING": "检测中 Testing",
    "REPORTED": "已出具报告 Reported",
})  # fmt: skip


@strawberry.type(description="检测项目结果 One test item of a lab report.")
class TestItemResult:
    item: str = strawberry.field(description="The test item 检测项目.")
    passed: bool = strawberry.field(description="Whether it passed.")


@strawberry.type(description="监督抽样检测报告 The lab's report on a sample.")
class LabReport:
    items: list[TestItemResult] = strawberry.field(description="检测项目 The test items and whether each passed.")
    passed: bool = strawberry.field(description="结论 Overall conclusion: pass or fail")
    marking_nonconformity: bool = strawberry.field(
        description="标志不符合 Marking non-conformity (risk assessment first)"
    )
    document_url: str | None = strawberry.field(description="GET the report document with your bearer token")
    reported_at: dt.datetime = strawberry.field(description="When the lab reported.")

    @classmethod
    def from_model(cls, m) -> LabReport:
        return cls(
            items=[TestItemResult(item=i["item"], passed=i["passed"]) for i in m.items], passed=m.passed,
            marking_nonconformity=m.marking_nonconformity, reported_at=m.reported_at,
            document_url=f"/documents/{m.document_id}" if m.document_id else None,
        )  # fmt: skip


@strawberry.type(description="样品 A surveillance sample and its chain of custody.")
class Sample(Node):
    identifier: str = strawberry.field(description="样品编号")
    seal_number: str = strawberry.field(description="封条号")
    quantity: int = strawberry.field(description="Units taken.")
    place: str = strawberry.field(description="抽样地点 Where it was taken")
    taken_by: str = strawberry.field(description="Login of who took it.")
    taken_at: dt.datetime = strawberry.field(description="When it was taken and sealed.")
    status: SampleStatus = strawberry.field(description="样品状态 Where it is in its chain of custody.")
    carrier: str | None = strawberry.field(description="Carrier it was shipped with.")
    tracking_number: str | None = strawberry.field(description="The carrier's tracking number.")
    shipped_at: dt.datetime | None = strawberry.field(description="When it was shipped.")
    received_at: dt.datetime | None = strawberry.field(description="When the lab received it.")
    condition_on_arrival: str | None = strawberry.field(description="到样状态 Condition on arrival")
    testing_started_at: dt.datetime | None = strawberry.field(description="When the lab started testing.")
    report_due_on: dt.date | None = strawberry.field(
        description="报告应出具日期 (20 working days from receipt unless configured), by the official calendar: "
        "public holidays off, make-up working days (调休) worked"
    )
    report_due_note: str | None = strawberry.field(
        description="Null when reportDueOn follows the official calendar; otherwise names the year whose public "
        "holidays are not known yet, counted Monday to Friday (the date may move once they are published)"
    )
    overdue: bool = strawberry.field(description="检测超期 No report by the due date")
    version: int
    _model: strawberry.Private[object]
    _lab_details: strawberry.Private[bool]

    @strawberry.field(description="The lab it was sent to 检测机构")
    async def lab(self, info: strawberry.Info) -> OrgUnit | None:
        if self._model.lab_id is None:
            return None
        return OrgUnit.from_model(await info.context.loaders.unit.load(self._model.lab_id))

    @strawberry.field(description="检测报告 The lab report, once reported (not shown to market buyers)")
    async def report(self, info: strawberry.Info) -> LabReport | None:
        if not self._lab_details:
            return None
        found = await info.context.loaders.sample_report.load(self._model.id)
        return LabReport.from_model(found) if found else None

    @classmethod
    def from_model(cls, m, deadline, lab_details: bool = True) -> Sample:
        """`deadline` is the report's due date, overdue flag and calendar note (services.samples.report_deadline)."""
        return cls(
            id=to_global_id("Sample", m.id), identifier=m.identifier, seal_number=m.seal_number, quantity=m.quantity,
            place=m.place, taken_by=m.taken_by.login, taken_at=m.taken_at, status=SampleStatus(m.status),
            carrier=m.carrier, tracking_number=m.tracking_number, shipped_at=m.shipped_at, received_at=m.received_at,
            condition_on_arrival=m.condition_on_arrival if lab_details else None,
            _lab_details=lab_details, testing_started_at=m.testing_started_at,
            report_due_on=deadline.due_on, report_due_note=deadline.note, overdue=deadline.overdue,
            version=m.version, _model=m,
        )  # fmt: skip
