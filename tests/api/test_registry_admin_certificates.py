"""Registry administration: certificates issued, renewed, transferred and cancelled by HQ's
planners (issue 12), each audited, cancellation through the status machine with its history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.clock import today
from store.models import AuditEntry, Certificate, CertificateStatusChange
from tests.api.registry_admin_support import (
    CERTIFICATE,
    OUTSIDERS,
    errors,
    ok,
    refusal,
    send,
    trail,
    writes_nothing,
)
from tests.api.tasks_support import create
from tests.api.tasks_support import ok as task_ok
from tests.client import factory

PAYLOAD = f"certificate {{ {CERTIFICATE} statusHistory {{ fromStatus toStatus reason actor }} }}"
CERTS = """query($f: CertificateFilter) { certificates(first: 50, filter: $f) {
  nodes { id number status version expiresOn factory { code } } } }"""


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


async def certificates(api, as_user: str = "hq.planner", **flt) -> list[dict]:
    return (await api.data(CERTS, {"f": flt}, as_user=as_user))["certificates"]["nodes"]


async def one(api, status: str = "VALID", code: str = "E001") -> dict:
    f = await factory(api, code)
    return next(c for c in await certificates(api, factoryId=f["id"]) if c["status"] == status)


async def issue(api, code: str = "E001", as_user: str = "hq.planner", **changes) -> dict:
    f = await factory(api, code)
    body = {"factoryId": f["id"], "number": "2026010199000001", "holder": "Shanghai Ruifeng Cable Co.",
            "categoryCode": "C01", "issuedOn": day(0), "expiresOn": day(1500), "reason": "发证 First certificate",
            **changes}  # fmt: skip
    return await send(api, "issueCertificate", "IssueCertificateInput", PAYLOAD, body, as_user=as_user)


async def act(api, name: str, input_type: str, cert: dict, as_user: str = "hq.planner", **fields) -> dict:
    body = {"certificateId": cert["id"], "expectedVersion": cert["version"], "reason": "Administration", **fields}
    return await send(api, name, input_type, PAYLOAD, body, as_user=as_user)


async def test_an_issued_certificate_starts_its_history_under_its_categorys_rule(api):
    made = ok(await issue(api), "certificate")
    assert (made["status"], made["version"], made["factory"]) == ("VALID", 1, {"code": "E001"})
    assert made["implementationRule"] == "CNCA-C01-01:2014"  # the category's
    assert made["statusHistory"] == [
        {"fromStatus": None, "toStatus": "VALID", "reason": "发证 First certificate", "actor": "hq.planner"}
    ]
    assert made["number"] in {c["number"] for c in await certificates(api, as_user="east.planner")}
    [entry] = await trail(api, made["id"], as_user="east.planner")
    assert (entry["action"], entry["actor"]) == ("certificate.issue", "hq.planner")
    assert entry["after"]["implementationRule"] == "CNCA-C01-01:2014" and entry["after"]["factory"] == "E001"
    other = ok(await issue(api, number="2026010199000002", implementationRule="CNCA-C01-01:2024"), "certificate")
    assert other["implementationRule"] == "CNCA-C01-01:2024"


async def test_bad_certificates_are_refused_field_by_field(api):
    async with writes_nothing():
        before = await Certificate.all().count()
        bad = await issue(api, number="NO 1", holder="", expiresOn=day(-1), issuedOn=day(0))
        assert errors(bad) == {"number": "INVALID", "holder": "REQUIRED", "expiresOn": "INVALID"}
        assert errors(await issue(api, expiresOn=day(5 * 366 + 1))) == {"expiresOn": "INVALID"}
        assert errors(await issue(api, issuedOn=day(1))) == {"issuedOn": "INVALID"}
        assert errors(await issue(api, issuedOn=day(-2000), expiresOn=day(-1))) == {"expiresOn": "INVALID"}
        assert errors(await issue(api, categoryCode="C99")) == {"categoryCode": "NOT_FOUND"}
        taken = (await one(api))["number"]
        assert errors(await issue(api, number=taken)) == {"number": "CONFLICT"}
        assert errors(await issue(api, factoryId="RmFjdG9yeTo5OTk5")) == {"factoryId": "NOT_FOUND"}
        assert await Certificate.all().count() == before


async def test_a_live_certificate_is_renewed_and_a_final_one_is_not(api):
    cert = await one(api)
    renewed = ok(await act(api, "renewCertificate", "RenewCertificateInput", cert, expiresOn=day(1800)), "certificate")
    assert (renewed["expiresOn"], renewed["version"]) == (day(1800), cert["version"] + 1)
    entry = (await trail(api, cert["id"]))[-1]
    assert (entry["action"], entry["before"], entry["after"]) == (
        "certificate.renew", {"expiresOn": cert["expiresOn"]}, {"expiresOn": day(1800)}
    )  # fmt: skip
    async with writes_nothing():
        stale = await act(api, "renewCertificate", "RenewCertificateInput", cert, expiresOn=day(1801))
        assert errors(stale) == {"expectedVersion": "STALE_VERSION"}
        earlier = await act(api, "renewCertificate", "RenewCertificateInput", renewed, expiresOn=day(100))
        assert errors(earlier) == {"expiresOn": "INVALID"}
        too_long = await act(api, "renewCertificate", "RenewCertificateInput", renewed, expiresOn=day(5 * 366 + 1))
        assert errors(too_long) == {"expiresOn": "INVALID"}
        revoked = await one(api, "REVOKED", "E008")
        final = await act(api, "renewCertificate", "RenewCertificateInput", revoked, expiresOn=day(1000))
        assert errors(final) == {"certificateId": "TRANSITION_NOT_ALLOWED"}


async def test_a_certificate_moves_with_its_production_unless_a_task_surveils_it(api):
    cert = await one(api, code="E001")
    e009 = await factory(api, "E009")
    moved = ok(await act(api, "transferCertificate", "TransferCertificateInput", cert, factoryId=e009["id"],
                         reason="生产转移 Production moved to Wuxi"), "certificate")  # fmt: skip
    assert moved["factory"] == {"code": "E009"} and moved["version"] == cert["version"] + 1
    entry = (await trail(api, cert["id"]))[-1]
    assert (entry["action"], entry["before"], entry["after"]) == (
        "certificate.transfer", {"factory": "E001"}, {"factory": "E009"}
    )  # fmt: skip
    async with writes_nothing():
        same = await act(api, "transferCertificate", "TransferCertificateInput", moved, factoryId=e009["id"])
        assert errors(same) == {"factoryId": "NO_CHANGE"}
    task_ok(await create(api, "E003", as_user="east.planner"))
    surveilled = await one(api, code="E003")
    async with writes_nothing():
        refused = await act(api, "transferCertificate", "TransferCertificateInput", surveilled, factoryId=e009["id"])
        assert errors(refused) == {"certificateId": "CONFLICT"}


async def test_cancellation_goes_through_the_status_machine_and_its_history(api):
    cert = await one(api)
    cancelled = ok(await act(api, "cancelCertificate", "CancelCertificateInput", cert, reason="持证人申请注销"),
                   "certificate")  # fmt: skip
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["statusHistory"][-1] == {
        "fromStatus": "VALID", "toStatus": "CANCELLED", "reason": "持证人申请注销", "actor": "hq.planner"
    }  # fmt: skip
    entry = (await trail(api, cert["id"]))[-1]
    assert (entry["action"], entry["before"]["status"], entry["after"]["status"]) == (
        "certificate.cancel", "VALID", "CANCELLED"
    )  # fmt: skip
    async with writes_nothing():
        again = await act(api, "cancelCertificate", "CancelCertificateInput", cancelled)
        assert errors(again) == {"certificateId": "TRANSITION_NOT_ALLOWED"}
    expired = next(c for c in await certificates(api, status="EXPIRED"))
    done = ok(
        await act(api, "cancelCertificate", "CancelCertificateInput", expired, reason="有效期满 注销"), "certificate"
    )
    assert done["status"] == "CANCELLED"
    assert [h["toStatus"] for h in done["statusHistory"]][-2:] == ["EXPIRED", "CANCELLED"]


@pytest.mark.parametrize("login", [*OUTSIDERS, "hq.admin", "hq.decider"])
async def test_only_hq_planners_administer_certificates(api, login):
    await api.token(login)
    cert = await one(api)
    readable = any(c["id"] == cert["id"] for c in await certificates(api, as_user=login))
    expected = "FORBIDDEN" if readable else "NOT_FOUND"
    e009 = await factory(api, "E009")
    history = await CertificateStatusChange.all().count()
    async with writes_nothing():
        assert refusal(await issue(api, as_user=login)) == "FORBIDDEN"
        for name, input_type, fields in (
            ("renewCertificate", "RenewCertificateInput", {"expiresOn": day(1000)}),
            ("transferCertificate", "TransferCertificateInput", {"factoryId": e009["id"]}),
            ("cancelCertificate", "CancelCertificateInput", {}),
        ):
            assert refusal(await act(api, name, input_type, cert, as_user=login, **fields)) == expected, name
    assert await CertificateStatusChange.all().count() == history
    assert not await AuditEntry.filter(action__startswith="certificate.", actor=login).exists()
