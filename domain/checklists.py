"""Clause checklists (工厂检查记录表 0402.06): a factory inspection's items, drawn from the year's
surveillance clauses when the task is issued, and answered item by item by the team.

Pure rules over what the service hands in: what an answer needs, when a checklist is complete,
which findings it yields, where it may be answered and changed."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, term
from domain.results import Conclusion, Finding, Severity
from domain.tasks import TaskKind, TaskStatus
from domain.validation import check_device_time, clean_text

MAX_EVIDENCE_PER_ANSWER = 10
MAX_EVIDENCE_PER_ITEM = 20  # in total, over all answers (storage, the 0402.06 form's size)
# The team answers while inspecting; a returned result may be corrected.
ANSWERABLE = (TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)
# The planner adds task-specific items and a changed clause refreshes the snapshot before the start.
BEFORE_START = (TaskStatus.ISSUED, TaskStatus.TEAM_ASSIGNED)


class ChecklistAnswer(StrEnum):
    CONFORMS = "CONFORMS"  # 符合
    NONCONFORMITY = "NONCONFORMITY"  # 不符合
    NOT_APPLICABLE = "NOT_APPLICABLE"  # 不适用


class ItemSource(StrEnum):
    CLAUSE = "CLAUSE"  # drawn from a yearly surveillance clause
    TASK = "TASK"  # added by the planner for this task


def has_checklist(kind: TaskKind) -> bool:
    """Every factory inspection has one; a pure sampling task has none (domain/archive.py)."""
    return kind != TaskKind.SAMPLING


@dataclass(frozen=True)
class Answer:
    """What the team says about one item (texts already cleaned)."""

    answer: ChecklistAnswer
    severity: Severity | None
    description: str | None
    reason: str | None
    note: str | None

    def content(self) -> dict:
        return {
            "answer": self.answer.value,
            "severity": self.severity.value if self.severity else None,
            "description": self.description,
            "reason": self.reason,
            "note": self.note,
        }


def check_answer(answer: Answer) -> None:
    """A non-conformity names its severity and describes itself; not applicable says why;
    a conforming item has no severity and no description."""
    if answer.answer == ChecklistAnswer.NONCONFORMITY:
        if answer.severity is None:
            raise DomainError(ErrorCode.REQUIRED, "a non-conformity needs its severity", ("severity",))
        if not answer.description:
            raise DomainError(ErrorCode.REQUIRED, "describe the non-conformity", ("description",))
    elif answer.severity is not None:
        raise DomainError(ErrorCode.INVALID, "only a non-conformity has a severity", ("severity",))
    elif answer.description is not None:
        raise DomainError(ErrorCode.INVALID, "only a non-conformity has a description", ("description",))
    if answer.answer == ChecklistAnswer.NOT_APPLICABLE and not answer.reason:
        raise DomainError(ErrorCode.REQUIRED, "say why the item does not apply", ("reason",))
    if answer.answer != ChecklistAnswer.NOT_APPLICABLE and answer.reason is not None:
        raise DomainError(ErrorCode.INVALID, "only a not-applicable answer has a reason", ("reason",))


def check_answerable(status: TaskStatus) -> None:
    if status not in ANSWERABLE:
        raise DomainError(
            ErrorCode.CONFLICT, "a {status} task's checklist is not answered now", ("itemId",), status=term(status)
        )


def check_change(answered: bool, same: bool, expected_version: int | None, version: int) -> bool:
    """Whether the answer changes the item: a first answer does; the same content again does
    not; other content needs the item's current version (two devices must not overwrite
    each other silently)."""
    if not answered:
        if expected_version is not None and expected_version != version:
            raise DomainError(ErrorCode.STALE_VERSION, "the item changed since you read it", ("expectedVersion",))
        return True
    if same:
        return False
    if expected_version is None:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the item was answered already; send its version to change the answer",
            ("expectedVersion",),
        )
    if expected_version != version:
        raise DomainError(ErrorCode.STALE_VERSION, "the item changed since you read it", ("expectedVersion",))
    return True


def check_evidence(count: int, positions: Iterable[tuple[float | None, float | None]]) -> None:
    if count > MAX_EVIDENCE_PER_ANSWER:
        raise DomainError(
            ErrorCode.INVALID,
            "at most {max_evidence_per_answer} evidence files per answer",
            ("evidence",),
            max_evidence_per_answer=MAX_EVIDENCE_PER_ANSWER,
        )
    for i, (latitude, longitude) in enumerate(positions):
        where = ("evidence", str(i))
        if (latitude is None) != (longitude is None):
            raise DomainError(ErrorCode.INVALID, "give both latitude and longitude, or neither", (*where, "latitude"))
        if latitude is not None and not -90 <= latitude <= 90:  # also false for NaN
            raise DomainError(ErrorCode.INVALID, "latitude is -90 to 90 degrees", (*where, "latitude"))
        if longitude is not None and not -180 <= longitude <= 180:
            raise DomainError(ErrorCode.INVALID, "longitude is -180 to 180 degrees", (*where, "longitude"))


def check_evidence_total(attached: int, adding: int) -> None:
    """An item holds at most MAX_EVIDENCE_PER_ITEM files in total, however many calls add them."""
    if attached + adding > MAX_EVIDENCE_PER_ITEM:
        raise DomainError(
            ErrorCode.INVALID,
            "an item holds at most {max_evidence_per_item} evidence files ({attached} attached already)",
            ("evidence",),
            max_evidence_per_item=MAX_EVIDENCE_PER_ITEM,
            attached=attached,
        )


def check_captured_at(at: datetime | None, now: datetime, field: tuple[str, ...]) -> None:
    """A device's capture time, within the same bounds as a purchase's."""
    if at is None:
        return
    try:
        check_device_time(at, now, "capturedAt")
    except DomainError as exc:
        raise exc.at(field) from None


@dataclass(frozen=True)
class ItemFacts:
    code: str
    answer: ChecklistAnswer | None
    severity: Severity | None
    description: str | None


def check_all_answered(items: list[ItemFacts]) -> None:
    open_codes = [i.code for i in items if i.answer is None]
    if open_codes:
        shown = ", ".join(open_codes[:20]) + (" …" if len(open_codes) > 20 else "")
        raise DomainError(
            ErrorCode.REQUIRED,
            "{count} checklist item(s) unanswered: {shown}",
            ("checklist", *open_codes),
            count=len(open_codes),
            shown=shown,
        )


def check_assessed(conclusion: Conclusion, items: list[ItemFacts]) -> None:
    """A pass needs at least one item assessed (conforming or not): an inspection whose every
    item was not applicable checked nothing. A fail stays possible."""
    if conclusion == Conclusion.FAIL or not items:
        return
    if all(i.answer == ChecklistAnswer.NOT_APPLICABLE for i in items):
        raise DomainError(ErrorCode.INVALID, "nothing was assessed: every item is not applicable", ("conclusion",))


def findings_of(items: list[ItemFacts]) -> list[Finding]:
    """The non-conformities the answers found, in checklist order."""
    return [
        Finding(i.code, i.severity, i.description or "")
        for i in items
        if i.answer == ChecklistAnswer.NONCONFORMITY and i.severity is not None
    ]


def clean_item_code(code: str | None) -> str:
    """An item's code as printed on the 0402.06 form: NFKC-normalised and trimmed; control and
    format characters (e.g. zero-width ones, which would let "0\u200b1" pass for "01") refused."""
    text = unicodedata.normalize("NFKC", code) if code is not None else None
    cleaned = clean_text(text, "code", max_length=32, single_line=True)
    assert cleaned is not None
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned):
        raise DomainError(ErrorCode.INVALID, "code contains control or invisible characters", ("code",))
    return cleaned


def check_new_item_code(code: str, existing: Iterable[str]) -> None:
    """Codes are unique within a task regardless of case ("a1" and "A1" print alike enough)."""
    if code.casefold() in {c.casefold() for c in existing}:
        raise DomainError(ErrorCode.CONFLICT, "the checklist has an item {code!r} already", ("code",), code=code)
