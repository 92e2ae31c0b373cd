"""Second attack on notices (issue 14), after the fixes: orders of operations of sampling tasks
against the enterprise's secrecy, cascades that forget to tell, and the worker's pass. Every
test here failed when written: each is a defect found (see its docstring)."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from datetime import UTC, datetime

from services.notices.dispatch import fan_out_pending
from store.models import NoticeDelivery, User
from tests.api.purchase_support import DETAILS
from tests.api.tasks_support import act, assign, create, get, issue, ok
from tests.services.notice_support import ROOT, Mailbox, free_port, worker, write_event

INBOX = "{ notifications(first: 50) { nodes { kind subjectType subjectId } } }"
OPEN = "query($id: ID!) { node(id: $id) { id } }"
SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) {
  task { id version } children { id version kind } userErrors { field code } } }"""


async def _details(api, task: dict, method: str, site: str = "FACTORY") -> dict:
    body = {"taskId": task["id"], "expectedVersion": task["version"], "site": site, "method": method,
            "productCategory": "C01", "quantity": 2, "labCode": "east-lab-2"}  # fmt: skip
    payload = (await api.data(DETAILS, {"i": body}, as_user="east.planner"))["setSamplingDetails"]
    assert payload["userErrors"] == [], payload
    return payload["task"]


async def _inbox(api, login: str) -> list[dict]:
    return (await api.data(INBOX, as_user=login))["notifications"]["nodes"]


async def test_a_draft_set_to_purchase_then_back_to_sampling_is_told_at_issue(api, settings):
    """Defect: 买样 on a draft sets `unannounced` for good; set back to 抽样 and issued, the task is never told."""
    task = ok(await create(api, "E001", "SAMPLING", as_user="east.planner"))
    task = await _details(api, task, "PURCHASE", "MARKET")
    task = await _details(api, task, "SAMPLING")
    ok(await issue(api, task, as_user="east.planner"))
    await worker(settings).run_once(periodic=False)
    assert (await api.data(OPEN, {"id": task["id"]}, as_user="ent.E001"))["node"] == {"id": task["id"]}
    told = [n["kind"] for n in await _inbox(api, "ent.E001") if n["subjectId"] == task["id"]]
    assert "inspection.prenotified" in told


async def test_every_notice_the_enterprise_holds_opens_after_the_method_changes(api, settings):
    """Defect: told at 抽样, then switched to 买样 (and back): the task vanishes, its notice points at nothing."""
    task = ok(
        await issue(api, ok(await create(api, "E001", "SAMPLING", as_user="east.planner")), as_user="east.planner")
    )
    task = await _details(api, task, "SAMPLING")
    await worker(settings).run_once(periodic=False)
    told = [n for n in await _inbox(api, "ent.E001") if n["subjectId"] == task["id"]]
    assert told, "told once 抽样 is set"
    # The enterprise knows now: a purchase can no longer be blind. Either it is refused, or
    # the enterprise keeps the task it was told of.
    body = {"taskId": task["id"], "expectedVersion": task["version"], "site": "MARKET", "method": "PURCHASE",
            "productCategory": "C01", "quantity": 2, "labCode": "east-lab-2"}  # fmt: skip
    switched = (await api.data(DETAILS, {"i": body}, as_user="east.planner"))["setSamplingDetails"]
    if switched["userErrors"] == []:
        await _details(api, switched["task"], "SAMPLING")
    assert (await api.data(OPEN, {"id": task["id"]}, as_user="ent.E001"))["node"] == {"id": task["id"]}


async def test_a_sampling_part_split_off_a_told_task_is_not_shown_before_its_method(api, settings):
    """Defect: purchase work split off an issued pre-notified task is visible to the enterprise at once."""
    parent = ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))
    body = {"taskId": parent["id"], "expectedVersion": parent["version"], "reason": "Market purchase apart",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}]}  # fmt: skip
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert split["userErrors"] == []
    sampling = split["children"][1]
    # No method yet: it may still be bought like a customer (domain/tasks.py, told_at_issue).
    assert await get(api, sampling["id"], as_user="ent.E002") is None
    sampling = await _details(api, {**sampling, "version": sampling["version"]}, "PURCHASE", "MARKET")
    assert await get(api, sampling["id"], as_user="ent.E002") is None


async def test_the_team_of_a_part_hears_when_the_parent_is_cancelled(api, settings):
    """Defect: cancelling a split parent cancels its parts silently: their teams are not told."""
    parent = ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))
    body = {"taskId": parent["id"], "expectedVersion": parent["version"], "reason": "Two teams",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "ROUTINE_NOTIFIED"}]}  # fmt: skip
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert split["userErrors"] == []
    part = split["children"][0]
    ok(await assign(api, part, "east.inspector1", as_user="east.planner"))
    parent = await get(api, parent["id"], as_user="east.planner")
    cancelled = await act(api, "cancelTask", "TaskActionInput", parent, as_user="east.planner", reason="Plant closed")
    assert cancelled["userErrors"] == []
    await worker(settings).run_once(periodic=False)
    kinds = [n["kind"] for n in await _inbox(api, "east.inspector1")]
    assert "inspection.cancelled" in kinds, kinds


async def test_a_dropped_email_does_not_hold_up_its_domain_for_the_pass(api, settings):
    """Defect: a DROPPED delivery (recipient deactivated since the fan-out) marks its domain busy, delaying the others."""
    await User.filter(login__in=["east.planner", "east.inspector1"]).update(email=None)
    await User.filter(login="ent.E001").update(email="a@e001.example.cn")
    await User.filter(login="east.inspector2").update(email="b@e001.example.cn")
    box = Mailbox()
    box.controller.start()
    try:
        await write_event(units=(), people=[(await User.get(login="east.inspector2")).id])
        await fan_out_pending()
        rows = await NoticeDelivery.filter(channel="EMAIL").order_by("id").values_list("user_id", flat=True)
        first = await User.get(id=rows[0])
        assert len(rows) == 2
        await User.filter(id=first.id).update(active=False)  # the first in line is gone now
        run = worker(settings, smtp_port=box.controller.port)
        await run.run_once(datetime.now(UTC), periodic=False)
        statuses = sorted(await NoticeDelivery.filter(channel="EMAIL").values_list("status", flat=True))
        assert statuses == ["DROPPED", "SENT"], statuses
    finally:
        box.controller.stop()


def test_the_mail_sink_prints_one_line_per_message(tmp_path):
    """Defect: `surveil mail-sink` (started by `make run`) prints aiosmtpd's INFO log, ~12 lines per message, not one."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "mail-sink", "--port", str(port), "--folder", str(tmp_path / "mail")],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/none.sqlite3"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
                    smtp.sendmail("a@x.example", ["b@x.example"], b"Subject: hello\r\n\r\nbody\r\n")
                break
            except OSError:
                time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    lines = process.stdout.read().decode(errors="replace").splitlines()
    assert len(lines) == 2, lines  # the start line, then `mail to b@x.example: hello  [-]`
    assert lines[1].startswith("mail to b@x.example: hello"), lines
