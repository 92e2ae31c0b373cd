"""`/health` (the process answers) and `/ready` (it can serve: README, Operations).

`/ready` checks the database (reachable), its migrations (every committed one applied) and the
document store (a file can be written in `document_dir`); 200 with each check's "ok", or 503
naming the failing checks. The answer never carries a URL, a path or an exception's text:
those go to the log."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse

from store.readiness import pending_migrations

log = logging.getLogger("surveil.ready")


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


def ready_route(document_dir: str):
    async def ready(_: Request) -> JSONResponse:
        checks = await _migrations()
        checks["documents"] = await asyncio.to_thread(_writable, document_dir)
        failing = sorted(name for name, state in checks.items() if state != "ok")
        if failing:
            return JSONResponse({"status": "not ready", "failing": failing, "checks": checks}, 503)
        return JSONResponse({"status": "ready", "checks": checks})

    return ready
