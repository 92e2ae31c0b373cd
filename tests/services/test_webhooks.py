"""Webhooks for partner systems and the delivery guarantees (issue 14): signatures checked by a
real receiver with the documented recipe; a failing receiver retried with backoff and then
dead-lettered while another gets its delivery; dead letters retried by HQ's administrators
only; a send interrupted mid-way sent again with the same key."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from schema.relay import to_global_id
from services.notices.sending import global_id
from store.models import AuditEntry, NoticeDelivery, User
from tests.client import error_codes
from tests.services.notice_support import Receiver, wait_until, worker, write_event

REGISTER = """mutation($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) {
  endpoint { id unitCode url kinds active } secret userErrors { field code } } }"""
ENDPOINTS = "{ webhookEndpoints { id url active } }"
DEAD = """{ deadNotices(first: 10) { totalCount nodes { id deliveryKey channel kind target attempts lastError } } }"""
RETRY = """mutation($i: RetryDeadNoticeInput!) { retryDeadNotice(input: $i) { deliveryKey userErrors { code } } }"""


async def _register(api, receiver: Receiver, unit: str = "east", kinds=("inspection.prenotified",)) -> dict:
    body = {"unitCode": unit, "url": receiver.url, "kinds": list(kinds)}
    answer = (await api.data(REGISTER, {"i": body}, as_user="hq.admin"))["registerWebhookEndpoint"]
    assert answer["userErrors"] == [] and len(answer["secret"]) >= 32
    receiver.secret = answer["secret"]
    return answer


async def test_a_registered_receiver_gets_a_signed_notice_it_verifies(api, settings):
    with Receiver() as receiver:
        registered = await _register(api, receiver)
        listed = (await api.data(ENDPOINTS, as_user="hq.admin"))["webhookEndpoints"]
        assert listed == [{"id": registered["endpoint"]["id"], "url": receiver.url, "active": True}]  # no secret
        await write_event()
        await worker(settings).run_once()
        [notice] = receiver.accepted
    assert receiver.rejected == []
    assert notice["kind"] == "inspection.prenotified" and notice["params"]["team_size"] == 2
    assert notice["title"]["en"] == "Pre-notified surveillance inspection: EAST-2026-0001"
    assert (
        notice["subject"]
        == {"type": "Task", "id": to_global_id("Task", 7)}
        == {"type": "Task", "id": global_id("Task", 7)}
    )
    assert (await NoticeDelivery.get(channel="WEBHOOK")).status == "SENT"
    # The recipe drops a repeat (at-least-once) and refuses a forged signature.
    recipe, headers = receiver.recipe, {"X-Surveil-Delivery": notice["deliveryKey"]}
    assert recipe["seen_keys"] == {notice["deliveryKey"]}
    forged = {**headers, "X-Surveil-Timestamp": str(int(datetime.now(UTC).timestamp())), "X-Surveil-Signature": "v1=00"}
    try:
        recipe["verify"](receiver.secret, forged, b"{}")
        raise AssertionError("a forged signature passed")
    except ValueError:
        pass


async def test_only_hq_administrators_manage_webhooks(api):
    body = {"unitCode": "east", "url": "http://127.0.0.1:9/x", "kinds": ["inspection.prenotified"]}
    refused = await api.run(REGISTER, {"i": body}, as_user="east.planner")
    assert error_codes(refused) == ["FORBIDDEN"]
    assert error_codes(await api.run(ENDPOINTS, as_user="hq.planner")) == ["FORBIDDEN"]
    bad = {"unitCode": "nowhere", "url": "ftp://x", "kinds": ["nope"]}
    answer = (await api.data(REGISTER, {"i": bad}, as_user="hq.admin"))["registerWebhookEndpoint"]
    assert {e["code"] for e in answer["userErrors"]} == {"INVALID", "NOT_FOUND"} and answer["secret"] is None


async def test_a_failing_receiver_is_retried_then_dead_lettered_while_another_gets_its_notice(api, settings):
    await User.filter(login="ent.E001").update(email=None)  # webhooks only: no email to fail beside them
    with Receiver("fail") as failing, Receiver() as healthy:
        await _register(api, failing)
        await _register(api, healthy)
        await write_event()
        run, start = worker(settings, max_attempts=3, retry_base_seconds=10), datetime.now(UTC)
        await run.run_once(start)
        assert len(healthy.accepted) == 1 and len(failing.keys) == 1
        first = await NoticeDelivery.get(channel="WEBHOOK", status="PENDING")
        wait = (first.next_attempt_at - start).total_seconds()
        assert 5 <= wait <= 10 and first.last_error == "webhook answered HTTP 500"
        await run.run_once(start + timedelta(seconds=4))  # not due yet: nothing sent
        assert len(failing.keys) == 1
        await run.run_once(start + timedelta(seconds=11))
        second = await NoticeDelivery.get(id=first.id)
        assert (
            second.attempts == 2
            and 10 <= (second.next_attempt_at - start - timedelta(seconds=11)).total_seconds() <= 20
        )
        await run.run_once(start + timedelta(minutes=5))
        dead = await NoticeDelivery.get(id=first.id)
        assert dead.status == "DEAD" and dead.attempts == 3 and len(set(failing.keys)) == 1
        assert len(healthy.accepted) == 1  # never sent twice
        assert await AuditEntry.filter(action="notice.dead", object_id=first.id).exists()

        # The dead letters: HQ's administrators only.
        assert error_codes(await api.run(DEAD, as_user="east.planner")) == ["FORBIDDEN"]
        listed = (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]
        [letter] = listed["nodes"]
        assert letter["deliveryKey"] == first.delivery_key and letter["target"] == failing.url
        assert letter["attempts"] == 3 and listed["totalCount"] == 1
        assert error_codes(await api.run(RETRY, {"i": {"id": letter["id"]}}, as_user="east.planner")) == ["FORBIDDEN"]
        retried = await api.data(RETRY, {"i": {"id": letter["id"], "reason": "partner fixed"}}, as_user="hq.admin")
        assert retried["retryDeadNotice"] == {"deliveryKey": first.delivery_key, "userErrors": []}
        failing.mode = "ok"
        await run.run_once()
        assert (await NoticeDelivery.get(id=first.id)).status == "SENT"
        assert [n["deliveryKey"] for n in failing.accepted] == [first.delivery_key]
        assert (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]["totalCount"] == 0


async def test_a_send_interrupted_mid_way_is_sent_again_with_the_same_key(api, settings):
    with Receiver("hang") as receiver:
        await _register(api, receiver)
        await write_event()
        run, start = worker(settings, lease_seconds=60), datetime.now(UTC)
        task = asyncio.create_task(run.run_once(start))
        await asyncio.get_running_loop().run_in_executor(None, wait_until, receiver.arrived.is_set)
        task.cancel()  # the worker dies between its claim and recording the send
        with contextlib.suppress(asyncio.CancelledError):
            await task
        receiver.release.set()
        delivery = await NoticeDelivery.get(channel="WEBHOOK")
        assert delivery.status == "PENDING" and delivery.attempts == 1
        await run.run_once(start + timedelta(seconds=30))  # within the lease: nobody sends it
        assert len(receiver.keys) == 1
        receiver.mode = "ok"
        await run.run_once(start + timedelta(seconds=61))
        assert (await NoticeDelivery.get(id=delivery.id)).status == "SENT"
        assert receiver.keys == [delivery.delivery_key, delivery.delivery_key]
