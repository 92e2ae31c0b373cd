"""Who may see and act on market purchase work (买样): other buyers, other units, labs,
enterprises and read-only roles see nothing of it and change nothing; an idempotencyKey
replays only for the user who sent it, and only while they may still see the work.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

from store.models import Document, Purchase, PurchaseAssignment, Sample
from tests.api.purchase_support import (
    COMPLETE,
    PROBLEM,
    SHIP,
    WITHDRAW,
    WORK,
    _assigned,
    _bought,
    _db_id,
    assign_buyer,
    codes,
    purchase_input,
    purchase_settings,  # noqa: F401
    purchase_task,
    record,
)
from tests.api.tasks_support import get
from tests.client import error_codes

STEP = """mutation($i: SampleStepInput!) {{ {name}(input: $i) {{ sample {{ id status version }} userErrors {{ code }} }} }}"""
LAB_REPORT = """mutation($i: SubmitLabReportInput!) { submitLabReport(input: $i) {
  sample { status } userErrors { field code } } }"""
REVOKE = """mutation($i: RoleAssignmentInput!) { revokeRole(input: $i) { userErrors { code } } }"""
NODE = """query($id: ID!) { node(id: $id) { id ... on PurchaseAssignment { status buyer
  target { factoryCode manufacturer } purchases { id shopName } } } }"""
TRAIL = """query($id: ID!) { auditTrail(objectId: $id, first: 50) { totalCount nodes { action actor } } }"""
READS = """{ tasks(first: 50) { totalCount } factories(first: 50) { totalCount }
  certificates(first: 50) { totalCount } samples(first: 50) { totalCount } }"""
RECORD_SAMPLE = """mutation($i: RecordSampleInput!) { recordSample(input: $i) { sample { id } userErrors { code } } }"""


async def test_another_buyer_cannot_act_on_or_read_an_assignment(api):
    assignment, purchase, _ = await _bought(api)
    aid, sample_id = assignment["id"], purchase["samples"][0]["id"]
    for intruder in ("buyer.east2", "buyer.south"):
        rec = (await record(api, purchase_input(aid, f"x-{intruder}"), as_user=intruder))["data"]["recordPurchase"]
        assert codes(rec) == ["NOT_FOUND"] and rec["assignment"] is None and rec["purchase"] is None
        body = {"assignmentId": aid, "expectedVersion": assignment["version"], "idempotencyKey": f"c-{intruder}"}
        done = (await api.data(COMPLETE, {"i": body}, as_user=intruder))["completePurchaseAssignment"]
        assert codes(done) == ["NOT_FOUND"] and done["assignment"] is None
        problem = {**body, "idempotencyKey": f"p-{intruder}", "reason": "PRODUCT_NOT_FOUND", "details": "x"}
        assert codes((await api.data(PROBLEM, {"i": problem}, as_user=intruder))["reportPurchaseProblem"]) == [
            "NOT_FOUND"
        ]
        ship = {"sampleId": sample_id, "expectedVersion": 1, "carrier": "SF", "trackingNumber": "1"}
        assert codes((await api.data(SHIP, {"i": ship}, as_user=intruder))["shipSample"]) == ["NOT_FOUND"]
        assert (await api.data(NODE, {"id": aid}, as_user=intruder))["node"] is None
        assert (await api.data(TRAIL, {"id": aid}, as_user=intruder))["auditTrail"]["totalCount"] == 0
    row = await PurchaseAssignment.get(id=_db_id(aid))
    assert (row.status, row.version) == ("ASSIGNED", 1)
    assert await Purchase.all().count() == 1
    assert (await Sample.get(identifier=purchase["samples"][0]["identifier"])).status == "SEALED"


async def test_buyer_reads_nothing_beyond_their_purchase_work(api):
    assignment, _, _ = await _bought(api)
    task_id = assignment["taskId"]
    reads = await api.data(READS, as_user="buyer.east")
    assert reads == {
        "tasks": {"totalCount": 0},
        "factories": {"totalCount": 0},
        "certificates": {"totalCount": 0},
        "samples": {"totalCount": 0},
    }
    assert await get(api, task_id, as_user="buyer.east") is None
    assert (await api.data(TRAIL, {"id": task_id}, as_user="buyer.east"))["auditTrail"]["totalCount"] == 0
    denied = await api.run("{ auditLog(first: 5) { totalCount } }", as_user="buyer.east")
    assert error_codes(denied) == ["FORBIDDEN"]
    # the buyer's own sample is not a way into the task: a team command on it is refused
    task = await get(api, task_id, as_user="east.planner")
    sample = {"taskId": task_id, "identifier": "PROBE-1", "sealNumber": "F", "quantity": 1, "place": "x"}
    assert codes((await api.data(RECORD_SAMPLE, {"i": sample}, as_user="buyer.east"))["recordSample"]) == ["NOT_FOUND"]
    assert task["status"] == "IN_PROGRESS"


async def test_labs_enterprises_agencies_and_other_units_see_no_purchase_data(api):
    assignment, _, _ = await _bought(api)
    aid = assignment["id"]
    for login in ("lab.east2", "lab.east1", "ent.E001", "agency.de.inspector", "south.planner", "south.reviewer"):
        assert (await api.data(NODE, {"id": aid}, as_user=login))["node"] is None, login
        assert (await api.data(TRAIL, {"id": aid}, as_user=login))["auditTrail"]["totalCount"] == 0, login
        work = await api.data(WORK, as_user=login)
        assert work["purchaseAssignments"]["totalCount"] == 0, login
    # the enterprise sees nothing of the receipt or the photos
    doc = await Document.filter(purpose="RECEIPT").first()
    for login in ("ent.E001", "lab.east2", "buyer.east2", "agency.de.inspector"):
        got = await api.http.get(f"/documents/{doc.id}", headers={"authorization": f"Bearer {await api.token(login)}"})
        assert got.status_code == 404, login


async def test_other_units_planners_and_read_only_roles_cannot_assign_or_withdraw(api):
    task = await purchase_task(api)
    for login in ("south.planner", "buyer.east", "lab.east2", "ent.E001", "hq.auditor"):
        body = {"taskId": task["id"], "expectedVersion": task["version"], "buyerLogin": "buyer.east"}
        res = await api.run(
            """mutation($i: AssignBuyerInput!) { assignBuyer(input: $i) { assignment { id } userErrors { code } } }""",
            {"i": body},
            as_user=login,
        )
        got = codes(res["data"]["assignBuyer"]) if "errors" not in res else error_codes(res)
        assert got in (["NOT_FOUND"], ["FORBIDDEN"]), (login, res)
    # a planner cannot send another unit's buyer
    assert codes(await assign_buyer(api, task, "buyer.south")) == ["INVALID"]
    assignment = (await assign_buyer(api, task))["assignment"]
    withdraw = {"assignmentId": assignment["id"], "expectedVersion": 1, "reason": "probe"}
    for login in ("south.planner", "buyer.east", "buyer.east2", "lab.east2", "ent.E001", "agency.de.inspector"):
        res = await api.run(WITHDRAW, {"i": withdraw}, as_user=login)
        got = codes(res["data"]["withdrawPurchaseAssignment"]) if "errors" not in res else error_codes(res)
        assert got in (["NOT_FOUND"], ["FORBIDDEN"]), (login, res)
    for login in ("hq.auditor", "east.inspector1", "east.reviewer"):
        assert error_codes(await api.run(WITHDRAW, {"i": withdraw}, as_user=login)) == ["FORBIDDEN"], login
    assert (await PurchaseAssignment.get(id=_db_id(assignment["id"]))).status == "ASSIGNED"


async def test_the_same_key_from_another_user_is_not_a_replay(api):
    first_assignment, first, sent = await _bought(api, "E001", "buyer.east")
    key = sent["idempotencyKey"]
    other = await _assigned(api, "E002", "buyer.east2")
    # the same key and the same body (with the victim's assignment): no replay of their purchase
    stolen = (await record(api, sent, as_user="buyer.east2"))["data"]
    assert codes(stolen["recordPurchase"]) == ["NOT_FOUND"]
    assert stolen["recordPurchase"]["purchase"] is None and stolen["recordPurchase"]["assignment"] is None
    # the same key for their own work: a new purchase of their own
    body = purchase_input(other["id"], key, samples=[{"identifier": "OTHER-1", "sealNumber": "F", "quantity": 1}])
    own = (await record(api, body, as_user="buyer.east2"))["data"]["recordPurchase"]
    assert own["userErrors"] == [] and own["purchase"]["id"] != first["id"]
    assert await Purchase.all().count() == 2
    # nor on completion: another user's key for the same assignment does not replay
    done = {"assignmentId": first_assignment["id"], "expectedVersion": 1, "idempotencyKey": "done"}
    ok_done = (await api.data(COMPLETE, {"i": done}, as_user="buyer.east"))["completePurchaseAssignment"]
    assert ok_done["assignment"]["status"] == "COMPLETED"
    replay = (await api.data(COMPLETE, {"i": done}, as_user="buyer.east2"))["completePurchaseAssignment"]
    assert codes(replay) == ["NOT_FOUND"] and replay["assignment"] is None


async def test_replay_after_losing_the_buyer_role_returns_nothing(api):
    # Regression: services/idempotency.once replays before any permission check, and
    # resolvers/purchases.record_purchase presents the assignment bundle (task dates, factory,
    # certificates, schemes, lab, all purchases) without the viewer's scope: a buyer whose
    # role was revoked still reads the work by resending an old idempotencyKey.
    assignment, _, sent = await _bought(api)
    assert (await record(api, sent))["data"]["recordPurchase"]["assignment"]  # a replay, while allowed
    revoke = {"login": "buyer.east", "role": "MARKET_BUYER", "unitCode": "east", "reason": "left the company"}
    assert (await api.data(REVOKE, {"i": revoke}, as_user="hq.admin"))["revokeRole"]["userErrors"] == []
    assert (await api.data(WORK, as_user="buyer.east"))["purchaseAssignments"]["totalCount"] == 0
    assert (await api.data(NODE, {"id": assignment["id"]}, as_user="buyer.east"))["node"] is None
    body = await record(api, sent)
    data = (body.get("data") or {}).get("recordPurchase") or {}
    assert data.get("assignment") is None and data.get("purchase") is None, data


async def test_complete_replay_after_losing_the_buyer_role_returns_nothing(api):
    # Regression: same hole for completePurchaseAssignment (resolvers/purchases._idempotent replays
    # PurchaseAssignment.get(id) and _assignment_payload presents it unscoped).
    assignment, _, _ = await _bought(api)
    done = {"assignmentId": assignment["id"], "expectedVersion": 1, "idempotencyKey": "done-1"}
    assert (await api.data(COMPLETE, {"i": done}, as_user="buyer.east"))["completePurchaseAssignment"][
        "userErrors"
    ] == []
    revoke = {"login": "buyer.east", "role": "MARKET_BUYER", "unitCode": "east", "reason": "moved"}
    assert (await api.data(REVOKE, {"i": revoke}, as_user="hq.admin"))["revokeRole"]["userErrors"] == []
    body = await api.run(COMPLETE, {"i": done}, as_user="buyer.east")
    data = (body.get("data") or {}).get("completePurchaseAssignment") or {}
    assert data.get("assignment") is None, data


async def test_ship_replay_does_not_reveal_the_lab_report_to_the_buyer(api):
    # Regression: resolvers/samples._once replays Sample.get(id) "as it is now" and SamplePayload
    # resolves Sample.report / conditionOnArrival for whoever replays: a market buyer (no
    # sample read at all) reads the lab's results by resending their shipSample key.
    _, purchase, _ = await _bought(api)
    sample_id = purchase["samples"][0]["id"]
    ship = {"sampleId": sample_id, "expectedVersion": 1, "carrier": "SF", "trackingNumber": "SF1",
            "idempotencyKey": "ship-1"}  # fmt: skip
    assert (await api.data(SHIP, {"i": ship}, as_user="buyer.east"))["shipSample"]["userErrors"] == []
    received = {"sampleId": sample_id, "expectedVersion": 2, "condition": "seal broken, secret lab note"}
    await api.data(STEP.format(name="receiveSample"), {"i": received}, as_user="lab.east2")
    await api.data(STEP.format(name="startSampleTesting"), {"i": {"sampleId": sample_id, "expectedVersion": 3}},
                   as_user="lab.east2")  # fmt: skip
    items = [{"item": "conductor resistance", "passed": False}]
    report = {"sampleId": sample_id, "expectedVersion": 4, "items": items, "conclusionPassed": False}
    assert (await api.data(LAB_REPORT, {"i": report}, as_user="lab.east2"))["submitLabReport"]["userErrors"] == []
    assert (await api.data(READS, as_user="buyer.east"))["samples"]["totalCount"] == 0  # no sample read
    replay = (await api.data(SHIP, {"i": ship}, as_user="buyer.east"))["shipSample"]
    sample = replay["sample"] or {}
    assert sample.get("report") is None, sample
    assert sample.get("conditionOnArrival") is None, sample
