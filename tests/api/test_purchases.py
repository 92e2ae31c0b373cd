"""Market purchases (买样) through GraphQL: the planner assigns a buyer, the buying-sample app
reads its work, records purchases with receipt and photos, and ships what it bought."""

import asyncio
import dataclasses
import hashlib
import uuid

import pytest

from server.settings import Settings
from store.models import AuditEntry, Document, IdempotencyRecord, Purchase, Sample
from tests.api.purchase_support import (
    JPEG,
    PDF,
    WORK,
    assign_buyer,
    purchase_files,
    purchase_input,
    purchase_task,
    record,
)
from tests.api.tasks_support import get
from tests.client import error_codes

SHIP = """mutation($i: SampleStepInput!) { shipSample(input: $i) {
  sample { id status version carrier } userErrors { field code } } }"""
COMPLETE = """mutation($i: CompletePurchaseAssignmentInput!) { completePurchaseAssignment(input: $i) {
  assignment { status version } userErrors { field code } } }"""
PROBLEM = """mutation($i: ReportPurchaseProblemInput!) { reportPurchaseProblem(input: $i) {
  assignment { status version closeReason } userErrors { field code } } }"""
WITHDRAW = """mutation($i: WithdrawPurchaseAssignmentInput!) { withdrawPurchaseAssignment(input: $i) {
  assignment { status } userErrors { field code } } }"""


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(
        Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"), max_upload_bytes=50_000
    )


def codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_buyer_sees_everything_needed_offline(api):
    task = await purchase_task(api)
    wrong = await assign_buyer(api, task, "east.inspector1")
    assert codes(wrong) == ["INVALID"]  # not a market buyer
    payload = await assign_buyer(api, task)
    assert payload["userErrors"] == []
    work = (await api.data(WORK, as_user="buyer.east"))["purchaseAssignments"]
    assert work["totalCount"] == 1
    item = work["nodes"][0]
    assert item == payload["assignment"]
    assert (item["status"], item["buyer"], item["instructions"], item["quantity"]) == (
        "ASSIGNED",
        "buyer.east",
        "Two coils",
        2,
    )
    assert item["productCategory"] == {"code": "C01", "nameZh": "电线电缆"}
    assert item["samplingSchemes"] and item["samplingSchemes"][0]["testItems"]
    assert item["target"]["factoryCode"] == "E001" and item["target"]["certificates"]
    assert item["lab"]["code"] == "east-lab-2" and item["purchases"] == []
    assert (await get(api, task["id"], as_user="east.planner"))["status"] == "TEAM_ASSIGNED"
    audit = await AuditEntry.filter(action="purchase.assign").values_list("actor", flat=True)
    assert audit == ["east.planner"]


async def test_buyers_see_only_their_own_work(api):
    await assign_buyer(api, await purchase_task(api, "E001"))
    await assign_buyer(api, await purchase_task(api, "E002"), "buyer.east2")
    seen = {}
    for login in ("buyer.east", "buyer.east2", "buyer.south", "east.inspector1", "hq.auditor", "south.planner",
                  "lab.east2", "ent.E001", "agency.de.inspector"):  # fmt: skip
        nodes = (await api.data(WORK, as_user=login))["purchaseAssignments"]["nodes"]
        seen[login] = sorted(n["target"]["factoryCode"] for n in nodes)
    assert seen == {
        "buyer.east": ["E001"],
        "buyer.east2": ["E002"],
        "buyer.south": [],
        "east.inspector1": ["E001", "E002"],
        "hq.auditor": ["E001", "E002"],
        "south.planner": [],
        "lab.east2": [],
        "ent.E001": [],
        "agency.de.inspector": [],
    }


async def test_purchase_with_receipt_photos_and_samples(api, settings):
    task = await purchase_task(api)
    assignment = (await assign_buyer(api, task))["assignment"]
    key = str(uuid.uuid4())
    body = await record(api, purchase_input(assignment["id"], key))
    payload = body["data"]["recordPurchase"]
    assert payload["userErrors"] == []
    bought = payload["assignment"]["purchases"][0]
    assert (bought["price"], bought["currency"], bought["buyer"]) == ("128.50", "CNY", "buyer.east")
    assert bought["receipt"] == {
        "purpose": "RECEIPT",
        "contentType": "image/jpeg",
        "sha256": hashlib.sha256(JPEG).hexdigest(),
        "size": len(JPEG),
    }
    assert [p["contentType"] for p in bought["photos"]] == ["image/jpeg", "image/png"]
    assert [(s["status"], s["version"]) for s in bought["samples"]] == [("SEALED", 1), ("SEALED", 1)]
    assert (await get(api, task["id"], as_user="east.planner"))["status"] == "IN_PROGRESS"  # first purchase
    sample = await Sample.get(identifier=bought["samples"][0]["identifier"]).prefetch_related("taken_by")
    assert sample.taken_by.login == "buyer.east" and sample.place.startswith("Hangzhou Hardware Market")
    actions = await AuditEntry.filter(actor="buyer.east").values_list("action", flat=True)
    assert sorted(actions) == ["purchase.record", "sample.seal", "sample.seal", "task.start"]

    ship = {"sampleId": bought["samples"][0]["id"], "expectedVersion": 1, "carrier": "SF Express",
            "trackingNumber": "SF99", "idempotencyKey": str(uuid.uuid4())}  # fmt: skip
    for _ in range(3):  # the app retries: one shipment
        shipped = (await api.data(SHIP, {"i": ship}, as_user="buyer.east"))["shipSample"]
        assert shipped["userErrors"] == [] and shipped["sample"]["status"] == "SHIPPED"
        assert shipped["sample"]["version"] == 2
    assert await AuditEntry.filter(action="sample.shipped").count() == 1
    assert (await api.data("{ samples(first: 5) { totalCount } }", as_user="lab.east2"))["samples"]["totalCount"] == 1
    other = (await api.data(SHIP, {"i": {**ship, "idempotencyKey": None}}, as_user="buyer.east2"))["shipSample"]
    assert codes(other) == ["NOT_FOUND"]  # another buyer's sample

    done = {"assignmentId": assignment["id"], "expectedVersion": assignment["version"], "idempotencyKey": "done-1"}
    completed = (await api.data(COMPLETE, {"i": done}, as_user="buyer.east"))["completePurchaseAssignment"]
    assert completed["assignment"]["status"] == "COMPLETED"
    again = (await api.data(COMPLETE, {"i": done}, as_user="buyer.east"))["completePurchaseAssignment"]
    assert again == completed  # a replay, not a stale-version error
    late = await record(api, purchase_input(assignment["id"], str(uuid.uuid4())))
    assert codes(late["data"]["recordPurchase"]) == ["CONFLICT"]  # the work is closed


async def test_same_purchase_sent_five_times_is_one_purchase(api):
    assignment = (await assign_buyer(api, await purchase_task(api)))["assignment"]
    body = purchase_input(assignment["id"], "app-7f3a-0001")
    sequential = [await record(api, body) for _ in range(3)]
    concurrent = await asyncio.gather(*(record(api, body) for _ in range(2)))
    ids = {r["data"]["recordPurchase"]["purchase"]["id"] for r in [*sequential, *concurrent]}
    assert len(ids) == 1
    assert await Purchase.all().count() == 1 and await Sample.filter(purchase_id__isnull=False).count() == 2
    assert await Document.filter(purpose="PRODUCT_PHOTO").count() == 2
    assert await AuditEntry.filter(action="purchase.record").count() == 1
    assert await IdempotencyRecord.filter(key="app-7f3a-0001").count() == 1

    changed = await record(api, {**body, "price": "99.00"})
    payload = changed["data"]["recordPurchase"]
    assert codes(payload) == ["CONFLICT"] and payload["userErrors"][0]["field"] == ["input", "idempotencyKey"]
    other_photo = await record(api, body, purchase_files(photos=[("p.jpg", JPEG + b"x", "image/jpeg")] * 2))
    assert codes(other_photo["data"]["recordPurchase"]) == ["CONFLICT"]  # same fields, other file
    assert await Purchase.all().count() == 1


async def test_a_failed_attempt_leaves_nothing_and_may_be_retried(api):
    assignment = (await assign_buyer(api, await purchase_task(api)))["assignment"]
    bad = await record(api, purchase_input(assignment["id"], "k-1", latitude=123.0))
    assert codes(bad["data"]["recordPurchase"]) == ["INVALID"]
    assert await IdempotencyRecord.all().count() == 0 and await Purchase.all().count() == 0
    good = await record(api, purchase_input(assignment["id"], "k-1"))
    assert good["data"]["recordPurchase"]["userErrors"] == []


async def test_purchase_input_rules(api):
    assignment = (await assign_buyer(api, await purchase_task(api)))["assignment"]
    aid = assignment["id"]
    cases = [
        (purchase_input(aid, "a1", price="12.345"), None, ["input", "price"], "INVALID"),
        (purchase_input(aid, "a2", price="-1"), None, ["input", "price"], "INVALID"),
        (purchase_input(aid, "a3", currency="yuan"), None, ["input", "currency"], "INVALID"),
        (purchase_input(aid, "a4", purchasedAt="2099-01-01T00:00:00+00:00"), None, ["input", "purchasedAt"], "INVALID"),
        (purchase_input(aid, "a5", purchasedAt="2020-01-01T00:00:00+00:00"), None, ["input", "purchasedAt"], "INVALID"),
        (purchase_input(aid, "a6", shopName="  "), None, ["input", "shopName"], "REQUIRED"),
        (purchase_input(aid, "a7", samples=[]), None, ["input", "samples"], "INVALID"),
        (
            purchase_input(aid, "a8", samples=[{"identifier": "X", "sealNumber": "F", "quantity": 1}] * 2),
            None, ["input", "samples"], "INVALID",
        ),
        (purchase_input(aid, "a9", photos=[]), purchase_files(photos=[]), ["input", "photos"], "INVALID"),
        (
            purchase_input(aid, "a10", photos=[None]), purchase_files(photos=[("x.pdf", PDF, "application/pdf")]),
            ["input", "photos", "0"], "INVALID",
        ),
        (
            purchase_input(aid, "a11"), purchase_files(receipt=("r.exe", b"MZ\x90\x00" * 10, "image/jpeg")),
            ["input", "receipt"], "INVALID",
        ),
    ]  # fmt: skip
    for body, files, field, code in cases:
        payload = (await record(api, body, files))["data"]["recordPurchase"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], body
    assert await Purchase.all().count() == 0 and await Document.all().count() == 0


async def test_upload_size_limit(api, settings):
    assignment = (await assign_buyer(api, await purchase_task(api)))["assignment"]
    big = JPEG + b"z" * settings.max_upload_bytes
    payload = (
        await record(api, purchase_input(assignment["id"], "big"), purchase_files(receipt=("r.jpg", big, None)))
    )["data"]["recordPurchase"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "receipt"], "TOO_LONG")]


async def test_buyer_reports_product_not_found(api):
    task = await purchase_task(api)
    assignment = (await assign_buyer(api, task))["assignment"]
    body = {"assignmentId": assignment["id"], "expectedVersion": assignment["version"],
            "reason": "PRODUCT_NOT_FOUND", "details": "Three markets visited, no stock", "idempotencyKey": "nf"}  # fmt: skip
    first = (await api.data(PROBLEM, {"i": body}, as_user="buyer.east"))["reportPurchaseProblem"]
    assert first["assignment"]["status"] == "EXCEPTION"
    assert (await api.data(PROBLEM, {"i": body}, as_user="buyer.east"))["reportPurchaseProblem"] == first
    assert (await get(api, task["id"], as_user="east.planner"))["status"] == "EXCEPTION"
    assert await AuditEntry.filter(action="purchase.problem").count() == 1


async def test_assignment_rules(api):
    inspection = await purchase_task(api, method="SAMPLING")
    assert codes(await assign_buyer(api, inspection)) == ["CONFLICT"]  # sampling, not purchase
    task = await purchase_task(api)
    assert codes(await assign_buyer(api, task, "buyer.south")) == ["INVALID"]  # another unit's buyer
    first = (await assign_buyer(api, task))["assignment"]
    task = await get(api, task["id"], as_user="east.planner")
    assert codes(await assign_buyer(api, task, "buyer.east2")) == ["CONFLICT"]  # withdraw first
    assert codes(await assign_buyer(api, task)) == ["NO_CHANGE"]
    denied = await api.run(
        WITHDRAW, {"i": {"assignmentId": first["id"], "expectedVersion": 1, "reason": "x"}}, as_user="east.inspector1"
    )
    assert error_codes(denied) == ["FORBIDDEN"]
    withdrawn = (
        await api.data(
            WITHDRAW, {"i": {"assignmentId": first["id"], "expectedVersion": 1, "reason": "Buyer ill"}},
            as_user="east.planner",
        )
    )["withdrawPurchaseAssignment"]  # fmt: skip
    assert withdrawn["assignment"]["status"] == "WITHDRAWN"
    assert (await assign_buyer(api, task, "buyer.east2"))["userErrors"] == []
    assert (await api.data(WORK, {"status": "ASSIGNED"}, as_user="buyer.east"))["purchaseAssignments"]["nodes"] == []
    gone = await record(api, purchase_input(first["id"], "late"))
    assert codes(gone["data"]["recordPurchase"]) == ["CONFLICT"]  # withdrawn work takes no purchase


async def test_the_enterprise_learns_of_a_market_purchase_only_with_its_result(api):
    node = "query($id: ID!) { node(id: $id) { ... on Task { id status } } }"
    task = await purchase_task(api)  # issued (notified), then the planner chose to buy on the market
    assert (await api.data(node, {"id": task["id"]}, as_user="ent.E001"))["node"] is None
    assignment = (await assign_buyer(api, task))["assignment"]
    assert (await record(api, purchase_input(assignment["id"], "seen-1")))["data"]["recordPurchase"]["userErrors"] == []
    assert (await api.data(node, {"id": task["id"]}, as_user="ent.E001"))["node"] is None
    task = await get(api, task["id"], as_user="east.planner")
    submit = "mutation($i: SubmitResultsInput!) { submitResults(input: $i) { task { status } userErrors { code } } }"
    body = {"i": {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "PASS"}}
    by_buyer = (await api.data(submit, body, as_user="buyer.east"))["submitResults"]
    assert by_buyer == {"task": None, "userErrors": [{"code": "NOT_FOUND"}]}  # buyers cannot read tasks at all
    done = (await api.data(submit, body, as_user="east.planner"))["submitResults"]
    assert done == {"task": {"status": "RESULTS_SUBMITTED"}, "userErrors": []}
    assert (await api.data(node, {"id": task["id"]}, as_user="ent.E001"))["node"]["status"] == "RESULTS_SUBMITTED"
