"""Authorized downloads: GET /documents/{id} (a stored document), GET /archive/{task}.zip
(the digitised bundle of an archived task), GET /tasks/{task}/forms/{FORM}.pdf (a form generated
from the data now) and GET /imports/reports/{token} (an import's error report, for the user who
ran the import only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from domain.errors import DomainError, ErrorCode
from domain.generated_forms import generated_form
from schema.relay import MAX_DB_ID, InvalidId, from_global_id
from server.auth import AuthError
from server.authn import Authenticator
from services import documents
from services.archive import bundle
from services.errors import Forbidden
from services.forms import generated
from services.imports.run import kept_report


async def _signed_in(authenticator: Authenticator, request: Request):
    """(session, None), or (None, the 401 response) for a request without a valid token."""
    try:
        session = await authenticator.session(request)
    except AuthError as exc:
        return None, JSONResponse({"error": str(exc), "code": "UNAUTHENTICATED"}, status_code=401)
    if session is None:
        return None, JSONResponse({"error": "sign in with a bearer token", "code": "UNAUTHENTICATED"}, status_code=401)
    return session, None


def download_route(authenticator: Authenticator):
    async def download(request: Request):
        session, refused = await _signed_in(authenticator, request)
        if refused is not None:
            return refused
        document_id = request.path_params["document_id"]
        found = await documents.for_download(session, document_id) if 0 < document_id <= MAX_DB_ID else None
        if found is None or not found[1].is_file():  # missing and forbidden look the same
            return JSONResponse({"error": "no such document", "code": "NOT_FOUND"}, status_code=404)
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
            return JSONResponse({"error": "no such task", "code": "NOT_FOUND"}, status_code=404)
        try:
            name, data = await bundle.export_bundle(session, task_id)
        except Forbidden as exc:
            return JSONResponse({"error": str(exc), "code": "FORBIDDEN"}, status_code=403)
        except DomainError as exc:
            status = 404 if exc.code == ErrorCode.NOT_FOUND else 409
            return JSONResponse({"error": exc.message, "code": exc.code.value}, status_code=status)
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
        )

    return export


PRIVATE = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=PRIVATE)


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
            return _refused(404, "NOT_FOUND", "no such task or form")
        try:
            rendered = await generated.for_download(session, task_id, form)
        except DomainError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                return _refused(404, "NOT_FOUND", "no such task or form")
            return _refused(409, exc.code.value, exc.message)
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
            return JSONResponse({"error": "no such report", "code": "NOT_FOUND"}, status_code=404)
        return FileResponse(
            found.path,
            media_type=found.content_type,
            filename=found.filename,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
        )

    return report
