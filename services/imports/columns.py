"""The columns of each kind of import file, found by header name: case-insensitive, spaces,
hyphens and underscores alike, Chinese headers accepted as aliases, and a bilingual header such as
`code (工厂编码)` read by either of its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError, DomainErrors, ErrorCode


class ImportKind(StrEnum):
    UNITS = "units"
    FACTORIES = "factories"
    CERTIFICATES = "certificates"
    PEOPLE = "people"


@dataclass(frozen=True)
class Column:
    name: str  # the snake_case column name, also the field of a row's errors
    aliases: tuple[str, ...] = ()
    required: bool = True  # the header must be there (its cells may still be optional)


COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.UNITS: (
        Column("code", ("编码", "代码", "单位代码", "单位编码")),
        Column("kind", ("类型", "单位类型", "种类")),
        Column("name", ("英文名称", "name_en")),
        Column("name_zh", ("名称", "中文名称", "单位名称")),
        Column("provinces", ("省份", "管辖省份"), required=False),
        Column("countries", ("国家", "服务国家"), required=False),
        Column("regions", ("区域", "服务区域", "服务分中心"), required=False),
    ),
    ImportKind.FACTORIES: (
        Column("code", ("编码", "代码", "工厂编码", "工厂编号", "工厂代码")),
        Column("name", ("名称", "工厂名称")),
        Column("address", ("地址", "工厂地址")),
        Column("country", ("国家", "国家/地区", "国别")),
        Column("province", ("省份", "省")),
        Column("class", ("分类", "类别", "企业分类", "分类等级", "classification")),
        Column("enterprise_code", ("企业编码", "企业代码"), required=False),
        Column("enterprise_name", ("企业名称", "生产企业"), required=False),
    ),
    ImportKind.CERTIFICATES: (
        Column("number", ("证书编号", "证书号")),
        Column("holder", ("持证人", "认证委托人", "委托人")),
        Column("factory_code", ("工厂编码", "工厂编号", "工厂代码")),
        Column("category_code", ("产品类别", "产品类别代码", "类别代码", "category")),
        Column("implementation_rule", ("实施规则",), required=False),
        Column("issued_on", ("发证日期", "颁证日期")),
        Column("expires_on", ("有效期至", "到期日期", "有效期")),
        Column("status", ("状态", "证书状态"), required=False),
    ),
    ImportKind.PEOPLE: (
        Column("login", ("登录名", "账号", "用户名")),
        Column("display_name", ("姓名", "显示名", "name")),
        Column("unit_code", ("单位", "单位代码", "单位编码", "unit")),
        Column("roles", ("角色",)),
        Column("email", ("邮箱", "电子邮箱", "电子邮件", "e-mail", "mail"), required=False),
    ),
}

KEY_COLUMN = {
    ImportKind.UNITS: "code",
    ImportKind.FACTORIES: "code",
    ImportKind.CERTIFICATES: "number",
    ImportKind.PEOPLE: "login",
}

_PARENTHESES = re.compile(r"[（(]([^（）()]*)[）)]")


def normalise(header: str) -> str:
    text = header.replace("\ufeff", "").strip().strip("*＊").strip().lower()
    return re.sub(r"[\s\-_]+", "_", text)


def _lookup(kind: ImportKind) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for alias in (column.name, *column.aliases):
            names[normalise(alias)] = column.name
    return names


def _candidates(header: str) -> list[str]:
    """The header as a whole, then its parts around and inside parentheses, then its words
    (`省份 Province`, `name/名称`)."""
    whole = normalise(header)
    outside = _PARENTHESES.sub("", header)
    inside = _PARENTHESES.findall(header)
    words = [w for part in (outside, *inside) for w in re.split(r"[\s/|]+", part.strip())]
    return [c for c in (whole, *(normalise(p) for p in (outside, *inside, *words))) if c]


def map_headers(kind: ImportKind, headers: list[str]) -> dict[str, int]:
    """Column name -> cell index. Every problem is reported at once: unknown headers (a typo
    would silently drop a column), a column named twice, required columns missing."""
    names = _lookup(kind)
    found: dict[str, int] = {}
    errors: list[DomainError] = []
    for index, header in enumerate(headers):
        if not header:
            continue  # an unnamed column (a note beside the table): ignored
        column = next((names[c] for c in _candidates(header) if c in names), None)
        if column is None:
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "unknown column {header!r} for {kind}", ("file",), header=header, kind=kind.value
                )
            )
        elif column in found:
            first = headers[found[column]]
            errors.append(
                DomainError(
                    ErrorCode.CONFLICT,
                    "column {column} is given twice ({first!r} and {header!r})",
                    ("file",),
                    column=column,
                    first=first,
                    header=header,
                )
            )
        else:
            found[column] = index
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in found]
    if missing:
        errors.append(
            DomainError(ErrorCode.REQUIRED, "missing column(s): {missing}", ("file",), missing=", ".join(missing))
        )
    if errors:
        raise DomainErrors(errors)
    return found


def expected_columns(kind: ImportKind) -> str:
    return ", ".join(c.name if c.required else f"[{c.name}]" for c in COLUMNS[kind])
