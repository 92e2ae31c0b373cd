"""importRegistry: an uploaded CSV/XLSX file -> the import command -> counts, row errors, report."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError, DomainErrors
from resolvers.plumbing import mutation, user_errors
from resolvers.uploads import read_upload
from schema import enums
from schema.import_types import ImportKind, ImportRegistryInput, ImportRegistryPayload, ImportRowError
from services.imports import run as imports
from services.imports.columns import ImportKind as Kind

MAX_ROW_ERRORS = 200  # in the payload; the downloadable report has every one
REPORT_PATH = "/imports/reports/{token}"


@strawberry.type
class ImportMutation:
    @mutation(
        description="导入登记数据 Import org units, factories, certificates or people from CSV/XLSX (HQ staff: "
        "units and people need the policy administrator, factories and certificates the planner)."
    )
    async def import_registry(self, info: strawberry.Info, input: ImportRegistryInput) -> ImportRegistryPayload:
        session = info.context.require_session
        kind = Kind(input.kind.value)
        try:
            data, filename, _ = await read_upload(input.file, session.config.max_upload_bytes, ("file",))
            outcome, token = await imports.import_upload(
                session,
                kind=kind,
                data=data,
                filename=filename,
                dry_run=input.dry_run,
                all_or_nothing=input.all_or_nothing,
                sync=info.context.sync,
            )
        except (DomainError, DomainErrors) as exc:
            return _refused(input.kind, input.dry_run, user_errors(exc))
        return ImportRegistryPayload(
            kind=input.kind,
            dry_run=outcome.dry_run,
            applied=outcome.applied,
            sha256=outcome.sha256,
            row_count=outcome.rows,
            created_count=outcome.created,
            updated_count=outcome.updated,
            unchanged_count=outcome.unchanged,
            rejected_count=outcome.rejected,
            problem_count=len(outcome.problems),
            row_errors=[
                ImportRowError(
                    row=p.row,
                    column=p.column,
                    value=p.value,
                    code=enums.UserErrorCode(p.code.value),
                    message=p.message,
                )
                for p in outcome.problems[:MAX_ROW_ERRORS]
            ],
            report_url=REPORT_PATH.format(token=token) if token else None,
            user_errors=[],
        )


def _refused(kind: ImportKind, dry_run: bool, errors) -> ImportRegistryPayload:
    return ImportRegistryPayload(
        kind=kind, dry_run=dry_run, applied=False, sha256=None, row_count=0, created_count=0, updated_count=0,
        unchanged_count=0, rejected_count=0, problem_count=len(errors), row_errors=[], report_url=None,
        user_errors=errors,
    )  # fmt: skip
