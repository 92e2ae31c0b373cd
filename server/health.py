"""`/health` (the process answers) and `/ready` (it can serve: README, Operations).

`/ready` checks the database (reachable), its migrations (every committed one applied) and the
document store (a file can be written in `document_dir`); 200 with each check's "ok", or 503
naming the failing checks. The answer never carries a URL, a path or an exception's text:
those go to the log.

`/ready` needs no token (orchestrators ask it), so anyone may call it as often as they like: an
answer is reused for FRESH_SECONDS and callers arriving while a check runs wait for that check,
so a flood costs at most one database query and one file write per FRESH_SECONDS."""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse

from store.readiness import pending_migrations

log = logging.getLogger("surveil.ready")
FRESH_SECONDS = 1.0


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _migrations() -> dict[str, str]:
    try:
        missing = await pending_migrations()
    except Exception:  # the database away, the network down: named, not shown
        log.warning("readiness: the database is unreachable", exc_info=True)
        return {"database": "unreachable", "migrations": "unknown"}
    if missing:
        log.warning("readiness: migrations not applied: %s", ", ".join(missing))
        return {"database": "ok", "migrations": f"{len(missing)} not applied: run `surveil migrate`"}
    return {"database": "ok", "migrations": "ok"}


def _writable(folder: str) -> str:
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ready-") as probe:
            probe.write(b"ok")
            probe.flush()
        return "ok"
    except OSError:
        log.warning("readiness: the document store %s is not writable", folder, exc_info=True)
        return "not writable"


class Readiness:
    """The checks behind /ready (`answer` is the endpoint); `runs` counts the checks made."""

    def __init__(self, document_dir: str) -> None:
        self.document_dir = document_dir
        self.runs = 0
        self._answer: tuple[float, dict[str, str]] | None = None
        self._running: asyncio.Future[dict[str, str]] | None = None

    async def answer(self, _: Request) -> JSONResponse:
        checks = await self._checks()
        failing = sorted(name for name, state in checks.items() if state != "ok")
        if failing:
            return JSONResponse({"status": "not ready", "failing": failing, "checks": checks}, 503)
        return JSONResponse({"status": "ready", "checks": checks})

    async def _checks(self) -> dict[str, str]:
        if self._answer is not None and time.monotonic() - self._answer[0] < FRESH_SECONDS:
            return self._answer[1]
        if self._running is None:  # the first caller checks; the others wait for its answer
            self._running = asyncio.ensure_future(self._check())
            self._running.add_done_callback(self._checked)
        return await asyncio.shield(self._running)  # a caller that goes away leaves the check running

    def _checked(self, done: asyncio.Future) -> None:
        self._running = None
        if not done.cancelled() and done.exception() is None:
            self._answer = (time.monotonic(), done.result())

    async def _check(self) -> dict[str, str]:
        self.runs += 1
        checks = await _migrations()
        checks["documents"] = await asyncio.to_thread(_writable, self.document_dir)
        return checks


def ready_route(document_dir: str):
    return Readiness(document_dir).answer
