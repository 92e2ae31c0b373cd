"""Helpers for purchase tests: a sampling task ready for a buyer, the mobile requests, and a
buyer's assignment or purchase ready to probe."""

import dataclasses
import uuid
from datetime import UTC, datetime

import pytest

from schema.relay import from_global_id
from server.settings import Settings
from store.models import Document, IdempotencyRecord, Purchase
from tests.api.tasks_support import create, issue, ok

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"p" * 3000
PNG = b"\x89PNG\r\n\x1a\n" + b"q" * 2000
PDF = b"%PDF-1.7\n" + b"r" * 1500 + b"\n%%EOF"

DETAILS = """mutation($i: SamplingDetailsInput!) { setSamplingDetails(input: $i) {
  task { id version status } userErrors { field code } } }"""
ASSIGNMENT_FIELDS = """id status version buyer instructions dueOn quantity taskId closeReason
  productCategory { code nameZh } samplingSchemes { title testItems sampleQuantity }
  target { factoryCode manufacturer certificates { number holder productCategory { code } } }
  lab { code name }
  purchases { id shopName price currency receiptNumber latitude longitude purchasedAt buyer
    receipt { purpose contentType sha256 size } photos { purpose contentType sha256 }
    samples { id identifier sealNumber quantity status version } }"""
ASSIGN = f"""mutation($i: AssignBuyerInput!) {{ assignBuyer(input: $i) {{
  assignment {{ {ASSIGNMENT_FIELDS} }} userErrors {{ field code message }} }} }}"""
WORK = f"""query($status: PurchaseAssignmentStatus) {{ purchaseAssignments(first: 20, status: $status) {{
  totalCount nodes {{ {ASSIGNMENT_FIELDS} }} }} }}"""
RECORD = f"""mutation($i: RecordPurchaseInput!) {{ recordPurchase(input: $i) {{
  purchase {{ id shopName price samples {{ id identifier status version }} }}
  assignment {{ {ASSIGNMENT_FIELDS} }} userErrors {{ field code message }} }} }}"""

SHIP = """mutation($i: SampleStepInput!) { shipSample(input: $i) {
  sample { id status version carrier conditionOnArrival report { passed items { item passed } documentUrl } }
  userErrors { field code } } }"""
COMPLETE = """mutation($i: CompletePurchaseAssignmentInput!) { completePurchaseAssignment(input: $i) {
  assignment { id status version target { factoryCode } } userErrors { field code } } }"""
PROBLEM = """mutation($i: ReportPurchaseProblemInput!) { reportPurchaseProblem(input: $i) {
  assignment { status version } userErrors { field code } } }"""
WITHDRAW = """mutation($i: WithdrawPurchaseAssignmentInput!) { withdrawPurchaseAssignment(input: $i) {
  assignment { status } userErrors { field code } } }"""


SCHEME = """mutation($i: SamplingSchemeInput!) { upsertSamplingScheme(input: $i) { userErrors { code } } }"""


async def purchase_task(api, code="E001", *, method="PURCHASE", as_user="east.planner"):
    """An issued sampling task of `code` whose details say: buy at the market, test at east-lab-2.
    HQ's scheme for its category tells the buyer what the lab will test."""
    scheme = {"productCategory": "C01", "title": "Cable market sampling", "testItems": ["conductor resistance"],
              "sampleQuantity": 2, "sites": ["MARKET"], "reason": "Market sampling 2026"}  # fmt: skip
    assert (await api.data(SCHEME, {"i": scheme}, as_user="hq.planner"))["upsertSamplingScheme"]["userErrors"] == []
    task = ok(await issue(api, ok(await create(api, code, "SAMPLING", as_user=as_user)), as_user=as_user))
    body = {"taskId": task["id"], "expectedVersion": task["version"], "site": "MARKET", "method": method,
            "productCategory": "C01", "quantity": 2, "labCode": "east-lab-2"}  # fmt: skip
    payload = (await api.data(DETAILS, {"i": body}, as_user=as_user))["setSamplingDetails"]
    assert payload["userErrors"] == [], payload
    return payload["task"]


async def assign_buyer(api, task, buyer="buyer.east", *, as_user="east.planner", instructions="Two coils"):
    body = {"taskId": task["id"], "expectedVersion": task["version"], "buyerLogin": buyer,
            "instructions": instructions}  # fmt: skip
    return (await api.data(ASSIGN, {"i": body}, as_user=as_user))["assignBuyer"]


def purchase_input(assignment_id: str, key: str, **overrides) -> dict:
    body = {
        "assignmentId": assignment_id, "idempotencyKey": key, "shopName": "Hangzhou Hardware Market, stall 12",
        "shopAddress": "88 Jiefang Road, Hangzhou", "latitude": 30.2741, "longitude": 120.1551,
        "gpsAccuracyMeters": 8.5, "purchasedAt": datetime.now(UTC).isoformat(), "price": "128.50",
        "currency": "CNY", "receiptNumber": "R-20261124-0042", "receipt": None, "photos": [None, None],
        "samples": [{"identifier": f"B-{key[-8:]}-1", "sealNumber": "F-1", "quantity": 1},
                    {"identifier": f"B-{key[-8:]}-2", "sealNumber": "F-2", "quantity": 1}],
    }  # fmt: skip
    body.update(overrides)
    return body


def purchase_files(receipt=("receipt.jpg", JPEG, "image/jpeg"), photos=None) -> dict:
    photos = photos if photos is not None else [("p1.jpg", JPEG, "image/jpeg"), ("p2.png", PNG, "image/png")]
    files = {"i.receipt": receipt}
    files.update({f"i.photos.{n}": p for n, p in enumerate(photos)})
    return files


async def record(api, body: dict, files: dict | None = None, *, as_user="buyer.east") -> dict:
    if files is None:
        files = purchase_files()
    return await api.upload(RECORD, {"i": body}, files, as_user=as_user)


@pytest.fixture(name="settings")
def purchase_settings(world_url, tmp_path) -> Settings:
    """Documents in the test's own directory, and a 50 kB upload limit the limit tests reach."""
    return dataclasses.replace(
        Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"), max_upload_bytes=50_000
    )


def codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def fields(payload) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def _assigned(api, code="E001", buyer="buyer.east"):
    payload = await assign_buyer(api, await purchase_task(api, code), buyer)
    assert payload["userErrors"] == [], payload
    return payload["assignment"]


async def _bought(api, code="E001", buyer="buyer.east", key=None):
    assignment = await _assigned(api, code, buyer)
    body = purchase_input(assignment["id"], key or f"k-{uuid.uuid4()}")
    payload = (await record(api, body, as_user=buyer))["data"]["recordPurchase"]
    assert payload["userErrors"] == [], payload
    return payload["assignment"], payload["purchase"], body


def _db_id(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def _nothing_written(before_purchases=0):
    assert await Purchase.all().count() == before_purchases
    assert await Document.filter(purpose__in=["RECEIPT", "PRODUCT_PHOTO"]).count() == 0
    assert await IdempotencyRecord.all().count() == 0
