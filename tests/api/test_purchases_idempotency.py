"""idempotencyKey on purchase steps: a key belongs to one operation, its length is bounded,
and a refused purchase writes nothing, not even its key."""

from store.models import IdempotencyRecord, Purchase, PurchaseAssignment, Sample
from tests.api.purchase_support import (
    COMPLETE,
    PROBLEM,
    SHIP,
    _assigned,
    _bought,
    _db_id,
    _nothing_written,
    codes,
    fields,
    purchase_input,
    purchase_settings,  # noqa: F401
    record,
)
from tests.api.tasks_support import get


async def test_a_key_is_for_one_operation_only(api):
    assignment, purchase, sent = await _bought(api)
    key = sent["idempotencyKey"]
    version = (await PurchaseAssignment.get(id=_db_id(assignment["id"]))).version
    done = {"assignmentId": assignment["id"], "expectedVersion": version, "idempotencyKey": key}
    payload = (await api.data(COMPLETE, {"i": done}, as_user="buyer.east"))["completePurchaseAssignment"]
    assert fields(payload) == [(["input", "idempotencyKey"], "CONFLICT")] and payload["assignment"] is None
    problem = {**done, "reason": "PRODUCT_NOT_FOUND", "details": "none"}
    assert codes((await api.data(PROBLEM, {"i": problem}, as_user="buyer.east"))["reportPurchaseProblem"]) == [
        "CONFLICT"
    ]
    ship = {"sampleId": purchase["samples"][0]["id"], "expectedVersion": 1, "carrier": "SF", "trackingNumber": "1",
            "idempotencyKey": key}  # fmt: skip
    assert codes((await api.data(SHIP, {"i": ship}, as_user="buyer.east"))["shipSample"]) == ["CONFLICT"]
    # the same key on another assignment is other input: refused, not replayed onto the first
    second = await _assigned(api, "E002")
    again = (await record(api, {**sent, "assignmentId": second["id"]}))["data"]["recordPurchase"]
    assert codes(again) == ["CONFLICT"] and again["purchase"] is None
    assert (await PurchaseAssignment.get(id=_db_id(assignment["id"]))).status == "ASSIGNED"
    assert (await Sample.get(identifier=purchase["samples"][0]["identifier"])).status == "SEALED"
    assert await Purchase.all().count() == 1


async def test_idempotency_key_bounds(api):
    assignment = await _assigned(api)
    long_key = (await record(api, purchase_input(assignment["id"], "k" * 101)))["data"]["recordPurchase"]
    assert fields(long_key) == [(["input", "idempotencyKey"], "TOO_LONG")]
    blank = (await record(api, purchase_input(assignment["id"], "   ")))["data"]["recordPurchase"]
    assert fields(blank) == [(["input", "idempotencyKey"], "REQUIRED")]
    await _nothing_written()


async def test_a_refused_purchase_changes_nothing(api):
    _, purchase, _ = await _bought(api, "E001")
    second = await _assigned(api, "E002")
    task_before = await get(api, second["taskId"], as_user="east.planner")
    taken = [{"identifier": purchase["samples"][0]["identifier"], "sealNumber": "F", "quantity": 1}]
    refused = (await record(api, purchase_input(second["id"], "dup", samples=taken)))["data"]["recordPurchase"]
    assert codes(refused) == ["CONFLICT"]
    task_after = await get(api, second["taskId"], as_user="east.planner")
    assert (task_after["status"], task_after["version"]) == ("TEAM_ASSIGNED", task_before["version"])
    assert await Purchase.all().count() == 1 and await IdempotencyRecord.filter(key="dup").count() == 0
    stale = {"assignmentId": second["id"], "expectedVersion": 7, "reason": "PRODUCT_NOT_FOUND", "details": "x",
             "idempotencyKey": "stale"}  # fmt: skip
    assert codes((await api.data(PROBLEM, {"i": stale}, as_user="buyer.east"))["reportPurchaseProblem"]) == [
        "STALE_VERSION"
    ]
    assert (await get(api, second["taskId"], as_user="east.planner"))["status"] == "TEAM_ASSIGNED"
