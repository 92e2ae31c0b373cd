"""Attacking notices as people see them (issue 14): secrecy of unannounced work across every
channel (inbox, email at a real SMTP server, a webhook at a real loopback receiver), what a
recipient's notice carries, the inbox's edges, and HQ's administration of webhooks and dead
letters. A failing test here is a defect found; passing ones pin edges worth keeping."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import httpx
import pytest

from domain.notices import NoticeKind
from schema.relay import from_global_id, to_global_id
from server.app import create_app
from services.notices.fanout import fan_out, pending_events
from services.notices.reminders import send_due_reminders
from store.models import (
    AuditEntry,
    IdempotencyRecord,
    NoticeDelivery,
    OrgUnit,
    RoleAssignment,
    Sample,
    User,
    WebhookEndpoint,
)
from tests.api.notices_support import enterprise_of
from tests.api.purchase_support import purchase_task
from tests.api.sampling_support import _sample_under_test
from tests.api.tasks_support import PDF, act, assign, create, issue, ok, start, upload
from tests.client import GraphQLClient, error_codes
from tests.services.notice_support import Mailbox, Receiver, worker, write_event

ENT_MAIL = "quality@ent.example.cn"
ALL_KINDS = sorted(k.value for k in NoticeKind)
REGISTER = """mutation($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) {
  endpoint { id unitCode url kinds active } secret userErrors { field code message } } }"""
INBOX = """query($first: Int!, $after: String) { notifications(first: $first, after: $after) {
  totalCount pageInfo { endCursor } nodes { id kind title body language subjectType subjectId } } }"""
MARK = """mutation($i: MarkNotificationsReadInput!) { markNotificationsRead(input: $i) {
  unreadCount userErrors { field code } } }"""
DEAD = "{ deadNotices(first: 10) { totalCount nodes { id deliveryKey channel target } } }"
RETRY = """mutation($i: RetryDeadNoticeInput!) { retryDeadNotice(input: $i) { deliveryKey userErrors { code } } }"""
DEACTIVATE = """mutation($i: DeactivateWebhookEndpointInput!) { deactivateWebhookEndpoint(input: $i) {
  endpoint { id active } userErrors { code } } }"""
NON_ADMINS = ("hq.auditor", "hq.planner", "hq.reviewer", "east.planner", "east.inspector1", "agency.de.inspector",
              "buyer.east", "lab.east1", "ent.E001")  # fmt: skip


@pytest.fixture
async def mailbox():
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
async def production_api(settings):
    prod = dataclasses.replace(settings, env="production")
    application = create_app(prod)
    transport = httpx.ASGITransport(app=application)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield GraphQLClient(http, prod)


async def register(api, unit: str, url: str, kinds=ALL_KINDS, **extra) -> dict:
    body = {"unitCode": unit, "url": url, "kinds": list(kinds), **extra}
    return (await api.data(REGISTER, {"i": body}, as_user="hq.admin"))["registerWebhookEndpoint"]


async def hook(api, receiver: Receiver, unit: str, kinds=ALL_KINDS) -> None:
    answer = await register(api, unit, receiver.url, kinds)
    assert answer["userErrors"] == [], answer
    receiver.secret = answer["secret"]


async def inbox(api, login: str, first: int = 100) -> list[dict]:
    return (await api.data(INBOX, {"first": first}, as_user=login))["notifications"]["nodes"]


def about(notices: list[dict], *task_ids: str) -> list[dict]:
    """The notices about these tasks, whichever type name their subjectId is spelled with."""
    wanted = {int(from_global_id(t)[1]) for t in task_ids}
    return [
        n for n in notices
        if n["subjectType"] in ("Task", "SurveillanceTask") and int(from_global_id(n["subjectId"])[1]) in wanted
    ]  # fmt: skip


# --- Secrecy of unannounced work, every channel ---------------------------------------------


async def test_an_unannounced_tasks_whole_life_before_its_start_reaches_no_enterprise_channel(api, settings, mailbox):
    """Creation, issue, reschedule, material, team and change, exception, split, delegation,
    cancellation of unannounced tasks: nothing by inbox, email or webhook; the start tells."""
    planner, leader = "east.planner", "east.inspector1"
    units = {code: await enterprise_of(code) for code in ("E001", "E002", "D001")}
    await User.filter(login__in=[f"ent.{c}" for c in units]).update(email=ENT_MAIL)
    run = worker(settings, smtp_port=mailbox.controller.port)
    await run.run_once()  # whatever the demo world left in the outbox, outside the walk
    receivers = {code: Receiver() for code in units}
    with receivers["E001"], receivers["E002"], receivers["D001"]:
        for code, receiver in receivers.items():
            await hook(api, receiver, units[code])
        before_inbox = {code: len(await inbox(api, f"ent.{code}")) for code in units}

        task = ok(await create(api, "E001", "ROUTINE_UNANNOUNCED", as_user=planner, withSampling=True))
        task = ok(await act(api, "scheduleTask", "ScheduleTaskInput", task, as_user=planner,
                            plannedStart="2026-12-02", plannedEnd="2026-12-04"))  # fmt: skip
        task = ok(await issue(api, task, as_user=planner))  # two East labs: a disclosure is held back
        task = ok(await act(api, "scheduleTask", "ScheduleTaskInput", task, as_user=planner,
                            plannedStart="2026-12-03", plannedEnd="2026-12-05"))  # fmt: skip
        assert (await upload(api, task["id"], PDF, as_user=planner)).status_code == 200
        task = ok(await assign(api, task, leader, as_user=planner))
        task = ok(await assign(api, task, leader, ["east.inspector2"], as_user=planner, reason="Second pair"))
        task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user=leader,
                            reason="FORCE_MAJEURE", details="Typhoon"))  # fmt: skip
        task = ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", task, as_user=planner,
                            handling="RESCHEDULE", note="After the typhoon", plannedStart="2026-12-08",
                            plannedEnd="2026-12-10"))  # fmt: skip
        task = ok(await assign(api, task, leader, as_user=planner))

        split = ok(await issue(api, ok(await create(api, "E002", "ROUTINE_UNANNOUNCED", as_user=planner,
                                                    withSampling=True)), as_user=planner))  # fmt: skip
        body = {"taskId": split["id"], "expectedVersion": split["version"], "reason": "Separate the sampling",
                "parts": [{"kind": "ROUTINE_UNANNOUNCED"}, {"kind": "SAMPLING"}]}  # fmt: skip
        parts = await api.data(
            "mutation($i: SplitTaskInput!) { splitTask(input: $i) { task { version } children { id } "
            "userErrors { code } } }",
            {"i": body},
            as_user=planner,
        )
        assert parts["splitTask"]["userErrors"] == []
        split["version"] = parts["splitTask"]["task"]["version"]
        ok(await act(api, "cancelTask", "TaskActionInput", split, as_user=planner, reason="Plan changed"))

        overseas = ok(await create(api, "D001", "ROUTINE_UNANNOUNCED", as_user="hq.planner"))
        overseas = ok(await act(api, "delegateTask", "DelegateTaskInput", overseas, as_user="hq.planner",
                                agencyCode="agency-de", reason="Local partner"))  # fmt: skip
        overseas = ok(await issue(api, overseas, as_user="hq.planner"))
        overseas = ok(await assign(api, overseas, "agency.de.inspector", as_user="hq.planner"))
        ok(await act(api, "cancelTask", "TaskActionInput", overseas, as_user="hq.planner", reason="Withdrawn"))

        await run.run_once()
        await asyncio.sleep(0.1)
        for code in units:
            assert len(await inbox(api, f"ent.{code}")) == before_inbox[code], code
            assert receivers[code].keys == [], code
        assert [m for to, m in mailbox.messages if ENT_MAIL in to] == []
        # The staff were told all along (the walk did emit).
        assert await NoticeDelivery.filter(channel="WEBHOOK").count() == 0
        assert len(await inbox(api, leader)) > 0

        ok(await start(api, task, as_user=leader))  # the team is at the gate
        await run.run_once()
        await asyncio.sleep(0.1)
        told = about(await inbox(api, "ent.E001"), task["id"])
        assert [n["kind"] for n in told] == ["labs.disclosed"]
        assert [n["kind"] for n in receivers["E001"].accepted] == ["labs.disclosed"]
        assert receivers["E001"].rejected == []
        mail = [m for to, m in mailbox.messages if ENT_MAIL in to]
        assert len(mail) == 1 and "EAST-" in str(make_header(decode_header(mail[0]["Subject"])))


async def test_a_sampling_task_bought_like_a_customer_never_tells_the_enterprise(api, settings):
    """DEFECT: a sampling task issued, then set to purchase (买样), pre-notified its enterprise."""
    task = await purchase_task(api, "E003")  # issued as a sampling task, then method PURCHASE
    await worker(settings).run_once()
    told = about(await inbox(api, "ent.E003"), task["id"])
    assert told == [], [(n["kind"], n["title"]) for n in told]


async def test_a_labs_webhook_does_not_learn_the_factory_of_a_sample_it_tests_blind(api, settings):
    """DEFECT (fixed): a lab's webhook got factory name and task number in lab_report_overdue
    params. Decision: the lab is no longer in that reminder's audience — the staff of the
    responsible and executing units chase the lab — so nothing with factory or task data
    reaches a lab's unit, whatever it subscribes to."""
    made = await _sample_under_test(api, "E002")  # received and under test at east-lab-2
    sample = await Sample.get(id=int(from_global_id(made["id"])[1]))
    lab = await OrgUnit.get(id=sample.lab_id)
    with Receiver() as receiver, Receiver() as east:
        await hook(api, receiver, lab.code, ALL_KINDS)
        await hook(api, east, "east", ["reminder.lab_report_overdue"])
        later = datetime.now(UTC) + timedelta(days=90)
        assert await send_due_reminders(now=later) > 0
        await worker(settings).run_once(later)
        assert receiver.keys == [], "the lab's endpoint was sent something"
        assert [n["kind"] for n in east.accepted] == ["reminder.lab_report_overdue"]  # the staff chase the lab
    assert "reminder.lab_report_overdue" in [n["kind"] for n in await inbox(api, "east.planner")]
    tester = f"lab.{lab.code.replace('-lab-', '')}"
    blind = await api.data(
        "query($s: ID!, $t: ID!) { s: node(id: $s) { ... on Sample { identifier } } t: node(id: $t) { id } }",
        {"s": to_global_id("Sample", sample.id), "t": to_global_id("Task", sample.task_id)},
        as_user=tester,
    )
    assert blind == {"s": {"identifier": sample.identifier}, "t": None}  # the lab reads the sample, not the task
    for notice in receiver.accepted:
        words = json.dumps(notice, ensure_ascii=False)
        assert "factory_name" not in notice["params"] and "task_number" not in notice["params"], notice["params"]
        assert "EAST-" not in words


async def test_a_notices_subject_id_opens_its_subject_with_node_id(api, settings):
    """DEFECT: subjectId (inbox) and subject.id (webhook) spell a task 'SurveillanceTask:<id>',
    which node(id:) does not know: the documented way to open what a notice is about fails."""
    task = ok(await issue(api, ok(await create(api, "E001", as_user="east.planner")), as_user="east.planner"))
    with Receiver() as receiver:
        await hook(api, receiver, await enterprise_of("E001"), ["inspection.prenotified"])
        await worker(settings).run_once()
    [notice] = about(await inbox(api, "ent.E001"), task["id"])
    assert (notice["subjectType"], notice["subjectId"]) == ("Task", task["id"])
    [sent] = receiver.accepted
    assert sent["subject"] == {"type": "Task", "id": task["id"]}
    opened = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": notice["subjectId"]}, as_user="ent.E001")
    assert opened["node"] == {"id": task["id"]}


# --- The inbox --------------------------------------------------------------------------------


async def test_the_inbox_keeps_to_its_owner_whatever_the_ids_scope_or_cursor(api, settings):
    """Another's ids are NOT_FOUND, all: true marks only one's own, forged cursors and page sizes
    are user errors, node(id) of another's notification is null."""
    await write_event()
    await write_event("task.exception", enterprise=None)
    await worker(settings).run_once()
    [mine] = await inbox(api, "ent.E001")
    [planners] = await inbox(api, "east.planner")
    answer = await api.data(MARK, {"i": {"ids": [mine["id"], planners["id"]]}}, as_user="east.planner")
    assert [e["code"] for e in answer["markNotificationsRead"]["userErrors"]] == ["NOT_FOUND"]
    everything = (await api.data(MARK, {"i": {"all": True}}, as_user="east.planner"))["markNotificationsRead"]
    assert everything == {"unreadCount": 0, "userErrors": []}
    assert (await api.data("{ unreadNotificationCount }", as_user="ent.E001"))["unreadNotificationCount"] == 1
    task_id = to_global_id("Task", 1)
    for args in ({"first": 1000}, {"first": -1}, {"first": 1, "after": "!!garbage!!"}, {"first": 1, "after": task_id}):
        body = await api.run(INBOX, args, as_user="ent.E001")
        codes = error_codes(body)
        assert "INTERNAL_SERVER_ERROR" not in codes, body
        assert codes == ["BAD_USER_INPUT"] or body["data"]["notifications"]["nodes"] in ([], [mine]), body
    foreign = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": mine["id"]}, as_user="east.planner")
    assert foreign["node"] is None


async def test_a_person_reads_their_own_notification_by_node_id(api, settings):
    """DEFECT: Notification is a Node but node(id) answers null even to its owner."""
    await write_event()
    await worker(settings).run_once()
    [mine] = await inbox(api, "ent.E001")
    found = await api.data(
        "query($id: ID!) { node(id: $id) { id ... on Notification { kind } } }", {"id": mine["id"]}, as_user="ent.E001"
    )
    assert found["node"] == {"id": mine["id"], "kind": mine["kind"]}


async def test_language_garbage_falls_back_to_chinese_and_a_deactivated_person_reads_nothing(api, settings):
    """Accept-Language junk (bad weights, NaN, above 1, huge) reads Chinese; a deactivated
    person is refused; a person whose role is gone before the fan-out is not told."""
    await write_event()
    await worker(settings).run_once()
    for header in ("q=abc, xx;;;", "en;q=NaN", "en;q=0, fr", "*" * 5000, "en;q=-1, zh-CN;q=0.1", "EN;q=2"):
        response = await api.post(INBOX, {"first": 1}, as_user="ent.E001", headers={"accept-language": header})
        assert response.status_code == 200, header
        [notice] = response.json()["data"]["notifications"]["nodes"]
        assert notice["language"] == "zh", header  # `q=2` is no qvalue: the entry is skipped
    await api.token("ent.E001")
    await User.filter(login="ent.E001").update(active=False)
    assert error_codes(await api.run(INBOX, {"first": 1}, as_user="ent.E001")) == ["UNAUTHENTICATED"]
    revoked = await User.get(login="ent.E002")
    await write_event(enterprise=await enterprise_of("E002"))
    await RoleAssignment.filter(user_id=revoked.id).delete()
    await worker(settings).run_once()
    await RoleAssignment.create(user_id=revoked.id, role="enterprise", unit_id=revoked.unit_id)
    assert await inbox(api, "ent.E002") == []


async def test_muting_unknown_or_odd_kinds_is_a_user_error(api):
    """Preferences take only notice kinds: unknown, case-changed, padded ones are INVALID."""
    mutation = """mutation($i: UpdateMyNoticePreferencesInput!) { updateMyNoticePreferences(input: $i) {
      preferences { mutedKinds } userErrors { field code } } }"""
    for kinds in (["no.such.kind"], ["INSPECTION.PRENOTIFIED"], [" inspection.prenotified"], ["x" * 10000]):
        answer = (await api.data(mutation, {"i": {"mutedKinds": kinds}}, as_user="ent.E001"))[
            "updateMyNoticePreferences"
        ]
        assert [e["code"] for e in answer["userErrors"]] == ["INVALID"], kinds
    many = ["inspection.prenotified"] * 5000
    answer = (await api.data(mutation, {"i": {"mutedKinds": many}}, as_user="ent.E001"))["updateMyNoticePreferences"]
    assert answer["preferences"]["mutedKinds"] == ["inspection.prenotified"]


async def test_a_deactivated_persons_pending_email_is_not_dead_lettered(api, settings):
    """DEFECT: an email to a person deactivated after the fan-out is retried, then a dead letter."""
    await User.filter(login="ent.E001").update(email="quality@e001.example.cn")
    await write_event()
    run, now = worker(settings, max_attempts=2, retry_base_seconds=1, retry_max_seconds=1), datetime.now(UTC)
    await run.run_once(now, periodic=False)  # fanned out; the send fails (port 1) and is retried
    await User.filter(login="ent.E001").update(active=False)
    for step in range(1, 4):
        await run.run_once(now + timedelta(minutes=step), periodic=False)
    dead = (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]
    assert dead["totalCount"] == 0, dead


# --- HQ's administration of webhooks and dead letters ------------------------------------------


async def test_every_other_role_is_refused_webhooks_and_dead_letters_and_learns_nothing(api, settings):
    """FORBIDDEN for every role but HQ's policy administrator, nothing created or named."""
    await User.filter(login="ent.E001").update(email=None)  # the webhook's letter only (no SMTP server here)
    with Receiver("fail") as failing:
        await hook(api, failing, "east", ["inspection.prenotified"])
        await write_event()
        run, now = worker(settings, max_attempts=1), datetime.now(UTC)
        await run.run_once(now)
    [letter] = (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]["nodes"]
    endpoint = (await api.data("{ webhookEndpoints { id } }", as_user="hq.admin"))["webhookEndpoints"][0]["id"]
    for login in NON_ADMINS:
        for query, variables in (
            ("{ webhookEndpoints { id url } }", None),
            (DEAD, None),
            (REGISTER, {"i": {"unitCode": "east", "url": "http://127.0.0.1:9/x", "kinds": ["task.exception"]}}),
            (RETRY, {"i": {"id": letter["id"]}}),
            (RETRY, {"i": {"id": to_global_id("NoticeDelivery", 999999)}}),
            (DEACTIVATE, {"i": {"endpointId": endpoint}}),
        ):
            body = await api.run(query, variables, as_user=login)
            assert error_codes(body) == ["FORBIDDEN"], (login, query, body)
            assert failing.url not in json.dumps(body) and "secret" not in json.dumps(body).lower()
    assert await WebhookEndpoint.filter(active=True).count() == 1
    assert (await NoticeDelivery.get(delivery_key=letter["deliveryKey"])).status == "DEAD"


async def test_the_secret_is_shown_once_and_never_in_lists_audit_replays_or_storage(api):
    """The signing secret: in the first answer only; not in webhookEndpoints, the audit log,
    a replay with the same idempotency key, or the stored replay answer."""
    body = {"unitCode": "agency-de", "url": "https://partner.example/hook", "kinds": ["task.delegated"],
            "idempotencyKey": "6f1c2a8e-0000-4000-8000-000000000001"}  # fmt: skip
    first = (await api.data(REGISTER, {"i": body}, as_user="hq.admin"))["registerWebhookEndpoint"]
    secret = first["secret"]
    assert first["userErrors"] == [] and len(secret) >= 32
    replay = (await api.data(REGISTER, {"i": body}, as_user="hq.admin"))["registerWebhookEndpoint"]
    assert replay["secret"] is None and replay["endpoint"] == first["endpoint"]
    assert await WebhookEndpoint.all().count() == 1
    listed = await api.run("{ webhookEndpoints { id unitCode url kinds active createdAt } }", as_user="hq.admin")
    log = await api.run("{ auditLog(first: 100) { nodes { action before after reason } } }", as_user="hq.auditor")
    assert "webhook.register" in json.dumps(log)
    for text in (json.dumps(listed), json.dumps(log)):
        assert secret not in text
    stored = [a for a in await AuditEntry.all().values_list("after", flat=True)]
    assert secret not in json.dumps(stored)
    assert secret not in json.dumps(await IdempotencyRecord.all().values_list("answer", flat=True))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/plain,hi",
        "ftp://partner.example/x",
        "https://",
        "https://user:pw@partner.example/x",
        "https://partner.example/" + "a" * 600,
        "  ",
    ],
)
async def test_webhook_urls_that_are_no_receiver_are_refused(api, url):
    """Not http(s), no host, credentials, over-long: INVALID, no secret, nothing stored."""
    answer = await register(api, "east", url, ["task.exception"])
    assert [e["code"] for e in answer["userErrors"]] == ["INVALID"] and answer["secret"] is None
    assert await WebhookEndpoint.all().count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://[::1/hook",  # an unclosed IPv6 literal
        "https://partner.example:99999/hook",  # no such port
        "https://partner.example/hook\nX-Injected: 1",  # a line break inside
        "https://partner .example/hook",  # a space in the host
    ],
)
async def test_malformed_webhook_urls_are_a_user_error_not_a_500_or_a_stored_dud(api, url):
    """DEFECT: malformed URLs are accepted (then fail every send) or raise a masked 500."""
    body = await api.run(
        REGISTER, {"i": {"unitCode": "east", "url": url, "kinds": ["task.exception"]}}, as_user="hq.admin"
    )
    assert "errors" not in body, body
    answer = body["data"]["registerWebhookEndpoint"]
    assert [e["code"] for e in answer["userErrors"]] == ["INVALID"], answer
    assert await WebhookEndpoint.all().count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/hook",
        "https://192.168.1.1/hook",
        "https://[::1]/hook",
        "https://0.0.0.0/hook",
    ],
)
async def test_production_refuses_webhooks_to_internal_addresses(production_api, url):
    """DEFECT: in production a webhook may point at loopback, metadata or private addresses (SSRF)."""
    answer = await register(production_api, "east", url, ["task.exception"])
    assert [e["code"] for e in answer["userErrors"]] == ["INVALID"], answer
    assert await WebhookEndpoint.all().count() == 0


async def test_production_refuses_plain_http(production_api):
    """Plain http is refused in production."""
    answer = await register(production_api, "east", "http://partner.example/hook", ["task.exception"])
    assert [e["code"] for e in answer["userErrors"]] == ["INVALID"] and answer["secret"] is None


async def test_only_a_dead_letter_can_be_retried(api, settings):
    """A pending or sent delivery, a missing id, another type's id: NOT_FOUND, nothing changes."""
    with Receiver() as receiver:
        await hook(api, receiver, "east", ["inspection.prenotified"])
        await write_event()
        await worker(settings).run_once()
    sent = await NoticeDelivery.get(channel="WEBHOOK")
    assert sent.status == "SENT"
    await write_event()
    for event_id in await pending_events():
        await fan_out(event_id=event_id)
    pending = await NoticeDelivery.get(channel="WEBHOOK", status="PENDING")
    for target in (
        to_global_id("NoticeDelivery", sent.id),
        to_global_id("NoticeDelivery", pending.id),
        to_global_id("NoticeDelivery", 999999),
        to_global_id("Task", sent.id),
        "bm90IGFuIGlk",
    ):
        answer = (await api.data(RETRY, {"i": {"id": target}}, as_user="hq.admin"))["retryDeadNotice"]
        assert answer == {"deliveryKey": None, "userErrors": [{"code": "NOT_FOUND"}]}, target
    assert (await NoticeDelivery.get(id=sent.id)).status == "SENT"
    assert (await NoticeDelivery.get(id=pending.id)).attempts == 0
