"""Notices in tests: events written by a small command, a real SMTP server on loopback, a
real webhook receiver that verifies signatures with the recipe of docs/webhooks.md, and a
worker with short timings."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import replace
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

from domain.notices import NoticeKind
from server.settings import Settings
from server.worker import Worker
from services.notices.config import DeliveryConfig
from services.notices.outbox import emit
from services.runner import Work, command
from store.models import OrgUnit

ROOT = Path(__file__).resolve().parents[2]
PARAMS = {"task_number": "EAST-2026-0001", "factory_name": "Acme Cables", "window_start": "2026-12-09",
          "window_end": "2026-12-11", "kind_zh": "例行监督", "kind_en": "routine inspection", "team_size": 2,
          "team_zh": "检查组 2 人", "team_en": "with a team of 2"}  # fmt: skip


@command(system=True, system_login="test")
async def _emit(work: Work, *, kind: str, units: list[str], people: list[int], enterprise: str | None) -> int:
    # A test stand-in for the commands that emit (they audit their own change; this one has none).
    work.nothing_changed()
    unit_id = await OrgUnit.filter(code=enterprise).first().values_list("id", flat=True) if enterprise else None
    event = await emit(
        NoticeKind(kind), subject_type="Task", subject_id=7, units=units, people=people,
        enterprise_unit_id=unit_id, to_enterprise=enterprise is not None, params=PARAMS,
    )  # fmt: skip
    return event.id


async def write_event(
    kind: str = "inspection.prenotified", *, units=("east",), people=(), enterprise: str | None = "ent-e001"
) -> int:
    return await _emit(kind=kind, units=list(units), people=list(people), enterprise=enterprise)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """A real SMTP server on loopback keeping what arrives."""

    def __init__(self) -> None:
        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def webhook_recipe() -> dict:
    """The Python block of docs/webhooks.md, run as written."""
    text = (ROOT / "docs" / "webhooks.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    scope: dict = {}
    exec(compile(code, "docs/webhooks.md", "exec"), scope)
    return scope


class Receiver:
    """A partner's receiver on loopback: verifies each POST with the documented recipe.
    `mode`: "ok" (200), "fail" (500), "hang" (holds the request until released)."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.secret = ""
        self.recipe = webhook_recipe()
        self.accepted: list[dict] = []  # verified, new notices
        self.keys: list[str] = []  # every delivery key that arrived, repeats included
        self.rejected: list[str] = []
        self.arrived = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.keys.append(self.headers.get("x-surveil-delivery", ""))
                outer.arrived.set()
                if outer.mode == "hang":
                    outer.release.wait(10)
                try:
                    notice = outer.recipe["verify"](outer.secret, dict(self.headers), body)
                except ValueError as exc:
                    outer.rejected.append(str(exc))
                    return self._answer(401)
                if notice is not None:
                    outer.accepted.append(notice)
                self._answer(500 if outer.mode == "fail" else 200)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def worker(settings: Settings, smtp_port: int = 1, **overrides) -> Worker:
    config = replace(
        DeliveryConfig(smtp_port=smtp_port, send_timeout_seconds=3, retry_base_seconds=10, max_attempts=3),
        **overrides,
    )
    return Worker(settings, config=config, jobs=[])


def wait_until(predicate, seconds: float = 5) -> None:
    end = time.monotonic() + seconds
    while not predicate() and time.monotonic() < end:
        time.sleep(0.02)
