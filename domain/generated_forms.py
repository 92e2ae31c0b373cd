"""Forms generated from the data (docs/domain.md §4.10, Generated forms): what each generated
form shows, as frozen facts, and the data version that names them (the SHA-256 of their
canonical JSON). The team leader confirms a form as rendered from one data version; a form
whose data changed since is stale."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from domain.archive import FORM_NUMBERS, Form
from domain.errors import DomainError, ErrorCode

# The forms the system renders itself; the others are only uploaded.
GENERATED: tuple[Form, ...] = (
    Form.INSPECTION_REPORT,
    Form.INSPECTION_RECORD,
    Form.SAMPLING_NOTICE,
    Form.PERSON_DAY_FORM,
)

# Bounds on what one form holds: a form past them is refused rather than rendered for minutes.
MAX_CHECKLIST_ITEMS = 500
MAX_SAMPLES = 200
MAX_FINDINGS = 200


def generated_form(name: str) -> Form | None:
    """The generated form named `name` (e.g. INSPECTION_REPORT), or None."""
    return next((f for f in GENERATED if f.value == name), None)


@dataclass(frozen=True)
class FormHeader:
    """What every generated form names: the form, the task, the factory, the certification
    body's unit responsible for the task."""

    form: str
    number: str
    task_number: str
    task_kind: str
    factory_code: str
    factory_name: str
    factory_address: str
    factory_country: str
    factory_province: str | None
    unit_code: str
    unit_name: str
    unit_name_zh: str


@dataclass(frozen=True)
class CertificateLine:
    number: str
    category_code: str
    category_name: str
    category_name_zh: str


@dataclass(frozen=True)
class FindingLine:
    clause: str
    severity: str
    description: str
    correction_due: str


@dataclass(frozen=True)
class InspectionReport:
    """0402.03 工厂检查报告."""

    header: FormHeader
    certificates: tuple[CertificateLine, ...]
    planned_start: str | None
    planned_end: str | None
    started_on: str | None
    submitted_on: str | None
    leader: str | None
    members: tuple[str, ...]
    conclusion: str | None  # None: no result submitted yet
    summary: str
    findings: tuple[FindingLine, ...]


@dataclass(frozen=True)
class RecordItem:
    code: str
    title_zh: str
    title_en: str
    focus: bool
    answer: str | None  # None: 未答
    severity: str | None
    description: str
    reason: str
    note: str  # internal: the record form is an internal form
    evidence: int


@dataclass(frozen=True)
class InspectionRecord:
    """0402.06 工厂检查记录表: the answered checklist."""

    header: FormHeader
    leader: str | None
    members: tuple[str, ...]
    items: tuple[RecordItem, ...]


@dataclass(frozen=True)
class SampleLine:
    identifier: str
    seal_number: str
    quantity: int
    place: str
    taken_on: str
    taken_by: str
    lab: str | None


@dataclass(frozen=True)
class SamplingNotice:
    """0402.08 抽样通知书: the samples taken (not bought) for the task."""

    header: FormHeader
    site: str | None
    method: str | None
    product_category: str | None
    lab: str | None
    sampled_on: str  # the day the first sample was taken
    samples: tuple[SampleLine, ...]


@dataclass(frozen=True)
class InspectorDays:
    name: str
    login: str
    days: float


@dataclass(frozen=True)
class PersonDayForm:
    """0402.11 人日数核算表."""

    header: FormHeader
    planned: float | None
    inspectors: tuple[InspectorDays, ...]
    total: float


FormData = InspectionReport | InspectionRecord | SamplingNotice | PersonDayForm


def header_number(form: Form) -> str:
    return FORM_NUMBERS[form] or ""


def canonical_json(data: Any) -> str:
    """One text for one content: keys sorted, no spaces, Chinese kept as is."""
    return json.dumps(dataclasses.asdict(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def data_version(data: Any) -> str:
    """The SHA-256 (hex) of the data's canonical JSON: what a confirmation names."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def check_bounds(form: Form, count: int, limit: int) -> None:
    if count > limit:
        raise DomainError(
            ErrorCode.CONFLICT,
            "{form} would list {count} rows, more than {limit}; file it as an upload",
            ("form",),
            form=form.value,
            count=count,
            limit=limit,
        )


# What bounds each form's rows, and the whole form's text: a form past them is refused (filed as
# an upload instead) rather than drawn for minutes; its data and version still show in lists.
ROWS = {
    Form.INSPECTION_REPORT: ("findings", MAX_FINDINGS),
    Form.INSPECTION_RECORD: ("items", MAX_CHECKLIST_ITEMS),
    Form.SAMPLING_NOTICE: ("samples", MAX_SAMPLES),
}
MAX_FORM_TEXT = 1_000_000  # characters of the form's data, notes and descriptions included
# A report and a record are signed for a result: before one is submitted they are drafts.
BEFORE_RESULTS = frozenset({"DRAFT", "ISSUED", "TEAM_ASSIGNED", "IN_PROGRESS", "EXCEPTION", "CANCELLED"})


def check_renderable(form: Form, data: Any) -> None:
    if form in ROWS:
        attribute, limit = ROWS[form]
        check_bounds(form, len(getattr(data, attribute)), limit)
    if (size := len(canonical_json(data))) > MAX_FORM_TEXT:
        raise DomainError(
            ErrorCode.CONFLICT,
            "{form} holds {size} characters, more than {max_form_text}; file it as an upload",
            ("form",),
            form=form.value,
            size=size,
            max_form_text=MAX_FORM_TEXT,
        )


def check_signable(form: Form, task_status: str) -> None:
    """The leader signs the report and the record of a submitted result, not a draft of them."""
    if form in (Form.INSPECTION_REPORT, Form.INSPECTION_RECORD) and task_status in BEFORE_RESULTS:
        raise DomainError(
            ErrorCode.CONFLICT, "{form} is confirmed once the results are submitted", ("form",), form=form.value
        )


def check_confirmable(current: str, confirmed: str) -> None:
    """The leader confirms what they looked at: if the data changed since, nothing is signed."""
    if len(confirmed) != 64 or any(c not in "0123456789abcdef" for c in confirmed):
        raise DomainError(
            ErrorCode.INVALID, "a data version is 64 hexadecimal digits (X-Data-Version)", ("dataVersion",)
        )
    if current != confirmed:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the data changed since you looked; download the form again",
            ("dataVersion",),
        )
