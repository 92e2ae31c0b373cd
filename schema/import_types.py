"""The registry import through GraphQL (issue 12): `importRegistry(input: {kind, file, dryRun})`."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from schema import enums
from schema.idempotency import idempotency_key_field
from schema.types import UserError


@strawberry.enum(description="What an import file holds 导入内容")
class ImportKind(Enum):
    UNITS = strawberry.enum_value("units", description="组织单位 Org units: code, kind, name, name_zh, lists")
    FACTORIES = strawberry.enum_value("factories", description="工厂 Factories: code, name, address, location, class")
    CERTIFICATES = strawberry.enum_value("certificates", description="证书 Certificates: number, holder, factory")
    PEOPLE = strawberry.enum_value("people", description="人员 People: login, name, unit, roles, e-mail")


@strawberry.input(
    description="导入登记数据 Import org units, factories, certificates or people from a CSV (UTF-8, with or "
    "without BOM, or GB18030) or XLSX file (its first sheet), columns found by header name (Chinese headers "
    "accepted). Rows are upserted by their natural key (code, number, login); a rerun changes nothing."
)
class ImportRegistryInput:
    kind: ImportKind = strawberry.field(description="What the file holds.")
    file: Upload = strawberry.field(description="The file (multipart upload), within the upload size limit.")
    dry_run: bool = strawberry.field(default=False, description="Check every row and write nothing.")
    all_or_nothing: bool = strawberry.field(default=False, description="Import nothing if any row is bad.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="A bad row of an import file, or the file itself 导入错误")
class ImportRowError:
    row: int | None = strawberry.field(description="The row number as a spreadsheet shows it (header = 1).")
    column: str | None = strawberry.field(description="The column at fault (snake_case name), if one is.")
    value: str = strawberry.field(description="The cell as the file gave it.")
    code: enums.UserErrorCode = strawberry.field(description="Why it was refused.")
    message: str = strawberry.field(description="The reason, for a person.")


@strawberry.type(description="What an import did (or, for a dry run, would do) 导入结果")
class ImportRegistryPayload:
    kind: ImportKind | None = strawberry.field(description="What the file held.")
    dry_run: bool | None = strawberry.field(description="True when nothing was written on purpose.")
    applied: bool | None = strawberry.field(
        description="True when the import wrote something; false for a dry run, an all-or-nothing import with "
        "bad rows, or a file with nothing to change."
    )
    sha256: str | None = strawberry.field(description="The file's SHA-256, as the audit trail names it.")
    row_count: int = strawberry.field(description="Data rows in the file.")
    created_count: int = strawberry.field(description="Rows created (or that a dry run would create).")
    updated_count: int = strawberry.field(description="Rows changed (or that a dry run would change).")
    unchanged_count: int = strawberry.field(description="Rows already as the file says.")
    rejected_count: int = strawberry.field(description="Rows with at least one problem.")
    problem_count: int = strawberry.field(description="Problems found, all of them in the report.")
    row_errors: list[ImportRowError] = strawberry.field(description="The first problems (the report has all).")
    report_url: str | None = strawberry.field(
        description="Where the caller (only) downloads the error report (CSV, or XLSX for a workbook), for a day."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the file as a whole was refused.")
