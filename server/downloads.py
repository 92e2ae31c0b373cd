"""Authorized downloads: GET /documents/{id} (a stored document), GET /archive/{task}.zip
(the digitised bundle of an archived task), GET /tasks/{task}/forms/{FORM}.pdf (a form generated
from the data now) and GET /imports/reports/{token} (an import's error report, for the user who
ran the import only).

Refusals answer `{"error": text, "code": CODE}` with the text in the reader's language: the
session's when signed in, else the request's Accept-Language (else Chinese)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from domain.errors import DomainError, ErrorCode, msg
from domain.generated_forms import generated_form
from schema.relay import MAX_DB_ID, InvalidId, from_global_id
from server.auth import AuthError
from server.authn import Authenticator
from server.http_limits import scope_language
from services import documents
from services.archive import bundle
from services.errors import Forbidden
from services.forms import generated
from services.i18n.errors import message_of, render
from services.imports.run import kept_report

SIGN_IN = msg("sign in with a bearer token")
NO_DOCUMENT = msg("no such document")
NO_TASK = msg("no such task")
NO_TASK_OR_FORM = msg("no such task or form")
NO_REPORT = msg("no such report")
PRIVATE = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


def _refused(status: int, code: str, text: str) -> JSONResponse:
    return JSONResponse({"error": text, "code": code}, status_code=status, headers=PRIVATE)


def _not_found(template: str, language: str) -> JSONResponse:
    return _refused(404, "NOT_FOUND", render(template, {}, language))


async def _signed_in(authenticator: Authenticator, request: Request):
    """(session, None), or (None, the 401 response) for a request without a valid token."""
    try:
        session = await authenticator.session(request)
    except AuthError as exc:
        return None, _refused(401, "UNAUTHENTICATED", message_of(exc, scope_language(request.scope)))
    if session is None:
        return None, _refused(401, "UNAUTHENTICATED", render(SIGN_IN, {}, scope_language(request.scope)))
    return session, None


def download_route(authenticator: Authenticator):
    async def download(request: Request):
        session, refused = await _signed_in(authenticator, request)
        if refused is not None:
            return refused
        document_id = request.path_params["document_id"]
        found = await documents.for_download(session, document_id) if 0 < document_id <= MAX_DB_ID else None
        if found is None or not found[1].is_file():  # missing and forbidden look the same
            return _not_found(NO_DOCUMENT, session.language)
        document, path = found
        return FileResponse(
            path,
            media_type=document.content_type,
            filename=document.filename,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
        )

    return download


def bundle_route(authenticator: Authenticator):
    """GET /archive/{task global id}.zip: the digitised bundle of an archived task."""

    async def export(request: Request):
        session, refused = await _signed_in(authenticator, request)
        if refused is not None:
            return refused
        try:
            kind, task_id = from_global_id(request.path_params["task_id"])
        except InvalidId:
            kind, task_id = "", 0
        if kind != "Task":
            return _not_found(NO_TASK, session.language)
        try:
            name, data = await bundle.export_bundle(session, task_id)
        except Forbidden as exc:
            return _refused(403, "FORBIDDEN", message_of(exc, session.language))
        except DomainError as exc:
            status = 404 if exc.code == ErrorCode.NOT_FOUND else 409
            return _refused(status, exc.code.value, message_of(exc, session.language))
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
        )

    return export


def generated_form_route(authenticator: Authenticator):
    """GET /tasks/{task global id}/forms/{FORM}.pdf: the form rendered from the data now, for
    whoever may read the task's internal fields (the rule of documents). A missing task, one the
    caller may not read, a malformed id and an unknown form all get the same 404; a form that
    does not apply to the task (a sampling notice without taken samples) gets 409 CONFLICT.
    `X-Data-Version` is the version to name when confirming it (confirmGeneratedForm)."""

    async def form_pdf(request: Request):
        session, refused = await _signed_in(authenticator, request)
        if refused is not None:
            return refused
        try:
            kind, task_id = from_global_id(request.path_params["task_id"])
        except InvalidId:
            kind, task_id = "", 0
        form = generated_form(request.path_params["form"])
        if kind != "Task" or form is None or not 0 < task_id <= MAX_DB_ID:
            return _not_found(NO_TASK_OR_FORM, session.language)
        try:
            rendered = await generated.for_download(session, task_id, form)
        except DomainError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                return _not_found(NO_TASK_OR_FORM, session.language)
            return _refused(409, exc.code.value, message_of(exc, session.language))
        return Response(
            rendered.pdf,
            media_type="application/pdf",
            headers={
                **PRIVATE,
                "Content-Disposition": f'attachment; filename="{rendered.filename}"',
                "X-Data-Version": rendered.data_version,
            },
        )

    return form_pdf


def import_report_route(authenticator: Authenticator):
    """GET /imports/reports/{token}: the error report of an import, for whoever ran it; anyone
    else gets the same 404 as for a token that names nothing."""

    async def report(request: Request):
        session, refused = await _signed_in(authenticator, request)
        if refused is not None:
            return refused
        found = kept_report(session, request.path_params["token"])
        if found is None:
            return _not_found(NO_REPORT, session.language)
        return FileResponse(
            found.path,
            media_type=found.content_type,
            filename=found.filename,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
        )

    return report
