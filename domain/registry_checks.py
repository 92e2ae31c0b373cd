"""Field checks shared by the registry's rules (domain/registry.py, domain/organisation.py):
every field is checked, every error kept, all of them raised together, each message naming
the column as import files do and its Chinese term."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.validation import clean_text

T = TypeVar("T")

LIST_MAX = 64  # entries of a unit's provinces, countries or regions (China has 34 provinces)
# The dates a record may carry: a certificate's issue and expiry dates, a validity computed from them.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)


class Checks:
    """Runs each field's check, keeps its value or its error, and raises them all at the end."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def run(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except DomainErrors as exc:
            self.errors.extend(exc.errors)
        except DomainError as exc:
            self.errors.append(exc)
        return None

    def fail(self, code: ErrorCode, message: str, field: str, /, **params: object) -> None:
        """`message` is a constant template (the errors catalog's msgid)."""
        self.errors.append(DomainError(code, message, (field,), **params))

    def raise_any(self) -> None:
        if self.errors:
            raise DomainErrors(self.errors)


# The Chinese term of each column, for messages.
TERMS = {
    "code": "代码", "name": "名称", "name_zh": "中文名称", "address": "地址", "province": "省份",
    "provinces": "管辖省份", "countries": "服务国家", "regions": "服务分中心", "number": "证书编号",
    "holder": "持证人", "implementation_rule": "实施规则", "login": "登录名", "display_name": "姓名",
    "email": "电子邮箱", "roles": "角色", "issued_on": "发证日期", "expires_on": "有效期至",
}  # fmt: skip


def termed(exc: DomainError, field: str) -> DomainError:
    term = TERMS.get(field)
    if term is None or not exc.template.startswith("{field}") or exc.params.get("field") != field:
        return exc
    return DomainError(exc.code, exc.template, exc.field, **{**exc.params, "field": f"{field} ({term})"})


def optional_text(value: str | None, field: str, max_length: int, *, single_line: bool = False) -> str | None:
    try:
        return clean_text(value, field, max_length=max_length, required=False, single_line=single_line)
    except DomainError as exc:
        raise termed(exc, field) from None


def required_text(value: str | None, field: str, max_length: int, *, single_line: bool = False) -> str:
    try:
        text = clean_text(value, field, max_length=max_length, single_line=single_line)
    except DomainError as exc:
        raise termed(exc, field) from None
    assert text is not None
    return text


def natural_key(value: str | None, field: str, max_length: int) -> str:
    """A code or number that names a record (a factory code, a certificate number): trimmed and
    NFKC-normalised, so a full-width `ＡＢ－１` is `AB-1`. Its case is kept as given; uniqueness
    is checked without regard to case (services/registry_admin)."""
    text = required_text(value, field, max_length, single_line=True)  # bounded before it is normalised
    return required_text(unicodedata.normalize("NFKC", text), field, max_length, single_line=True)


def within_dates(value: date, field: str) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise DomainError(
            ErrorCode.INVALID,
            "{field} ({term}) must be between {earliest_date} and {latest_date}",
            (field,),
            field=field,
            term=TERMS.get(field, field),
            earliest_date=EARLIEST_DATE.isoformat(),
            latest_date=LATEST_DATE.isoformat(),
        )
    return value


def distinct(values: Sequence[str], field: str, clean: Callable[[str], str]) -> tuple[str, ...]:
    """Clean every entry of a list of at most LIST_MAX; the first bad one, or one repeated
    (perhaps under another spelling of the same name), is the list's error."""
    if len(values) > LIST_MAX:
        raise DomainError(
            ErrorCode.TOO_LONG, "{field} lists more than {list_max} entries", (field,), field=field, list_max=LIST_MAX
        )
    cleaned: dict[str, None] = {}
    for value in values:
        item = clean(value)
        if item in cleaned:
            raise DomainError(ErrorCode.INVALID, "{field} lists {item!r} twice", (field,), field=field, item=item)
        cleaned[item] = None
    return tuple(cleaned)
