"""买样 hides a sampling task from its enterprise apart from the task's own 不通知 flag: what a
purchase hid is given back when another method is set, and never more than that; once the
enterprise knows of a task, buying its samples blind is refused (a new sampling task buys)."""

from __future__ import annotations

from tests.api.purchase_support import DETAILS
from tests.api.tasks_support import create, get, issue, ok
from tests.services.notice_support import worker

INBOX = "{ notifications(first: 50) { nodes { kind subjectId } } }"


def _body(task: dict, method: str, site: str) -> dict:
    return {"taskId": task["id"], "expectedVersion": task["version"], "site": site, "method": method,
            "productCategory": "C01", "quantity": 2, "labCode": "east-lab-2"}  # fmt: skip


async def _details(api, task: dict, method: str, site: str = "FACTORY") -> dict:
    return (await api.data(DETAILS, {"i": _body(task, method, site)}, as_user="east.planner"))["setSamplingDetails"]


async def test_buying_is_refused_once_the_enterprise_was_told_and_the_task_stays_its(api, settings):
    task = ok(await create(api, "E001", "SAMPLING", as_user="east.planner"))
    task = (await _details(api, task, "SAMPLING"))["task"]
    task = ok(await issue(api, task, as_user="east.planner"))  # 抽样: told at issue
    refused = await _details(api, task, "PURCHASE", "MARKET")
    assert refused["userErrors"] == [{"field": ["input", "method"], "code": "CONFLICT"}]
    assert await get(api, task["id"], as_user="ent.E001") is not None
    await worker(settings).run_once(periodic=False)
    told = [n["kind"] for n in (await api.data(INBOX, as_user="ent.E001"))["notifications"]["nodes"]]
    assert told.count("inspection.prenotified") == 1


async def test_a_planners_unannounced_sampling_task_stays_unannounced_after_a_purchase_is_undone(api, settings):
    task = ok(await create(api, "E001", "SAMPLING", as_user="east.planner", unannounced=True))
    task = (await _details(api, task, "PURCHASE", "MARKET"))["task"]
    task = (await _details(api, task, "SAMPLING"))["task"]
    task = ok(await issue(api, task, as_user="east.planner"))
    await worker(settings).run_once(periodic=False)
    assert await get(api, task["id"], as_user="ent.E001") is None  # 不通知: not before its team starts
    assert (await api.data(INBOX, as_user="ent.E001"))["notifications"]["nodes"] == []


async def test_an_issued_sampling_task_bought_then_sampled_is_told_then(api, settings):
    task = ok(
        await issue(api, ok(await create(api, "E001", "SAMPLING", as_user="east.planner")), as_user="east.planner")
    )
    task = (await _details(api, task, "PURCHASE", "MARKET"))["task"]
    assert await get(api, task["id"], as_user="ent.E001") is None
    task = (await _details(api, task, "SAMPLING"))["task"]
    assert await get(api, task["id"], as_user="ent.E001") is not None
    await worker(settings).run_once(periodic=False)
    told = [
        n for n in (await api.data(INBOX, as_user="ent.E001"))["notifications"]["nodes"] if n["subjectId"] == task["id"]
    ]
    assert [n["kind"] for n in told].count("inspection.prenotified") == 1
