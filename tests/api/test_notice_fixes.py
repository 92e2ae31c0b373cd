"""The fixes after the attack on notices (issue 14): a sampling task is told to its enterprise
only once it is known not to be bought like a customer's; deliveries with nobody to send to are
dropped, not dead letters; webhook URLs that cannot be sent to, or that point inside in
production, are dead letters at once, never retried."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.notice_delivery import is_internal_address
from domain.notices import NoticeKind
from services.notices.dispatch import fan_out_pending
from store.models import AuditEntry, NoticeDelivery, OrgUnit, User, WebhookEndpoint
from tests.api.purchase_support import DETAILS
from tests.api.tasks_support import create, issue, ok
from tests.services.notice_support import Receiver, worker, write_event

INBOX = "{ notifications(first: 20) { nodes { kind subjectType subjectId } } }"
OPEN = "query($id: ID!) { node(id: $id) { id } }"
DEAD = "{ deadNotices(first: 10) { totalCount nodes { channel channelCode kind kindCode lastError attempts } } }"
REGISTER = """mutation($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) {
  secret userErrors { code } } }"""


async def test_a_sampling_task_is_told_when_its_method_is_set_to_sampling(api, settings):
    """Issued without a method: the enterprise neither sees it nor is told; once the planner
    sets 抽样 (not 买样), it gets what an issue gives: the pre-notice and the labs."""
    task = ok(
        await issue(api, ok(await create(api, "E001", "SAMPLING", as_user="east.planner")), as_user="east.planner")
    )
    await worker(settings).run_once()
    assert (await api.data(OPEN, {"id": task["id"]}, as_user="ent.E001"))["node"] is None
    assert [
        n for n in (await api.data(INBOX, as_user="ent.E001"))["notifications"]["nodes"] if n["subjectId"] == task["id"]
    ] == []
    body = {"taskId": task["id"], "expectedVersion": task["version"], "site": "FACTORY", "method": "SAMPLING",
            "productCategory": "C01", "quantity": 2, "labCode": "east-lab-2"}  # fmt: skip
    assert (await api.data(DETAILS, {"i": body}, as_user="east.planner"))["setSamplingDetails"]["userErrors"] == []
    await worker(settings).run_once()
    assert (await api.data(OPEN, {"id": task["id"]}, as_user="ent.E001"))["node"] == {"id": task["id"]}
    told = [
        n for n in (await api.data(INBOX, as_user="ent.E001"))["notifications"]["nodes"] if n["subjectId"] == task["id"]
    ]
    assert sorted(n["kind"] for n in told) == ["inspection.prenotified", "labs.disclosed"]
    assert {n["subjectType"] for n in told} == {"Task"}


async def test_deliveries_with_nobody_to_send_to_are_dropped_not_dead_letters(api, settings):
    """A person without an email any more, and an endpoint deactivated, after the fan-out:
    DROPPED with the reason, never retried, no dead letter."""
    await User.filter(login="ent.E001").update(email="quality@e001.example.cn")
    with Receiver() as receiver:
        answer = (await api.data(REGISTER, {"i": {"unitCode": "east", "url": receiver.url,
                                                 "kinds": ["inspection.prenotified"]}}, as_user="hq.admin"))  # fmt: skip
        assert answer["registerWebhookEndpoint"]["userErrors"] == []
        await write_event()
        run = worker(settings, max_attempts=1)
        await fan_out_pending()
        await User.filter(login="ent.E001").update(email=None)
        await WebhookEndpoint.all().update(active=False)
        await run.run_once(datetime.now(UTC), periodic=False)
        assert receiver.keys == []
    rows = await NoticeDelivery.all().order_by("channel").values_list("channel", "status", "last_error")
    assert rows == [
        ("EMAIL", "DROPPED", "the recipient has no email address any more"),
        ("WEBHOOK", "DROPPED", "the webhook endpoint was deactivated"),
    ]
    assert (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]["totalCount"] == 0


async def test_an_unsendable_or_internal_webhook_url_is_a_dead_letter_at_once(api, settings):
    """An endpoint stored before the URL rules (malformed), or pointing inside when the worker
    runs in production: dead at the first attempt, with a clear error, audited; nothing sent."""
    await User.filter(login="ent.E001").update(email=None)
    unit_id = (await OrgUnit.get(code="east")).id
    with Receiver() as receiver:
        await WebhookEndpoint.create(unit_id=unit_id, url="https://[::1/hook", secret="s" * 40,
                                     kinds=["inspection.prenotified"])  # fmt: skip
        await WebhookEndpoint.create(
            unit_id=unit_id, url=receiver.url, secret="s" * 40, kinds=["inspection.prenotified"]
        )
        await write_event()
        await worker(settings, max_attempts=5, external_only=True).run_once(datetime.now(UTC), periodic=False)
        assert receiver.keys == []
    dead = (await api.data(DEAD, as_user="hq.admin"))["deadNotices"]
    assert dead["totalCount"] == 2
    errors = sorted(n["lastError"] for n in dead["nodes"])
    assert errors == ["not a well-formed URL (host, port)", "the webhook's host is or resolves to an internal address"]
    assert {n["attempts"] for n in dead["nodes"]} == {1}
    assert {(n["channel"], n["channelCode"]) for n in dead["nodes"]} == {("WEBHOOK", "WEBHOOK")}
    assert all(n["kindCode"] == NoticeKind(n["kind"]).name for n in dead["nodes"])
    assert await AuditEntry.filter(action="notice.dead").count() == 2


def test_internal_addresses():
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1",
                    "::", "fe80::1%eth0", "::ffff:127.0.0.1", "224.0.0.1", "100.64.0.1", "fc00::1", "not an ip"):  # fmt: skip
        assert is_internal_address(address), address
    for address in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"):
        assert not is_internal_address(address), address
