"""The archive (docs/domain.md §4.10): which forms a task's file must hold, computed from the
task's facts, and when it may be archived."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError, ErrorCode


class ProblemCategory(StrEnum):
    """共性问题类别: what a sub-centre's problem report to HQ is about."""

    RULES = "RULES"  # 规则理解
    PROCEDURE = "PROCEDURE"  # 程序执行
    TECHNICAL = "TECHNICAL"  # 技术问题
    SYSTEM = "SYSTEM"  # 信息系统
    OTHER = "OTHER"  # 其他


class Form(StrEnum):
    INSPECTION_REPORT = "INSPECTION_REPORT"  # 工厂检查报告 0402.03
    NC_REPORT = "NC_REPORT"  # 不符合报告 0402.04, with the corrective-action evidence
    VERIFICATION_REPORT = "VERIFICATION_REPORT"  # 现场验证报告 0402.05
    SAMPLING_TEST_REPORT = "SAMPLING_TEST_REPORT"  # 监督抽样检测报告
    INSPECTION_RECORD = "INSPECTION_RECORD"  # 工厂检查记录表 0402.06
    SAMPLING_NOTICE = "SAMPLING_NOTICE"  # 抽样通知书 0402.08
    PERSON_DAY_FORM = "PERSON_DAY_FORM"  # 人日数核算表 0402.11


FORM_NUMBERS = {
    Form.INSPECTION_REPORT: "0402.03",
    Form.NC_REPORT: "0402.04",
    Form.VERIFICATION_REPORT: "0402.05",
    Form.SAMPLING_TEST_REPORT: None,
    Form.INSPECTION_RECORD: "0402.06",
    Form.SAMPLING_NOTICE: "0402.08",
    Form.PERSON_DAY_FORM: "0402.11",
}


@dataclass(frozen=True)
class ArchiveFacts:
    """What happened on the task, as far as its file is concerned."""

    factory_inspection: bool  # an inspection at the factory (every kind but a pure sampling task)
    nonconformities: bool  # the current result lists some
    on_site_verification: bool  # a correction was verified on site
    samples_taken: bool  # samples were taken (sealed at the site)
    samples_bought: bool  # samples were bought on the market
    person_days_recorded: bool  # actual inspection person-days were accounted


def required_forms(facts: ArchiveFacts) -> set[Form]:
    required = set()
    if facts.factory_inspection:
        required |= {Form.INSPECTION_REPORT, Form.INSPECTION_RECORD}
    if facts.nonconformities:
        required.add(Form.NC_REPORT)
    if facts.on_site_verification:
        required.add(Form.VERIFICATION_REPORT)
    if facts.samples_taken or facts.samples_bought:
        required.add(Form.SAMPLING_TEST_REPORT)
    if facts.samples_taken:  # bought samples come with a receipt, not a notice
        required.add(Form.SAMPLING_NOTICE)
    if facts.person_days_recorded:
        required.add(Form.PERSON_DAY_FORM)
    return required


def missing_forms(facts: ArchiveFacts, present: set[Form]) -> list[Form]:
    return sorted(required_forms(facts) - present, key=list(Form).index)


def check_archivable(decided: bool, missing: list[Form]) -> None:
    if not decided:
        raise DomainError(ErrorCode.CONFLICT, "only a decided task is archived", ("taskId",))
    if missing:
        names = ", ".join(f.value for f in missing)
        raise DomainError(ErrorCode.CONFLICT, "the file is incomplete; missing: {names}", ("taskId",), names=names)


def check_signoffs_current(stale: list[Form]) -> None:
    """A generated form confirmed for data that changed since (a result returned and resubmitted)
    no longer stands for the file: confirm it again, or file the signed paper form."""
    if stale:
        names = ", ".join(f"{f.value} ({FORM_NUMBERS[f]})" for f in stale)
        raise DomainError(
            ErrorCode.CONFLICT,
            "confirmed for data that has changed since: {names}; confirm again or upload the signed form",
            ("taskId",),
            names=names,
        )
