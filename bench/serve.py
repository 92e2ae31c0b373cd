"""One benchmark server in its own process (own core, own GIL): `serve.py graphql|plain DB PORT`.

Both get the same uvicorn set-up: one worker, loopback only, no access log (it would cost
the same per request on both sides and measure logging, not the endpoints)."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time

import uvicorn

# A server outlives no benchmark: it stops by itself after this long, or as soon as the
# process that started it is gone, even if that one was killed before it could clean up.
MAX_LIFETIME_SECONDS = 300


def build_app(kind: str, db_path: str):
    if kind == "graphql":
        from server.app import create_app
        from server.settings import Settings

        return create_app(dataclasses.replace(Settings(), database_url=f"sqlite://{db_path}", log_level="WARNING"))
    if kind == "plain":
        from plain import create_plain_app

        return create_plain_app(db_path)
    raise SystemExit(f"unknown server kind {kind!r}: graphql or plain")


def _watchdog(server: uvicorn.Server, parent: int) -> None:
    deadline = time.monotonic() + MAX_LIFETIME_SECONDS
    while not server.should_exit:
        if os.getppid() != parent or time.monotonic() > deadline:
            server.should_exit = True
        time.sleep(0.5)


def main(argv: list[str]) -> None:
    kind, db_path, port = argv
    config = uvicorn.Config(
        build_app(kind, db_path),
        host="127.0.0.1",
        port=int(port),
        workers=1,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    threading.Thread(target=_watchdog, args=(server, os.getppid()), daemon=True).start()
    server.run()


if __name__ == "__main__":
    main(sys.argv[1:])
