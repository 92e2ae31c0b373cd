"""Reading a multipart upload argument, the same way for every mutation that takes files."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode


async def read_upload(upload, limit: int, field: tuple[str, ...]) -> tuple[bytes, str | None, str | None]:
    """(bytes, file name, declared type). Reads at most one byte past the limit: enough for
    the service to know the file is too large without reading all of it."""
    if not hasattr(upload, "read"):  # sent as JSON text instead of a multipart file
        raise DomainError(ErrorCode.INVALID, "send the file as a multipart upload", field)
    return await upload.read(limit + 1), upload.filename, upload.content_type
