"""The in-app inbox and email (issue 14): each person's own notices in their language, marked
read only by them, read in a fixed number of statements; email at a real SMTP server."""

from __future__ import annotations

import asyncio

import pytest

from store.models import NoticeDelivery, User
from tests.services.notice_support import Mailbox, worker, write_event

INBOX = """query($first: Int!, $after: String, $unread: Boolean!) {
  notifications(first: $first, after: $after, unreadOnly: $unread) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind title body language subjectType readAt } }
  unreadNotificationCount }"""
MARK = """mutation($i: MarkNotificationsReadInput!) { markNotificationsRead(input: $i) {
  unreadCount userErrors { field code } } }"""
PREFS = """mutation($i: UpdateMyNoticePreferencesInput!) { updateMyNoticePreferences(input: $i) {
  preferences { emailEnabled mutedKinds email } userErrors { field code } } }"""


async def _inbox(api, login: str, *, first: int = 10, unread: bool = False, language: str | None = None) -> dict:
    headers = {"accept-language": language} if language else None
    response = await api.post(INBOX, {"first": first, "unread": unread}, as_user=login, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_the_enterprise_reads_its_notice_in_its_language_and_only_it_marks_it(api, settings):
    await write_event()
    await worker(settings).run_once()
    chinese = await _inbox(api, "ent.E001", language="fr-FR")  # nothing we speak: Chinese
    [notice] = chinese["notifications"]["nodes"]
    assert notice["kind"] == "inspection.prenotified" and notice["language"] == "zh"
    assert chinese["unreadNotificationCount"] == 1
    english = (await _inbox(api, "ent.E001", language="en-GB, zh;q=0.5"))["notifications"]["nodes"][0]
    assert english["title"] == "Pre-notified surveillance inspection: EAST-2026-0001"
    assert "Acme Cables" in english["body"] and "team of 2" in english["body"]
    await User.filter(login="ent.E001").update(language="zh")  # the person's own choice wins
    assert (await _inbox(api, "ent.E001", language="en"))["notifications"]["nodes"][0]["language"] == "zh"
    # Only the enterprise is routed this kind: East's staff and other enterprises get nothing.
    for other in ("east.planner", "ent.E002"):
        assert (await _inbox(api, other))["notifications"]["nodes"] == []
    # Someone else's id answers like a missing one and changes nothing.
    foreign = (await api.data(MARK, {"i": {"ids": [notice["id"]]}}, as_user="east.planner"))["markNotificationsRead"]
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]
    assert (await _inbox(api, "ent.E001"))["unreadNotificationCount"] == 1
    marked = (await api.data(MARK, {"i": {"ids": [notice["id"]]}}, as_user="ent.E001"))["markNotificationsRead"]
    assert marked == {"unreadCount": 0, "userErrors": []}
    assert (await _inbox(api, "ent.E001", unread=True))["notifications"]["nodes"] == []


async def test_named_people_and_routed_roles_receive_once(api, settings):
    planner = await User.get(login="east.planner")
    await write_event("task.exception", units=["east", "east"], people=[planner.id], enterprise=None)
    await worker(settings).run_once()
    assert len((await _inbox(api, "east.planner"))["notifications"]["nodes"]) == 1  # routed and named: once
    assert (await _inbox(api, "south.planner"))["notifications"]["nodes"] == []
    assert (await _inbox(api, "east.inspector1"))["notifications"]["nodes"] == []


async def test_the_inbox_reads_in_the_same_statements_for_one_notice_or_many(api, settings):
    for _ in range(4):
        await write_event()
    await worker(settings).run_once()
    await _inbox(api, "ent.E001")  # the token and the policy cache, outside the count
    counts = []
    for first in (1, 4):
        with api.count_queries() as counter:
            page = await _inbox(api, "ent.E001", first=first)
        assert len(page["notifications"]["nodes"]) == first
        counts.append(len(counter.statements))
    assert counts[0] == counts[1] <= 6, counts
    # Pages go newest first and meet without overlap.
    first_page = (await _inbox(api, "ent.E001", first=2))["notifications"]
    rest = (
        await api.data(
            INBOX, {"first": 5, "after": first_page["pageInfo"]["endCursor"], "unread": False}, as_user="ent.E001"
        )
    )["notifications"]
    ids = [n["id"] for n in first_page["nodes"] + rest["nodes"]]
    assert len(ids) == len(set(ids)) == 4 and not rest["pageInfo"]["hasNextPage"]


@pytest.fixture
async def mailbox():
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


async def test_email_reaches_a_real_smtp_server_with_its_delivery_key_unless_muted(api, settings, mailbox):
    await User.filter(login="ent.E001").update(email="quality@e001.example.cn", language="en")
    await write_event()
    run = worker(settings, smtp_port=mailbox.controller.port)
    await run.run_once()
    [(to, message)] = mailbox.messages
    delivery = await NoticeDelivery.get(channel="EMAIL")
    assert to == ["quality@e001.example.cn"] and delivery.status == "SENT"
    assert message["X-Surveil-Delivery-Key"] == delivery.delivery_key
    assert delivery.delivery_key.replace(":", ".") in message["Message-ID"]
    assert message["Subject"] == "Pre-notified surveillance inspection: EAST-2026-0001"
    # Muting the kind silences email only; the inbox still receives it.
    muted = await api.data(PREFS, {"i": {"mutedKinds": ["inspection.prenotified"]}}, as_user="ent.E001")
    assert muted["updateMyNoticePreferences"]["preferences"]["mutedKinds"] == ["inspection.prenotified"]
    await write_event()
    await run.run_once()
    await asyncio.sleep(0.1)
    assert len(mailbox.messages) == 1
    assert (await _inbox(api, "ent.E001"))["unreadNotificationCount"] == 2
    bad = await api.data(PREFS, {"i": {"mutedKinds": ["no.such.kind"]}}, as_user="ent.E001")
    assert [e["code"] for e in bad["updateMyNoticePreferences"]["userErrors"]] == ["INVALID"]
