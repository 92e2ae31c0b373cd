"""Issue 14's "done when", as the README's demo walk-through plays it: issuing a pre-notified
East task puts a notice in `ent.E001`'s inbox and, through the worker, an email in the local
mail sink (`surveil mail-sink`'s own maildir handler on a real SMTP port)."""

from __future__ import annotations

import mailbox
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller

from server.mail_sink import MaildirHandler
from tests.api.tasks_support import create, issue, ok
from tests.services.notice_support import free_port, worker

INBOX = """{ notifications(first: 5) { nodes { kind title body language } } unreadNotificationCount }"""


async def test_issuing_a_prenotified_task_reaches_the_enterprise_inbox_and_the_mail_sink(api, settings, tmp_path):
    port = free_port()
    sink = Controller(MaildirHandler(tmp_path / "mail", echo=False), hostname="127.0.0.1", port=port)
    sink.start()
    try:
        task = ok(await create(api, "E001", as_user="east.planner"))
        task = ok(await issue(api, task, as_user="east.planner"))
        assert (await api.data(INBOX, as_user="ent.E001"))["unreadNotificationCount"] == 0  # nothing sent in a request
        await worker(settings, smtp_port=port).run_once()
    finally:
        sink.stop()
    number = (await api.data("query($id: ID!) { node(id: $id) { ... on Task { number } } }", {"id": task["id"]},
                             as_user="east.planner"))["node"]["number"]  # fmt: skip
    chinese = {"accept-language": "zh-CN,zh;q=0.9"}  # the enterprise's browser
    inbox = (await api.post(INBOX, as_user="ent.E001", headers=chinese)).json()["data"]
    [notice] = [n for n in inbox["notifications"]["nodes"] if n["kind"] == "inspection.prenotified"]
    assert number in notice["title"] and notice["language"] == "zh" and "2026-12-01" in notice["body"]
    messages = list(mailbox.Maildir(tmp_path / "mail", create=False))
    to_enterprise = [m for m in messages if m["To"] == "ent.e001@demo.surveil.example"]
    assert len(to_enterprise) == 1
    subject = str(make_header(decode_header(to_enterprise[0]["Subject"])))
    assert subject == notice["title"] and to_enterprise[0]["X-Surveil-Delivery-Key"]
    # Another enterprise hears nothing of it.
    assert (await api.data(INBOX, as_user="ent.E002"))["unreadNotificationCount"] == 0
