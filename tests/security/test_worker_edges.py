"""Attacks on the notice worker (issue 14: outbox and delivery, bad input): poison events, slow,
hanging, trickling, redirecting and flooding webhook receivers, two workers at once, SMTP
refusals, header injection through text that reaches a Subject, deactivated endpoints, and
the real `surveil worker` process stopped by SIGTERM mid-send. Real components only: a real
SMTP server (aiosmtpd), real loopback HTTP receivers, `Worker.run_once`.

Tests that fail here name a defect (see each docstring); the others pin behaviour that held."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from domain.notice_delivery import sign
from services.clock import time_zone
from services.notices.reminders import send_due_reminders
from store.models import Certificate, NoticeDelivery, Notification, OutboxEvent, ProblemReport, User
from tests.services.notice_support import PARAMS, ROOT, Mailbox, Receiver, wait_until, worker, write_event

REGISTER = """mutation($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) {
  endpoint { id } secret userErrors { field code } } }"""
DEACTIVATE = """mutation($i: DeactivateWebhookEndpointInput!) { deactivateWebhookEndpoint(input: $i) {
  userErrors { code } } }"""
DEAD = "{ deadNotices(first: 10) { totalCount nodes { deliveryKey lastError } } }"
INBOX = "{ notifications(first: 10) { nodes { kind title body } } unreadNotificationCount }"
FILE = """mutation($i: FileProblemReportInput!) { fileProblemReport(input: $i) {
  report { id } userErrors { field code } } }"""
POST = """mutation($i: PostProblemMessageInput!) { postProblemMessage(input: $i) { userErrors { code } } }"""

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])  # what is tested does not touch the database's kind


async def _register(api, url: str, kinds=("inspection.prenotified",), unit: str = "east") -> tuple[str, str]:
    body = {"unitCode": unit, "url": url, "kinds": list(kinds)}
    answer = (await api.data(REGISTER, {"i": body}, as_user="hq.admin"))["registerWebhookEndpoint"]
    assert answer["userErrors"] == [], answer
    return answer["endpoint"]["id"], answer["secret"]


async def _hook(api, receiver: Receiver, kinds=("inspection.prenotified",)) -> str:
    endpoint_id, receiver.secret = await _register(api, receiver.url, kinds)
    return endpoint_id


async def _staff_events(count: int, kind: str = "inspection.prenotified") -> None:
    """Events for East's webhooks only (no enterprise, nobody routed by email)."""
    for _ in range(count):
        await write_event(kind, units=("east",), enterprise=None)


class Raw:
    """A loopback HTTP receiver answering with `answer(handler)`; counts requests and the
    response bytes the client actually took before it hung up."""

    def __init__(self, answer) -> None:
        self.hits = 0
        self.written = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length") or 0))
                outer.hits += 1
                with contextlib.suppress(OSError):
                    answer(self, outer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _flood(handler, outer: Raw, size: int = 128 * 2**20) -> None:
    handler.send_response(200)
    handler.send_header("content-length", str(size))
    handler.end_headers()
    chunk = b"x" * 2**16
    while outer.written < size:
        handler.wfile.write(chunk)
        outer.written += len(chunk)


def _trickle(handler, outer: Raw) -> None:
    handler.send_response(200)
    handler.send_header("content-length", "60")
    handler.end_headers()
    for _ in range(60):  # a byte every 0.4 s: never silent for a whole read timeout
        handler.wfile.write(b"x")
        handler.wfile.flush()
        outer.written += 1
        time.sleep(0.4)


# --- the worker itself ---------------------------------------------------------------------


async def test_a_poison_event_does_not_stop_the_events_after_it(api, settings):
    """Defect: one event the fan-out cannot handle raises out of run_pass, every pass, so no later event is fanned out and no delivery is sent again."""
    with Receiver() as receiver:
        await _hook(api, receiver)
        # An event the worker cannot fan out (an audience written by an older release or a
        # hand repair): it must be set aside, not block the queue for ever.
        await OutboxEvent.create(
            kind="inspection.prenotified", subject_type="Task", subject_id=7, params=PARAMS, actor="test",
            audience={"units": ["east"], "people": ["east.planner"], "enterprise": None},
        )  # fmt: skip
        await _staff_events(1)
        run = worker(settings)
        for _ in range(2):  # as run_forever does: log the failure and try again
            with contextlib.suppress(Exception):
                await run.run_once()
        assert len(receiver.accepted) >= 1, "the healthy event behind the poison one never left"


async def test_params_named_like_the_translators_arguments_keep_the_inbox_readable(api, settings):
    """Defect: render() passes params as **kwargs to translate(domain, msgid, language, ...): a param named `language` raises TypeError, uncaught, and the person's whole inbox query fails."""
    person = await User.get(login="ent.E001")
    await OutboxEvent.create(
        kind="inspection.prenotified", subject_type="Task", subject_id=7, actor="test",
        params={**PARAMS, "language": "de"}, audience={"units": [], "people": [person.id], "enterprise": None},
    )  # fmt: skip
    await worker(settings).run_once()
    answer = await api.run(INBOX, as_user="ent.E001")
    assert "errors" not in answer, answer
    assert answer["data"]["unreadNotificationCount"] == 1


@SQLITE_ONLY
async def test_sigterm_mid_send_stops_the_real_worker_after_settling_its_send(api, settings):
    """Pin: `surveil worker` as a process, SIGTERM while a POST hangs: it exits 0 within the send timeout and the delivery is settled, not lost."""
    with Receiver("hang") as receiver:
        await _hook(api, receiver)
        await _staff_events(1)
        env = {**os.environ, "DATABASE_URL": settings.database_url, "SURVEIL_NOTICE_TIMEOUT_SECONDS": "2",
               "SURVEIL_WORKER_POLL_SECONDS": "0.2", "SMTP_PORT": "1"}  # fmt: skip
        # the worktree's own code (the installed `surveil` script may be another checkout's)
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            arrived = await asyncio.get_running_loop().run_in_executor(None, receiver.arrived.wait, 60)
            assert arrived, "the worker process never sent"
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            code = await asyncio.get_running_loop().run_in_executor(None, process.wait, 20)
            took = time.monotonic() - started
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        output = process.stdout.read().decode(errors="replace")
        assert code == 0, output
        assert took < 10, took
        delivery = await NoticeDelivery.get(channel="WEBHOOK")
        assert delivery.status == "PENDING" and delivery.attempts == 1 and delivery.last_error, delivery.last_error


# --- two workers ----------------------------------------------------------------------------


async def test_two_workers_at_once_fan_out_each_event_once(api, settings):
    """Pin: two passes at once (PostgreSQL: SKIP LOCKED) write each inbox entry and each delivery once."""
    with Receiver() as receiver:
        await _hook(api, receiver)
        for _ in range(12):
            await write_event()
        run_a, run_b = worker(settings), worker(settings)
        await asyncio.gather(run_a.run_once(), run_b.run_once())
        await run_a.run_once()
        events = await OutboxEvent.filter(fanned_out_at=None).count()
        assert events == 0
        assert (
            await Notification.all().count()
            == 12 * await Notification.filter(event_id=(await OutboxEvent.first()).id).count()
        )
        assert len(receiver.keys) == len(set(receiver.keys)) == 12


async def test_two_workers_never_send_one_delivery_twice_while_it_waits_in_the_queue(api, settings):
    """Defect: the lease starts at the claim, not at the send: a claimed delivery queued behind slow sends outlives its lease and a second worker sends it too (defaults: 50 claimed, 4 at once, up to 15 s each = 187 s > the 120 s lease)."""
    with Receiver("hang") as slow, Receiver() as healthy:
        await _hook(api, slow)
        await _hook(api, healthy, kinds=("task.exception",))
        await _staff_events(5)
        await _staff_events(1, "task.exception")
        config = {"concurrency": 1, "send_timeout_seconds": 1, "lease_seconds": 3}
        first, second = worker(settings, **config), worker(settings, **config)
        busy = asyncio.create_task(first.run_once())
        await asyncio.sleep(3.5)
        await asyncio.gather(busy, second.run_once())
        assert healthy.keys and len(healthy.keys) == len(set(healthy.keys)), healthy.keys


# --- webhook receivers that misbehave -------------------------------------------------------


@SQLITE_ONLY
async def test_a_hanging_receiver_does_not_hold_up_another_receivers_delivery(api, settings):
    """Defect: the sends of a pass share 4 slots in claim order, so 4 deliveries to one hanging receiver delay every other receiver's delivery by a whole send timeout."""
    with Receiver("hang") as slow, Receiver() as healthy:
        await _hook(api, slow)
        await _hook(api, healthy, kinds=("task.exception",))
        await _staff_events(4)
        await _staff_events(1, "task.exception")
        run = worker(settings, send_timeout_seconds=3)
        started = time.monotonic()
        task = asyncio.create_task(run.run_once())
        await asyncio.get_running_loop().run_in_executor(None, wait_until, lambda: healthy.accepted, 10)
        took = time.monotonic() - started
        await task
        assert healthy.accepted and took < 1.5, f"the healthy receiver waited {took:.1f}s behind the hanging one"


@SQLITE_ONLY
async def test_a_trickling_receiver_is_cut_off_at_the_send_timeout(api, settings):
    """Defect: httpx's timeout is per read, so a receiver dribbling a byte at a time holds the send until the outer wait_for at timeout + 5 s (the documented 10 s becomes 15 s)."""
    with Raw(_trickle) as receiver:
        await _register(api, receiver.url)
        await _staff_events(1)
        started = time.monotonic()
        await worker(settings, send_timeout_seconds=1).run_once()
        took = time.monotonic() - started
    assert took < 3, f"a 1 s send timeout held the send for {took:.1f}s"


@SQLITE_ONLY
async def test_a_huge_response_body_is_not_read_into_memory(api, settings):
    """Defect: post_webhook reads the receiver's whole answer (httpx .post buffers the body): a receiver answering 128 MiB (or endlessly) is read into the worker's memory."""
    with Raw(_flood) as receiver:
        await _register(api, receiver.url)
        await _staff_events(1)
        await worker(settings, send_timeout_seconds=5).run_once()
        await asyncio.sleep(0.2)
        taken = receiver.written
    assert taken < 8 * 2**20, f"the worker read {taken / 2**20:.0f} MiB of a receiver's answer"


@SQLITE_ONLY
async def test_a_redirect_to_an_internal_address_is_not_followed(api, settings):
    """Pin: a 302 to an internal address is a failed attempt, never followed."""
    with Raw(lambda h, o: None) as internal:

        def redirect(handler, outer):
            handler.send_response(302)
            handler.send_header("location", internal.url)
            handler.send_header("content-length", "0")
            handler.end_headers()

        with Raw(redirect) as receiver:
            await _register(api, receiver.url)
            await _staff_events(1)
            await worker(settings).run_once()
        assert receiver.hits == 1 and internal.hits == 0
        delivery = await NoticeDelivery.get(channel="WEBHOOK")
        assert delivery.status == "PENDING" and delivery.last_error == "webhook answered HTTP 302"


async def test_a_deactivated_endpoints_pending_deliveries_stop_without_dead_letters(api, settings):
    """Defect: deliveries to an endpoint deactivated while they were pending are retried to max_attempts and end as dead letters (audited notice.dead, listed for HQ, retryable to nowhere)."""
    with Receiver("fail") as receiver:
        endpoint_id = await _hook(api, receiver)
        await _staff_events(1)
        run, start = worker(settings, max_attempts=3, retry_base_seconds=1), datetime.now(UTC)
        await run.run_once(start)
        answer = await api.data(
            DEACTIVATE, {"i": {"endpointId": endpoint_id, "reason": "partner gone"}}, as_user="hq.admin"
        )
        assert answer["deactivateWebhookEndpoint"]["userErrors"] == []
        for minutes in (1, 2, 3, 4):
            await run.run_once(start + timedelta(minutes=minutes))
        assert len(receiver.keys) == 1  # nothing was sent after the deactivation
        dead = (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]
        assert dead["totalCount"] == 0, dead


@SQLITE_ONLY
async def test_the_signature_recipe_refuses_tampering_staleness_and_replays(api, settings):
    """Pin: the docs/webhooks.md recipe refuses a body altered by one byte, a timestamp outside the window, a replayed key; the secret is in no header."""
    with Receiver() as receiver:
        await _hook(api, receiver)
        await _staff_events(1)
        await worker(settings).run_once()
    [notice] = receiver.accepted
    verify, secret = receiver.recipe["verify"], receiver.secret
    body = __import__("json").dumps(notice, ensure_ascii=False, separators=(",", ":")).encode()
    now = int(time.time())

    def headers(ts: int, payload: bytes) -> dict:
        return {"X-Surveil-Delivery": notice["deliveryKey"], "X-Surveil-Timestamp": str(ts),
                "X-Surveil-Signature": sign(secret, ts, payload)}  # fmt: skip

    altered = body[:-2] + bytes([body[-2] ^ 1]) + body[-1:]
    for bad in (
        lambda: verify(secret, headers(now, body), altered),
        lambda: verify(secret, headers(now - 301, body), body),
    ):
        with pytest.raises(ValueError):
            bad()
    assert verify(secret, headers(now, body), body) is None  # the key was stored at the first delivery
    assert secret not in repr(receiver.keys)


# --- email ----------------------------------------------------------------------------------


class Refusing(Mailbox):
    def __init__(self, answer: str) -> None:
        super().__init__()
        self.answer = answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.answer


@pytest.fixture
def refusing():
    boxes = []

    def start(answer: str) -> Refusing:
        box = Refusing(answer)
        box.controller.start()
        boxes.append(box)
        return box

    yield start
    for box in boxes:
        box.controller.stop()


@SQLITE_ONLY
async def test_a_permanently_refused_recipient_is_dead_lettered_at_once(api, settings, refusing):
    """Defect: a permanent SMTP refusal (550 no such user) is retried like a temporary one, max_attempts times over hours, instead of a dead letter at once."""
    await User.filter(login="ent.E001").update(email="gone@e001.example.cn")
    box = refusing("550 5.1.1 no such user")
    await write_event()
    await worker(settings, smtp_port=box.controller.port, max_attempts=8).run_once()
    delivery = await NoticeDelivery.get(channel="EMAIL")
    assert delivery.status == "DEAD" and delivery.attempts == 1, (delivery.status, delivery.last_error)


@SQLITE_ONLY
async def test_a_temporarily_refused_recipient_and_a_server_down_are_retried(api, settings, refusing):
    """Pin: 450 (mailbox busy) and a server not listening are retried later, same key."""
    await User.filter(login="ent.E001").update(email="busy@e001.example.cn")
    box = refusing("450 4.2.1 mailbox busy")
    await write_event()
    start = datetime.now(UTC)
    await worker(settings, smtp_port=box.controller.port).run_once(start)
    delivery = await NoticeDelivery.get(channel="EMAIL")
    assert delivery.status == "PENDING"  # (the reply code is lost: "SMTP SMTPRecipientsRefused")
    up = Mailbox()  # the server was down on the port the worker used first; now it is up
    await worker(settings, smtp_port=1).run_once(start + timedelta(minutes=1))
    assert (await NoticeDelivery.get(id=delivery.id)).last_error == "SMTP SMTPConnectError"
    up.controller.start()
    try:
        await worker(settings, smtp_port=up.controller.port).run_once(start + timedelta(hours=1))
        [(_to, message)] = up.messages
        assert message["X-Surveil-Delivery-Key"] == delivery.delivery_key
    finally:
        up.controller.stop()


@SQLITE_ONLY
async def test_a_problem_title_with_a_line_break_is_refused_and_a_stored_one_reaches_its_filer_on_one_line(
    api, settings
):
    """A title is one line: a CR/LF (or U+2028) in it is refused at input, INVALID on `title`. A title
    stored before that rule (or any text reaching a Subject) still reaches its filer by email, its line
    breaks turned to spaces: never an injected header, never an email failing every attempt."""
    await User.filter(login="east.planner").update(email="planner@east.example.cn")
    body = {"category": "RULES", "title": "Gauge drift", "description": "Gauges drift.\nOften.", "taskIds": []}
    for title in ("Gauge drift\r\nBcc: spy@evil.example", "Gauge drift\u2028Bcc: spy@evil.example"):
        refused = (await api.data(FILE, {"i": {**body, "title": title}}, as_user="east.planner"))["fileProblemReport"]
        assert refused["report"] is None and refused["userErrors"] == [{"field": ["input", "title"], "code": "INVALID"}]
    filed = (await api.data(FILE, {"i": body}, as_user="east.planner"))["fileProblemReport"]
    assert filed["userErrors"] == []  # a multi-line description is still welcome
    report_id = filed["report"]["id"]
    await ProblemReport.all().update(title="Gauge drift\r\nBcc: spy@evil.example")  # as an older release kept it
    answer = {"reportId": report_id, "text": "Calibrate monthly."}
    assert (await api.data(POST, {"i": answer}, as_user="hq.planner"))["postProblemMessage"]["userErrors"] == []
    box = Mailbox()
    box.controller.start()
    try:
        await worker(settings, smtp_port=box.controller.port).run_once()
        await asyncio.sleep(0.1)
    finally:
        box.controller.stop()
    mine = [(to, m) for to, m in box.messages if to == ["planner@east.example.cn"]]
    assert mine, [d.last_error for d in await NoticeDelivery.filter(channel="EMAIL")]
    [(to, message)] = mine
    assert message["Bcc"] is None and "spy@evil.example" not in to
    subject = str(make_header(decode_header(message["Subject"])))
    assert "\n" not in subject and "\r" not in subject and "Gauge drift  Bcc: spy@evil.example" in subject, subject


@SQLITE_ONLY
async def test_chinese_subjects_and_bodies_are_encoded_and_people_without_email_get_none(api, settings):
    """Pin: a Chinese notice arrives as RFC 2047 / UTF-8 and decodes back; no address or email off: no delivery row."""
    await User.filter(login="ent.E001").update(email="q@e001.example.cn", language="zh")
    box = Mailbox()
    box.controller.start()
    try:
        await write_event()
        await worker(settings, smtp_port=box.controller.port).run_once()
    finally:
        box.controller.stop()
    [(_to, message)] = box.messages
    raw = message.as_bytes()
    assert raw.isascii() or b'charset="utf-8"' in raw.lower()
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "监督检查预先通知：EAST-2026-0001", subject
    await User.filter(login="ent.E001").update(email=None)
    await write_event()
    await worker(settings).run_once()
    assert await NoticeDelivery.filter(channel="EMAIL").count() == 1


# --- reminders ------------------------------------------------------------------------------


async def test_reminder_thresholds_turn_at_local_midnight_and_concurrent_runs_send_once(api):
    """Pin: 90/30 days and expired turn at the service's midnight (not UTC's); two runs at once send each reminder once."""

    def local(day: date, at: clock) -> datetime:
        return datetime.combine(day, at, time_zone()).astimezone(UTC)

    expires = date(2029, 3, 31)
    cert = await Certificate.filter(factory__code="E001", status="VALID").order_by("id").first()
    await Certificate.filter(id=cert.id).update(expires_on=expires)
    await send_due_reminders(now=local(expires - timedelta(days=200), clock(9)))  # the demo world's own, first

    async def kinds() -> list[tuple[str, int | None]]:
        rows = await OutboxEvent.filter(subject_type="Certificate", subject_id=cert.id).order_by("id")
        return [(r.kind, r.params.get("days_left")) for r in rows]

    last_second = clock(23, 59, 59)
    await send_due_reminders(now=local(expires - timedelta(days=91), last_second))
    assert await kinds() == []
    runs = [send_due_reminders(now=local(expires - timedelta(days=90), clock(0))) for _ in range(2)]
    await asyncio.gather(*runs, return_exceptions=True)  # the loser may fail on the unique key
    await send_due_reminders(now=local(expires, last_second))
    assert await kinds() == [("reminder.certificate_expiring", 90), ("reminder.certificate_expiring", 0)]
    runs = [send_due_reminders(now=local(expires + timedelta(days=1), clock(0))) for _ in range(2)]
    await asyncio.gather(*runs, return_exceptions=True)
    await send_due_reminders(now=local(expires + timedelta(days=1), clock(0, 0, 1)))
    assert [k for k, _ in await kinds()][-1] == "reminder.certificate_expired" and len(await kinds()) == 3
