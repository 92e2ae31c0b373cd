"""From the text of a cell to a typed value, or a `DomainError` naming the column.

Dates: 2024-01-31, 2024/1/31, 2024.01.31, 2024年1月31日, 20240131, and XLSX date cells. Lists:
separated by `;` (or the full-width `；`). Enumerations by their value or their Chinese term."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from domain.enums import CertificateStatus, FactoryClass, Role, UnitKind
from domain.errors import DomainError, ErrorCode

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"  # a time after the date (00:00 from a spreadsheet)
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_SERIAL = re.compile(r"^\d{5}$")  # a date cell Excel kept as its day number (1900 system)
_EXCEL_EPOCH = date(1899, 12, 30)
LIST_SEPARATORS = re.compile(r"[;；]")


def text(cell: str | date | None) -> str:
    if cell is None:
        return ""
    return cell.isoformat() if isinstance(cell, date) else cell.strip()


def parse_date(cell: str | date | None, column: str) -> date:
    if isinstance(cell, date):
        return cell
    value = text(cell)
    if not value:
        raise DomainError(
            ErrorCode.REQUIRED, "{column} is required (a date such as 2024-01-31)", (column,), column=column
        )
    try:
        if m := _DATE.match(value) or _COMPACT_DATE.match(value):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if _EXCEL_SERIAL.match(value):
            return _EXCEL_EPOCH + timedelta(days=int(value))
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID,
            "{column}: {value!r} is not a date of the calendar",
            (column,),
            column=column,
            value=value,
        ) from None
    raise DomainError(
        ErrorCode.INVALID,
        "{column}: {value!r} is not a date (2024-01-31, 2024/1/31 or 2024.01.31)",
        (column,),
        column=column,
        value=value,
    )


def parse_list(cell: str | date | None) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(text(cell)) if item.strip()]


def _choice(cell: str | date | None, column: str, choices: Mapping[str, object], default=None):
    value = text(cell)
    if not value:
        if default is not None:
            return default
        raise DomainError(ErrorCode.REQUIRED, "{column} is required", (column,), column=column)
    found = choices.get(value.upper()) or choices.get(value)
    if found is None:
        known = sorted({k for k in choices if k.isascii()})
        raise DomainError(
            ErrorCode.INVALID,
            "{column}: {value!r} is not one of {known}",
            (column,),
            column=column,
            value=value,
            known=", ".join(known),
        )
    return found


_STATUS = {s.value: s for s in CertificateStatus if s != CertificateStatus.EXPIRED} | {
    "有效": CertificateStatus.VALID,
    "暂停": CertificateStatus.SUSPENDED,
    "撤销": CertificateStatus.REVOKED,
    "注销": CertificateStatus.CANCELLED,
}
_CLASS = {c.value: c for c in FactoryClass} | {f"{c.value}类": c for c in FactoryClass}
_KIND = {k.value: k for k in UnitKind} | {
    "总部": UnitKind.HQ,
    "工厂检查部": UnitKind.HQ,
    "分中心": UnitKind.SUBCENTER,
    "境外委托机构": UnitKind.FOREIGN_AGENCY,
    "检测机构": UnitKind.LAB,
    "实验室": UnitKind.LAB,
    "生产企业": UnitKind.ENTERPRISE,
    "企业": UnitKind.ENTERPRISE,
}
_ROLE = {r.value.upper(): r for r in Role} | {
    "策略管理员": Role.POLICY_ADMIN,
    "计划员": Role.PLANNER,
    "检查员": Role.INSPECTOR,
    "复核员": Role.REVIEWER,
    "复核人": Role.REVIEWER,
    "评定人员": Role.DECIDER,
    "决定人": Role.DECIDER,
    "档案管理员": Role.ARCHIVIST,
    "审计员": Role.AUDITOR,
    "买样员": Role.MARKET_BUYER,
    "境外检查员": Role.AGENCY_INSPECTOR,
    "检测员": Role.LAB_TESTER,
    "企业用户": Role.ENTERPRISE,
}
# Countries a Chinese register names in Chinese; any other by its ISO 3166 alpha-2 code.
COUNTRY_NAMES = {
    "中国": "CN",
    "中华人民共和国": "CN",
    "德国": "DE",
    "日本": "JP",
    "韩国": "KR",
    "美国": "US",
    "英国": "GB",
    "法国": "FR",
    "意大利": "IT",
    "越南": "VN",
    "泰国": "TH",
    "马来西亚": "MY",
    "印度尼西亚": "ID",
    "墨西哥": "MX",
}


def parse_status(cell: str | date | None) -> CertificateStatus:
    return _choice(cell, "status", _STATUS, default=CertificateStatus.VALID)


def parse_class(cell: str | date | None) -> FactoryClass:
    return _choice(cell, "class", _CLASS)


def parse_kind(cell: str | date | None) -> UnitKind:
    return _choice(cell, "kind", _KIND)


def parse_roles(cell: str | date | None) -> list[Role]:
    items = parse_list(cell)
    if not items:
        raise DomainError(ErrorCode.REQUIRED, "roles is required (e.g. planner;inspector)", ("roles",))
    return [_choice(item, "roles", _ROLE) for item in items]


def parse_country(cell: str | date | None) -> str:
    value = text(cell)
    return COUNTRY_NAMES.get(value, value)


def optional(cell: str | date | None) -> str | None:
    return text(cell) or None
