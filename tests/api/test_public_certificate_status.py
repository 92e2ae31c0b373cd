"""Public certificate status (issue 14): GET /public/certificates/{number} without a token, as
JSON and as a bilingual HTML page, today and on a past day from the status history; its QR
code; bad input; the per-address rate limit; nothing internal in what it says."""

from __future__ import annotations

import dataclasses
import io
from contextlib import asynccontextmanager
from datetime import date, timedelta
from urllib.parse import quote

import httpx
import pytest
import segno

from schema.relay import to_global_id
from server.app import create_app
from server.settings import Settings, load_settings
from services.clock import local_date, today
from store.models import Certificate, CertificateStatusChange
from tests.api.registry_admin_support import ok as admin_ok
from tests.api.registry_admin_support import send
from tests.api.results_support import decide, reviewed_task
from tests.api.tasks_support import ok

PAGE = "/public/certificates/{}"
JSON = {"accept": "application/json"}
PUBLIC_KEYS = {"number", "asOf", "status", "statusZh", "statusEn", "statusesDuringDay", "recordsBeginOn", "holder",
               "factoryName", "productCategory", "issuedOn", "expiresOn", "url"}  # fmt: skip
ISSUE = {"number": "CQC-2026AB01", "holder": "Ruifeng <Cable> & Co.", "categoryCode": "C01",
         "reason": "发证 Issued for the public page"}  # fmt: skip
EXPIRED = "20210010000000"  # the demo world's: valid until 2026-01-01


async def get(api, number: str, *, on: str | None = None, headers=None, **params) -> httpx.Response:
    if on is not None:
        params["on"] = on
    return await api.http.get(
        PAGE.format(quote(number, safe="")), params=params, headers=JSON if headers is None else headers
    )


async def certificate(status: str = "VALID", prefix: str = "E") -> Certificate:
    found = await Certificate.filter(status=status, factory__code__startswith=prefix).order_by("id").first()
    await found.fetch_related("factory", "product_category")
    return found


@asynccontextmanager
async def client_of(settings: Settings, address: str = "127.0.0.1"):
    """The real app with other settings, as a client at `address`."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http, application


async def test_today_as_json_without_a_token_in_one_statement(api):
    cert = await certificate()
    with api.count_queries() as counted:
        response = await get(api, cert.number)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert len(counted.statements) == 1, counted.statements
    body = response.json()
    assert set(body) == PUBLIC_KEYS
    assert body == {
        "number": cert.number, "asOf": today().isoformat(), "status": "VALID", "statusZh": "有效", "statusEn": "Valid",
        "statusesDuringDay": ["VALID"], "recordsBeginOn": None, "holder": cert.holder, "factoryName": cert.factory.name,
        "productCategory": {"code": cert.product_category.code, "name": cert.product_category.name,
                            "nameZh": cert.product_category.name_zh},
        "issuedOn": cert.issued_on.isoformat(), "expiresOn": cert.expires_on.isoformat(),
        "url": f"http://test/public/certificates/{cert.number}",
    }  # fmt: skip
    assert (await get(api, cert.number, headers={"accept": "*/*"}, format="json")).json() == body


async def test_today_as_a_bilingual_html_page_for_browsers(api):
    made = await _issue_lettered(api)
    browser = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    response = await get(api, made["number"], headers=browser)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for label in ("状态", "Status", "持证人", "Holder", "生产厂", "Factory", "产品类别", "Product category", "有效期至",
                  "Valid until", "有效", "Valid", "电线电缆", "Wires and cables", "CQC-2026AB01"):  # fmt: skip
        assert label in page, label
    assert "Ruifeng &lt;Cable&gt; &amp; Co." in page and "<Cable>" not in page  # escaped
    assert "<script" not in page and "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert (await get(api, made["number"], headers=JSON, format="html")).text == page


async def test_a_past_day_when_suspended_then_restored_from_the_history(api):
    cert = await certificate("SUSPENDED")
    history = await CertificateStatusChange.filter(certificate_id=cert.id).order_by("at")
    suspended_on = local_date(history[-1].at)
    await _restore(api, cert)

    async def on(day: date) -> dict:
        response = await get(api, cert.number, on=day.isoformat())
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["asOf"] == day.isoformat()
        return body

    assert (await on(suspended_on - timedelta(days=1)))["status"] == "VALID"
    that_day = await on(suspended_on)
    assert (that_day["status"], that_day["statusesDuringDay"]) == ("SUSPENDED", ["VALID", "SUSPENDED"])
    assert (await on(suspended_on + timedelta(days=30)))["statusesDuringDay"] == ["SUSPENDED"]
    restored = await on(today())
    assert (restored["status"], restored["statusesDuringDay"]) == ("VALID", ["SUSPENDED", "VALID"])
    assert (await get(api, cert.number)).json()["status"] == "VALID"
    assert (await on(cert.issued_on))["status"] == "VALID"
    with api.count_queries() as counted:
        page = await get(api, cert.number, on=(suspended_on + timedelta(days=1)).isoformat(), headers={})
    assert len(counted.statements) == 2, counted.statements
    assert "暂停" in page.text and "Suspended" in page.text and "status at the end of that day" in page.text


async def test_before_issue_not_yet_issued_and_after_expiry_expired(api):
    cert = await certificate()
    with api.count_queries() as counted:
        before = (await get(api, cert.number, on=(cert.issued_on - timedelta(days=1)).isoformat())).json()
    assert len(counted.statements) == 1  # nothing to read in the history
    assert (before["status"], before["statusZh"], before["statusEn"]) == (
        "NOT_YET_ISSUED",
        "尚未发证",
        "Not yet issued",
    )
    assert (await get(api, cert.number, on="0001-01-01")).json()["status"] == "NOT_YET_ISSUED"
    html = (await get(api, cert.number, on=(cert.issued_on - timedelta(days=1)).isoformat(), headers={})).text
    assert "尚未发证" in html and "Not yet issued" in html
    assert (await get(api, EXPIRED, on="2026-01-01")).json()["status"] == "VALID"  # its last day
    assert (await get(api, EXPIRED, on="2026-01-02")).json()["status"] == "EXPIRED"
    assert (await get(api, EXPIRED)).json()["status"] == "EXPIRED"


async def test_unknown_and_malformed_numbers(api):
    for headers, kind in ((JSON, "application/json"), ({}, "text/html")):
        missing = await get(api, "2099000000000", headers=headers)
        assert missing.status_code == 404 and missing.headers["content-type"].startswith(kind)
        assert (
            "No certificate has the number 2099000000000" in missing.text
            and "没有编号为 2099000000000 的证书" in missing.text
        )
    assert (await get(api, "2099000000000")).json()["code"] == "NOT_FOUND"
    for bad in ("2021 001", "2021<script>", "证书一号", "-2021", "2" * 65, "9" * 5000, "a_b"):
        response = await get(api, bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] in ("INVALID", "TOO_LONG")
    html = await get(api, "2021<script>", headers={})
    assert html.status_code == 400 and "<script>" not in html.text and "letters, digits and hyphens" in html.text


async def test_malformed_impossible_and_future_days(api):
    cert = await certificate()
    for bad in ("2024-1-1", "2024-02-30", "2023-13-01", "yesterday", "", "2024-01-01T00:00", "1" * 5000):
        response = await get(api, cert.number, on=bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "INVALID"
    future = await get(api, cert.number, on=(today() + timedelta(days=1)).isoformat())
    assert future.status_code == 400 and "not known yet" in future.json()["error"]
    assert (await get(api, cert.number, on="２０２４－０１－０２")).json()["asOf"] == "2024-01-02"  # full-width
    assert (await get(api, cert.number, format="xml")).status_code == 400


async def test_numbers_normalised_like_the_registry(api):
    await _issue_lettered(api)
    cert = await certificate()
    full_width = cert.number.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    for typed, registered in ((full_width, cert.number), (f"  {cert.number}\t", cert.number),
                              ("cqc-2026ab01", "CQC-2026AB01"), ("ＣＱＣ－２０２６ａｂ０１", "CQC-2026AB01")):  # fmt: skip
        response = await get(api, typed)
        assert response.status_code == 200, typed
        assert response.json()["number"] == registered
        assert response.json()["url"] == f"http://test/public/certificates/{registered}"


async def test_nothing_internal_in_either_form(api):
    cert = await certificate("SUSPENDED")
    await cert.fetch_related("factory__responsible_unit")
    changes = await CertificateStatusChange.filter(certificate_id=cert.id)
    internal = ['"id"', to_global_id("Certificate", cert.id), "classification", cert.factory.code, cert.factory.address,
                cert.factory.responsible_unit.code, "suspendedUntil", "suspensionGround", "version", "task",
                "system", "east.", *(c.reason for c in changes), *(c.actor for c in changes)]  # fmt: skip
    for headers in (JSON, {}):
        text = (await get(api, cert.number, headers=headers)).text
        text += (await get(api, cert.number, on=local_date(changes[-1].at).isoformat(), headers=headers)).text
        for word in internal:
            assert word not in text, word


async def test_a_token_is_not_needed_and_changes_nothing(api):
    cert = await certificate()
    anonymous = (await get(api, cert.number)).json()
    admin = {**JSON, "authorization": f"Bearer {await api.token('hq.admin')}"}
    assert (await get(api, cert.number, headers=admin)).json() == anonymous
    broken = await get(api, cert.number, headers={**JSON, "authorization": "Bearer not-a-token"})
    assert broken.status_code == 200 and broken.json() == anonymous


async def test_rate_limited_per_client_address_with_retry_after(settings):
    limited = dataclasses.replace(settings, public_rate_limit="3/minute")
    async with client_of(limited) as (http, application):
        number = (await certificate()).number
        for _ in range(3):
            assert (await http.get(PAGE.format(number), headers=JSON)).status_code == 200
        over = await http.get(PAGE.format(number), headers=JSON)
        assert over.status_code == 429 and over.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(over.headers["retry-after"]) <= 60 and "try again in" in over.json()["error"]
        page = await http.get(PAGE.format(number))
        assert page.status_code == 429 and "Too many requests" in page.text and page.headers["retry-after"]
        assert (await http.get(PAGE.format(number) + "/qr.svg")).status_code == 429  # one budget for the public pages
        spoofed = await http.get(PAGE.format(number), headers={**JSON, "x-forwarded-for": "198.51.100.7"})
        assert spoofed.status_code == 429  # an untrusted peer's header is not believed
        other = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application, client=("192.0.2.9", 1)), base_url="http://t"
        )
        async with other:
            assert (await other.get(PAGE.format(number), headers=JSON)).status_code == 200


async def test_forwarded_for_is_believed_from_a_trusted_proxy_only(settings):
    behind = dataclasses.replace(settings, public_rate_limit="1/minute", trusted_proxies=("10.0.0.0/8",))
    async with client_of(behind, "10.1.2.3") as (http, _):
        number = (await certificate()).number

        async def status(forwarded: str) -> int:
            return (await http.get(PAGE.format(number), headers={**JSON, "x-forwarded-for": forwarded})).status_code

        assert await status("198.51.100.7") == 200
        assert await status("198.51.100.7") == 429
        assert await status("203.0.113.5, 10.9.9.9") == 200  # the right-most address not a proxy's
        assert await status("198.51.100.7, 203.0.113.5") == 429  # the left-most is the client's word only


async def test_qr_codes_encode_the_public_page(settings):
    public = dataclasses.replace(settings, public_base_url="https://ccc.example.org/")
    async with client_of(public) as (http, _):
        cert = await certificate()
        url = f"https://ccc.example.org/public/certificates/{cert.number}"
        svg = await http.get(PAGE.format(cert.number) + "/qr.svg")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.content == _segno(url, "svg", scale=4, border=4, title=url) and url.encode() in svg.content
        png = await http.get(PAGE.format(cert.number.lower()) + "/qr.png")
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content == _segno(url, "png", scale=8, border=4) and png.content.startswith(b"\x89PNG")
        assert (await http.get(PAGE.format("2099000000000") + "/qr.svg")).status_code == 404
        assert (await http.get(PAGE.format(cert.number) + "/qr.gif")).status_code == 404
        assert (await http.get(PAGE.format("bad number") + "/qr.svg")).status_code == 400
        assert (await http.get(PAGE.format(cert.number), headers=JSON)).json()["url"] == url


async def test_staff_read_the_public_url_in_graphql(api):
    cert = await certificate()
    query = "query($n: String) { certificates(first: 1, filter: {search: $n}) { nodes { number publicStatusUrl } } }"
    node = (await api.data(query, {"n": cert.number}, as_user="east.planner"))["certificates"]["nodes"][0]
    assert node == {"number": cert.number, "publicStatusUrl": f"http://test/public/certificates/{cert.number}"}


def test_production_needs_an_https_public_base_url(monkeypatch, tmp_path):
    (tmp_path / "jwks.json").write_text('{"keys": []}')
    monkeypatch.setenv("SURVEIL_ENV", "production")
    monkeypatch.setenv("JWKS_FILE", str(tmp_path / "jwks.json"))
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        load_settings()
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://ccc.example.org")
    with pytest.raises(RuntimeError, match="https"):
        load_settings()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://ccc.example.org/")
    assert load_settings().public_base_url == "https://ccc.example.org"
    monkeypatch.setenv("PUBLIC_RATE_LIMIT", "lots")
    with pytest.raises(RuntimeError, match="PUBLIC_RATE_LIMIT"):
        load_settings()


def _segno(url: str, kind: str, **options) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind=kind, **options)
    return out.getvalue()


async def _issue_lettered(api) -> dict:
    """A certificate whose number has letters and a hyphen, issued by HQ's planner today."""
    query = "query($c: String) { factories(first: 1, filter: {search: $c}) { nodes { id } } }"
    factory_id = (await api.data(query, {"c": "E001"}, as_user="hq.planner"))["factories"]["nodes"][0]["id"]
    body = {**ISSUE, "factoryId": factory_id, "issuedOn": today().isoformat(),
            "expiresOn": (today() + timedelta(days=1000)).isoformat()}  # fmt: skip
    made = await send(
        api, "issueCertificate", "IssueCertificateInput", "certificate { number }", body, as_user="hq.planner"
    )
    return admin_ok(made, "certificate")


async def _restore(api, cert: Certificate) -> None:
    """A restoration inspection passed and decided RESTORE (the real mutations)."""
    query = "query($n: String) { certificates(first: 1, filter: {search: $n}) { nodes { id } } }"
    cert_id = (await api.data(query, {"n": cert.number}, as_user="east.planner"))["certificates"]["nodes"][0]["id"]
    window = ((today() + timedelta(days=9)).isoformat(), (today() + timedelta(days=10)).isoformat())
    task = await reviewed_task(api, cert.factory.code, kind="RESTORATION", certs=[cert_id], window=window)
    ok(await decide(api, task, "RESTORE"))
    assert (await Certificate.get(id=cert.id)).status == "VALID"
