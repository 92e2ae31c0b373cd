"""A certificate past its expiresOn reads as expired (过期, 有效期满) everywhere: its status and
history, the status filters, planning, spot checks and the certification decision."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from schema.relay import from_global_id, to_global_id
from services.certificate_expiry import expire_due
from services.clock import today
from store.models import AuditEntry, Certificate, CertificateStatusChange, Decision
from tests.api.results_support import SERIOUS, decide, reviewed_task
from tests.api.tasks_support import PLAN, certificate_ids

DEMO_EXPIRED = "20210010000000"  # E001's first certificate, valid until 2026-01-01
CERTS = """query($f: CertificateFilter) { certificates(first: 100, filter: $f) {
  totalCount nodes { number status expiresOn suspensionExpired statusHistory { fromStatus toStatus reason actor at } } } }"""
TRAIL = """query($id: ID!) { auditTrail(objectId: $id, first: 20) { nodes { actor action before after reason } } }"""
SPOT = """mutation($i: RecordSpotCheckInput!) { recordSpotCheck(input: $i) {
  certificate { status } userErrors { field code message } } }"""


async def _certificates(api, as_user="hq.auditor", **flt) -> list[dict]:
    return (await api.data(CERTS, {"f": flt}, as_user=as_user))["certificates"]["nodes"]


async def _expire_now(*numbers: str) -> None:
    """Time moves on: these certificates' validity ended yesterday (the sweep has not run yet)."""
    await Certificate.filter(number__in=numbers).update(expires_on=today() - timedelta(days=1))


async def test_the_demo_certificate_past_its_date_reads_expired_with_its_history(api):
    [cert] = await _certificates(api, search=DEMO_EXPIRED)
    assert (cert["status"], cert["expiresOn"]) == ("EXPIRED", "2026-01-01")
    last = cert["statusHistory"][-1]
    assert (last["fromStatus"], last["toStatus"], last["actor"]) == ("VALID", "EXPIRED", "system")
    assert "有效期满" in last["reason"] and "2026-01-01" in last["reason"]
    # Dated when validity ended (midnight in China, the service's time zone), not when it was noticed.
    assert datetime.fromisoformat(last["at"]) == datetime(2026, 1, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert DEMO_EXPIRED in {c["number"] for c in await _certificates(api, status="EXPIRED")}
    assert DEMO_EXPIRED not in {c["number"] for c in await _certificates(api, status="VALID")}
    assert not [c for c in await _certificates(api, status="VALID") if c["expiresOn"] < today().isoformat()]
    certificate = await Certificate.get(number=DEMO_EXPIRED)
    trail = (await api.data(TRAIL, {"id": to_global_id("Certificate", certificate.id)}, as_user="hq.auditor"))[
        "auditTrail"
    ]["nodes"]
    assert [(e["actor"], e["action"], e["before"]["status"], e["after"]["status"]) for e in trail] == [
        ("system", "certificate.status", "VALID", "EXPIRED")
    ]


async def test_past_its_date_a_certificate_reads_expired_before_the_sweep_then_the_sweep_records_it(api):
    number = (await Certificate.filter(factory__code="E002").order_by("id").first()).number
    await _expire_now(number)
    [cert] = await _certificates(api, search=number)
    assert cert["status"] == "EXPIRED" and cert["statusHistory"][-1]["toStatus"] == "VALID"
    assert number in {c["number"] for c in await _certificates(api, status="EXPIRED")}
    assert number not in {c["number"] for c in await _certificates(api, status="VALID")}
    # Several sweeps at once (processes, the hourly task, the CLI): one move, one history entry.
    moved = await asyncio.gather(expire_due(), expire_due(), expire_due())
    assert sorted(n for run in moved for n in run) == [number]
    assert await expire_due() == []
    certificate = await Certificate.get(number=number)
    assert certificate.status == "EXPIRED"
    history = await CertificateStatusChange.filter(certificate_id=certificate.id, to_status="EXPIRED").count()
    assert history == 1
    assert await AuditEntry.filter(object_id=certificate.id, action="certificate.status", actor="system").count() == 1


async def test_a_suspended_certificate_expires_too_and_is_no_longer_due_for_revocation(api):
    suspended = await Certificate.filter(status="SUSPENDED").order_by("id").first()
    await Certificate.filter(id=suspended.id).update(suspended_until=today() - timedelta(days=2))
    assert suspended.number in {c["number"] for c in await _certificates(api, suspensionExpired=True)}
    await _expire_now(suspended.number)
    [cert] = await _certificates(api, search=suspended.number)
    assert (cert["status"], cert["suspensionExpired"]) == ("EXPIRED", False)
    assert suspended.number not in {c["number"] for c in await _certificates(api, suspensionExpired=True)}
    assert suspended.number not in {c["number"] for c in await _certificates(api, status="SUSPENDED")}
    assert await expire_due() == [suspended.number]
    assert (await CertificateStatusChange.filter(certificate_id=suspended.id).order_by("-id").first()).from_status == (
        "SUSPENDED"
    )


async def test_a_decision_on_expired_certificates_can_only_cancel_them(api):
    task = await reviewed_task(api, "E002")
    numbers = [c["number"] for c in task["certificates"]]
    assert len(numbers) == 2
    await _expire_now(*numbers)
    for outcome, ground in (("MAINTAIN", None), ("SUSPEND", "FAILED_INSPECTION"), ("REVOKE", None)):
        refused = await decide(api, task, outcome, ground)
        assert [e["code"] for e in refused["userErrors"]] == ["INVALID"], outcome
        assert "过期" in refused["userErrors"][0]["message"]
    assert not await Decision.filter(task_id=from_global_id(task["id"])[1]).exists()
    assert {c["status"] for n in numbers for c in await _certificates(api, search=n)} == {"EXPIRED"}
    decided = await decide(api, task, "CANCEL", reason="有效期满未换证 Expired without renewal")
    assert decided["userErrors"] == [] and decided["task"]["decision"]["outcome"] == "CANCEL"
    for number in numbers:
        [cert] = await _certificates(api, search=number)
        moves = [(h["fromStatus"], h["toStatus"], h["actor"]) for h in cert["statusHistory"][-2:]]
        assert moves == [("VALID", "EXPIRED", "system"), ("EXPIRED", "CANCELLED", "east.decider")]


async def test_a_decision_applies_to_the_live_certificates_and_leaves_the_expired_one(api):
    task = await reviewed_task(api, "E002", "FAIL", [SERIOUS])
    first, second = sorted(c["number"] for c in task["certificates"])
    await _expire_now(first)
    decided = await decide(api, task, "SUSPEND", "FAILED_INSPECTION")
    assert decided["userErrors"] == []
    statuses = dict(await Certificate.filter(number__in=[first, second]).values_list("number", "status"))
    assert statuses == {first: "EXPIRED", second: "SUSPENDED"}
    record = await AuditEntry.filter(action="decision").order_by("-seq").first()
    assert record.after["expiredLeftAsIs"] == [first]


async def test_expired_certificates_are_not_planned_nor_taken_into_new_tasks(api):
    numbers = list(await Certificate.filter(factory__code="E002").values_list("number", flat=True))
    await _expire_now(*numbers)
    year = today().year
    plan = (await api.data(PLAN, {"i": {"unitCode": "east", "year": year}}, as_user="east.planner"))["generatePlan"]
    assert plan["userErrors"] == [] and plan["createdCount"] > 0
    assert "E002" not in {t["factory"]["code"] for t in plan["tasks"]}
    assert await certificate_ids(api, "E002") == []  # tasks_support keeps VALID and SUSPENDED ones


async def test_a_third_spot_check_failure_does_not_revoke_an_expired_certificate(api):
    certificate = await Certificate.filter(factory__code="E002").order_by("id").first()
    await _expire_now(certificate.number)
    day = today() - timedelta(days=30)
    for n in range(3):
        body = {"certificateId": to_global_id("Certificate", certificate.id), "level": "NATIONAL", "passed": False,
                "checkedOn": (day + timedelta(days=n)).isoformat(), "reference": f"GJ-EXP-{n}"}  # fmt: skip
        spot = (await api.data(SPOT, {"i": body}, as_user="east.planner"))["recordSpotCheck"]
        assert spot["userErrors"] == [] and spot["certificate"]["status"] == "EXPIRED"
    assert (await Certificate.get(id=certificate.id)).status == "EXPIRED"
