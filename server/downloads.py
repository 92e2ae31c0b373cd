"""GET /documents/{id}: an authorized download of a stored document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse

from schema.relay import MAX_DB_ID
from server.auth import AuthError
from server.authn import Authenticator
from services import documents
from store.blobs import BlobStore


def download_route(authenticator: Authenticator):
    store = BlobStore(authenticator.config.document_dir)

    async def download(request: Request):
        try:
            session = await authenticator.session(request)
        except AuthError as exc:
            return JSONResponse({"error": str(exc), "code": "UNAUTHENTICATED"}, status_code=401)
        if session is None:
            return JSONResponse({"error": "sign in with a bearer token", "code": "UNAUTHENTICATED"}, status_code=401)
        document_id = request.path_params["document_id"]
        found = await documents.for_download(session, document_id, store) if 0 < document_id <= MAX_DB_ID else None
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
