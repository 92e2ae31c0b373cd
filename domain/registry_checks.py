"""Field checks shared by the registry's rules (domain/registry.py, domain/organisation.py):
every field is checked, every error kept, all of them raised together, each message naming
the column as import files do and its Chinese term."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.validation import clean_text

T = TypeVar("T")


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

    def fail(self, code: ErrorCode, message: str, field: str) -> None:
        self.errors.append(DomainError(code, message, (field,)))

    def raise_any(self) -> None:
        if self.errors:
            raise DomainErrors(self.errors)


# The Chinese term of each column, for messages.
TERMS = {
    "code": "代码", "name": "名称", "name_zh": "中文名称", "address": "地址", "province": "省份",
    "provinces": "管辖省份", "countries": "服务国家", "regions": "服务分中心", "number": "证书编号",
    "holder": "持证人", "implementation_rule": "实施规则", "login": "登录名", "display_name": "姓名",
    "email": "电子邮箱", "roles": "角色",
}  # fmt: skip


def termed(exc: DomainError, field: str) -> DomainError:
    term = TERMS.get(field)
    if term is None or not exc.message.startswith(field):
        return exc
    return DomainError(exc.code, f"{field} ({term}){exc.message[len(field) :]}", exc.field)


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    try:
        return clean_text(value, field, max_length=max_length, required=False)
    except DomainError as exc:
        raise termed(exc, field) from None


def required_text(value: str | None, field: str, max_length: int) -> str:
    try:
        text = clean_text(value, field, max_length=max_length)
    except DomainError as exc:
        raise termed(exc, field) from None
    assert text is not None
    return text


def distinct(values: Sequence[str], field: str, clean: Callable[[str], str]) -> tuple[str, ...]:
    """Clean every entry of a list; the first bad one, or a repeated one, is the list's error."""
    cleaned: list[str] = []
    for value in values:
        item = clean(value)
        if item in cleaned:
            raise DomainError(ErrorCode.INVALID, f"{field} lists {item!r} twice", (field,))
        cleaned.append(item)
    return tuple(cleaned)
