"""Attacks on the public certificate status page (issue 14, E) from the outside: an anonymous
client, a market regulator, a scraper, an attacker. Each test says what a user relies on; the
failing ones are defects found, the passing ones pin an edge that matters."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
import pytest
from tortoise.transactions import in_transaction

from server import limiter as limiter_module
from server.limiter import SharedLimiter
from server.rate_limit import Rate, parse_rate
from server.settings import Settings
from services.clock import today
from store.models import Certificate, CertificateStatusChange
from tests.api.registry_admin_support import ok as admin_ok
from tests.api.registry_admin_support import send
from tests.api.test_public_certificate_status import ISSUE, JSON, PAGE, certificate, client_of, get
from tests.security.http_support import served
from tests.services.import_support import run_import

IMPORT_HEADER = ["number", "holder", "factory_code", "category_code", "implementation_rule", "issued_on",
                 "expires_on", "status"]  # fmt: skip


async def _issue(api, number: str) -> str:
    query = "query($c: String) { factories(first: 1, filter: {search: $c}) { nodes { id } } }"
    factory_id = (await api.data(query, {"c": "E001"}, as_user="hq.planner"))["factories"]["nodes"][0]["id"]
    body = {**ISSUE, "number": number, "factoryId": factory_id, "issuedOn": today().isoformat(),
            "expiresOn": (today() + timedelta(days=1000)).isoformat()}  # fmt: skip
    made = await send(
        api, "issueCertificate", "IssueCertificateInput", "certificate { number }", body, as_user="hq.planner"
    )
    return admin_ok(made, "certificate")["number"]


async def _moves(cert: Certificate, *moves: tuple[datetime, str]) -> None:
    """Status history entries at chosen instants (the decisions stamp `now`; these pin the clock)."""
    current = cert.status
    for at, to in moves:
        await CertificateStatusChange.create(
            certificate_id=cert.id, from_status=current, to_status=to, reason="attack", actor="system", at=at
        )
        current = to
    await Certificate.filter(id=cert.id).update(status=current)


# --- Numbers ------------------------------------------------------------------------------------


async def test_a_number_registered_in_mixed_case_is_found_whatever_case_is_typed(api):
    """A buyer typing the number from a label in capitals finds a certificate HQ registered as `CQC-2026Ab01`
    (the README: "case does not matter"); the QR code of it too."""
    registered = await _issue(api, "CQC-2026Ab01")
    assert registered == "CQC-2026Ab01"  # the registry keeps the case it was given
    assert (await get(api, registered)).status_code == 200
    for typed in ("CQC-2026AB01", "cqc-2026ab01", "cQc-2026aB01"):
        response = await get(api, typed)
        assert response.status_code == 200, (typed, response.text)
        assert response.json()["number"] == registered
        qr = await api.http.get(PAGE.format(quote(typed)) + "/qr.svg")
        assert qr.status_code == 200, (typed, qr.text)


async def test_a_number_in_any_case_is_found_by_one_index_search(api):
    """At a registry of a million certificates the look-up stays a search of an index, on both
    databases: one statement comparing `upper(number)`, which the index of 0032 serves."""
    await _issue(api, "CQC-2026Ab02")
    with api.count_queries() as counted:
        assert (await get(api, "cqc-2026AB02")).status_code == 200
    [statement] = counted.statements
    sql, params = statement.rsplit(": [", 1)
    assert 'UPPER("certificate"."number")=' in sql and "CAST" not in sql, sql
    plan = await _plan(sql, ast.literal_eval("[" + params))
    assert "idx_certificate_number_upper" in plan, plan


async def _plan(sql: str, params: list) -> str:
    """How the database would run `sql` (PostgreSQL told to avoid a scan, as a big table would)."""
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_script("SET LOCAL enable_seqscan = off")
            rows = await conn.execute_query_dict("EXPLAIN " + sql, params)
        else:
            rows = await conn.execute_query_dict("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(value) for row in rows for value in row.values())


@pytest.mark.parametrize(
    "typed",
    ["%", "_", "2021%", "2021_001", "..%2F..%2Fgraphql", "%00", "20210010000000%00", "\u200f20210010000000",
     "2021\u202e0010000000", "' OR '1'='1", "2021;--", "*", "2" * 64 + "x"],
)  # fmt: skip
async def test_wildcards_controls_and_injections_in_a_number_are_refused_never_matched(api, typed):
    """A LIKE wildcard, a NUL, a bidi mark or SQL in a number never matches some other certificate: a 400
    (or the router's 404), never a 200 nor a 500."""
    response = await api.http.get("/public/certificates/" + quote(typed, safe="%"), headers=JSON)
    assert response.status_code in (400, 404), (typed, response.status_code, response.text)
    assert "holder" not in response.text


async def test_nothing_reflected_into_the_html_page_can_run(api):
    """Whatever a link carries (number, date, format, headers), the HTML page shows it as text."""
    cert = await certificate()
    probe = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    no_slash = '"><svg onload=alert(1)><img src=x onerror=alert(1)>'
    responses = [
        await api.http.get("/public/certificates/" + quote(no_slash, safe="")),
        await api.http.get(PAGE.format(cert.number), params={"on": probe}),
        await api.http.get(PAGE.format(cert.number), params={"on": "2024-01-01", "format": probe}),
        await api.http.get(PAGE.format(cert.number), headers={"accept": probe, "accept-language": probe}),
    ]
    for response in responses:
        assert "<script>" not in response.text and "<img" not in response.text, response.text
        assert "<svg" not in response.text, response.text
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


# --- Dates --------------------------------------------------------------------------------------


async def test_repeated_on_parameters_are_refused_not_silently_the_last(api):
    """A regulator's link `?on=2020-01-01&on=2024-05-05` (two dates pasted together, or a proxy/WAF that
    reads the first while the page answers the last) gets a 400 saying which date, not an answer for one."""
    cert = await certificate()
    params = [("on", "2020-01-01"), ("on", (today() - timedelta(days=1)).isoformat())]
    response = await api.http.get(PAGE.format(cert.number), params=params, headers=JSON)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID"
    assert "on=" in response.json()["error"] and "2020-01-01" in response.json()["error"]
    formats = await api.http.get(PAGE.format(cert.number), params=[("format", "json"), ("format", "html")])
    assert formats.status_code == 400 and "format" in formats.text


@pytest.mark.parametrize(
    "on", ["+2026-01-01", "2026-W01-1", "2026-001", "1767225600", "2026-01-01T00:00:00Z", "2026-01-01Z",
           "20260101", "2026/01/01", "0000-01-01", "2026-02-29", "2026-01-01%00", " 2026-01-01 \u200b",
           "٢٠٢٤-٠١-٠٢"],
)  # fmt: skip
async def test_odd_dates_are_a_400_with_a_message(api, on):
    """A date that is not a real YYYY-MM-DD day is a clear 400, never a 500 nor a guess."""
    cert = await certificate()
    response = await get(api, cert.number, on=on)
    assert response.status_code == 400, (on, response.text)
    body = response.json()
    assert body["code"] == "INVALID" and ("YYYY-MM-DD" in body["error"] or "no such day" in body["error"]), body


async def test_the_end_of_day_is_the_service_time_zone_not_utc(api):
    """Suspended at 23:30 Beijing time (15:30 UTC) is suspended that day; restored at 00:30 the next day
    (16:30 UTC, the same UTC date) belongs to the next day."""
    cert = await certificate()
    await _moves(
        cert,
        (datetime(2026, 3, 1, 15, 30, tzinfo=UTC), "SUSPENDED"),
        (datetime(2026, 3, 1, 16, 30, tzinfo=UTC), "VALID"),
    )
    day = (await get(api, cert.number, on="2026-03-01")).json()
    assert (day["status"], day["statusesDuringDay"]) == ("SUSPENDED", ["VALID", "SUSPENDED"])
    nxt = (await get(api, cert.number, on="2026-03-02")).json()
    assert (nxt["status"], nxt["statusesDuringDay"]) == ("VALID", ["SUSPENDED", "VALID"])
    assert (await get(api, cert.number, on="2026-02-28")).json()["statusesDuringDay"] == ["VALID"]


async def test_suspended_and_restored_the_same_day_lists_both_moves(api):
    """A certificate suspended and restored within one day ends the day valid, and the page says it was
    suspended in between (a regulator judging goods sold at noon needs to know)."""
    cert = await certificate()
    await _moves(
        cert,
        (datetime(2026, 4, 10, 2, 0, tzinfo=UTC), "SUSPENDED"),
        (datetime(2026, 4, 10, 5, 0, tzinfo=UTC), "VALID"),
    )
    body = (await get(api, cert.number, on="2026-04-10")).json()
    assert (body["status"], body["statusesDuringDay"]) == ("VALID", ["VALID", "SUSPENDED", "VALID"])
    html = (await get(api, cert.number, on="2026-04-10", headers={})).text
    assert "Changed that day" in html and html.count('class="SUSPENDED"') == 1


async def test_issue_day_expiry_day_and_the_day_after(api):
    """On its issue day and its last day a certificate is valid; the day after it is expired."""
    cert = await certificate()
    statuses = [
        (await get(api, cert.number, on=day.isoformat())).json()["status"]
        for day in (cert.issued_on - timedelta(days=1), cert.issued_on)
    ]
    assert statuses == ["NOT_YET_ISSUED", "VALID"]
    expired = await Certificate.get(number="20210010000000")
    last, after = expired.expires_on, expired.expires_on + timedelta(days=1)
    assert (await get(api, expired.number, on=last.isoformat())).json()["status"] == "VALID"
    assert (await get(api, expired.number, on=after.isoformat())).json()["status"] == "EXPIRED"


async def test_a_certificate_taken_over_as_revoked_is_not_said_valid_before_it_entered(api):
    """A certificate taken over from another register already revoked (the initial load's status column) is
    never shown to a regulator as VALID on a past day: the registry does not know it was valid then."""
    rows = [IMPORT_HEADER, ["2024C0700001", "Ningbo Haitian", "E003", "C07", "", "2024-03-05", "2029-03-04", "撤销"]]
    outcome = await run_import("certificates", rows)
    assert (outcome.created, outcome.problems) == (1, [])
    for day in ("2024-03-05", "2025-01-01", (today() - timedelta(days=1)).isoformat()):
        body = (await get(api, "2024C0700001", on=day)).json()
        assert body.get("status") != "VALID", (day, body)
        # Not known: the records begin on the day it was taken over.
        expected = ("UNKNOWN", ["UNKNOWN"], today().isoformat())
        assert (body["status"], body["statusesDuringDay"], body["recordsBeginOn"]) == expected, body
    assert (await get(api, "2024C0700001", on="2024-03-04")).json()["status"] == "NOT_YET_ISSUED"
    now = (await get(api, "2024C0700001", on=today().isoformat())).json()
    assert "VALID" not in now["statusesDuringDay"], now  # not "valid this morning, revoked this afternoon"
    assert (now["status"], now["statusesDuringDay"], now["recordsBeginOn"]) == ("REVOKED", ["REVOKED"], None)
    html = (await get(api, "2024C0700001", on="2025-01-01", headers={})).text
    assert "未知" in html and f"records begin on {today().isoformat()}" in html


async def test_a_certificate_taken_over_as_valid_reads_valid_since_its_issue_date(api):
    """Taken over valid, it was valid since its issue date as far as anyone recorded: no UNKNOWN."""
    rows = [IMPORT_HEADER, ["2024C0700002", "Ningbo Haitian", "E003", "C07", "", "2024-03-05", "2029-03-04", "有效"]]
    assert (await run_import("certificates", rows)).created == 1
    for day in ("2024-03-05", "2025-01-01", today().isoformat()):
        body = (await get(api, "2024C0700002", on=day)).json()
        assert (body["status"], body["statusesDuringDay"], body["recordsBeginOn"]) == ("VALID", ["VALID"], None)


# --- Headers and methods ------------------------------------------------------------------------


async def test_headers_of_every_answer(api):
    """Every answer says what it is (content type, nosniff); refusals are never cached; the page loads nothing."""
    cert = await certificate()
    ok_page = await get(api, cert.number, headers={})
    assert ok_page.headers["content-type"] == "text/html; charset=utf-8"
    assert ok_page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in ok_page.headers["content-security-policy"]
    for refused in (await get(api, "2099000000000"), await get(api, "a_b"), await get(api, cert.number, on="x")):
        assert refused.headers["cache-control"] == "no-store"
        assert refused.headers["x-content-type-options"] == "nosniff"
    head = await api.http.head(PAGE.format(cert.number))
    assert head.status_code == 200 and head.content == b""
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        assert (await api.http.request(method, PAGE.format(cert.number))).status_code == 405, method


# --- Rate limit ---------------------------------------------------------------------------------


async def test_the_served_app_does_not_believe_forwarded_for_from_an_untrusted_local_peer(settings):
    """With SURVEIL_TRUSTED_PROXIES empty, a client on the same host (127.0.0.1) cannot mint a fresh
    budget per request by sending X-Forwarded-For: `surveil serve` runs uvicorn, whose own proxy-header
    handling trusts 127.0.0.1 by default and rewrites the client address before the limit sees it."""
    limited = dataclasses.replace(settings, public_rate_limit="2/minute", trusted_proxies=())
    async with served(limited) as (host, port), httpx.AsyncClient(base_url=f"http://{host}:{port}") as http:
        url = PAGE.format("20210010000000")
        codes = []
        for n in range(6):
            response = await http.get(url, headers={**JSON, "x-forwarded-for": f"198.51.100.{n}"})
            codes.append(response.status_code)
    assert codes[2:] == [429] * 4, codes


async def test_a_link_local_ipv6_client_with_a_zone_is_counted_not_a_500(settings):
    """A client on a link-local IPv6 address (`fe80::1%eth0`, as the socket names it) is answered and
    counted per /64 like any other IPv6 client."""
    limited = dataclasses.replace(settings, public_rate_limit="1/minute")
    async with client_of(limited, "fe80::1%eth0") as (http, application):
        assert (await http.get(PAGE.format("20210010000000"), headers=JSON)).status_code == 200
        assert (await http.get(PAGE.format("20210010000000"), headers=JSON)).status_code == 429
        other = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application, client=("fe80::2%eth1", 1)), base_url="http://t"
        )
        async with other:
            assert (await other.get(PAGE.format("20210010000000"), headers=JSON)).status_code == 429  # same /64


async def test_clients_behind_a_unix_socket_proxy_do_not_share_one_budget(settings):
    """Behind a reverse proxy on a unix socket (no peer address), one scraper must not use up the budget of
    every regulator in the world: the proxy's X-Forwarded-For names the client."""
    limited = dataclasses.replace(settings, public_rate_limit="2/minute", trusted_proxies=("127.0.0.1",))
    async with client_of(limited) as (_, application):
        transport = httpx.ASGITransport(app=application, client=None)  # a unix socket has no peer address
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            for _ in range(3):
                await http.get(PAGE.format("20210010000000"), headers={**JSON, "x-forwarded-for": "198.51.100.7"})
            regulator = await http.get(PAGE.format("20210010000000"), headers={**JSON, "x-forwarded-for": "192.0.2.1"})
    assert regulator.status_code == 200, regulator.text


async def test_many_addresses_do_not_make_every_later_request_expensive(sqlite_worlds):
    """After a burst from many addresses (a botnet, or one host's IPv6 /48 spread over its /64s) the
    limiter's bookkeeping stays cheap: a trickle of regulators' requests costs about what it costs
    without the burst, not a core's worth of CPU until the window ends."""
    settings = dataclasses.replace(
        Settings(), database_url=sqlite_worlds.fresh(), public_rate_limit="60/minute", trusted_proxies=("127.0.0.1",)
    )
    async with client_of(settings) as (http, _):

        async def trickle() -> float:
            started = time.process_time()
            for _ in range(40):
                await http.get("/public/certificates/a_b", headers=JSON)  # a 400: no database work
                await asyncio.sleep(0.025)
            return time.process_time() - started

        quiet = await trickle()
        for n in range(6000):
            forwarded = f"2001:db8:{n >> 8:x}:{n & 255:x}::1"  # 6,000 distinct /64s
            await http.get("/public/certificates/a_b", headers={**JSON, "x-forwarded-for": forwarded})
        busy = await trickle()
    assert busy < max(4 * quiet, 0.25), (quiet, busy)


async def test_the_budget_comes_back_steadily_and_429_says_when_a_request_fits_again():
    """60/minute on the shared limiter (a sliding window counter): 60 at once, then a refusal
    whose wait is the time until the used requests have faded enough for one more; the waits
    never exceed the two windows a request's count takes to fade out entirely."""
    limiter = SharedLimiter(None, "test")
    spent = [await limiter.spend("public", 60, 60, 1, "a") for _ in range(61)]
    assert all(s.allowed for s in spent[:60]) and [s.remaining for s in spent[:3]] == [59, 58, 57]
    refused = spent[60]
    assert not refused.allowed and 1 <= refused.retry_after <= 120
    assert (await limiter.spend("public", 60, 60, 1, "b")).allowed  # another client, another budget
    await limiter.close()


async def test_without_redis_the_counters_kept_are_bounded(monkeypatch):
    """Without Redis the counters live in the process: a flood from ever new addresses drops the
    oldest (who start afresh) instead of growing without end."""
    monkeypatch.setattr(limiter_module, "MAX_KEYS", 100)
    limiter = SharedLimiter(None, "test")
    for n in range(300):
        await limiter.spend("public", 1, 60, 1, f"client-{n}")
    assert len(limiter.storage.expirations) <= 100
    assert (await limiter.spend("public", 1, 60, 1, "client-0")).allowed  # forgotten: a fresh budget
    assert not (await limiter.spend("public", 1, 60, 1, "client-299")).allowed  # still remembered
    await limiter.close()


@pytest.mark.parametrize(
    ("text", "amount", "seconds"),
    [("60/minute", 60, 60), ("10 per second", 10, 1), ("100/5minutes", 100, 300), ("1000/Day", 1000, 86400)],
)
def test_rates_as_the_setting_is_written(text, amount, seconds):
    assert parse_rate(text) == Rate(amount, seconds)


@pytest.mark.parametrize("text", ["", "60", "0/minute", "60/fortnight", "60/0minutes", "-1/minute", "1e3/minute"])
def test_a_rate_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_rate(text)


# --- GraphQL ------------------------------------------------------------------------------------


async def test_public_status_url_in_graphql_for_enterprise_and_anonymous(api):
    """The enterprise reads its own certificate's public address; an anonymous caller reads nothing."""
    query = "{ certificates(first: 5) { nodes { number publicStatusUrl } } }"
    nodes = (await api.data(query, as_user="ent.E001"))["certificates"]["nodes"]
    assert nodes and all(n["publicStatusUrl"] == f"http://test/public/certificates/{n['number']}" for n in nodes)
    anonymous = await api.http.post("/graphql", json={"query": query})
    body = anonymous.json()
    assert body.get("errors") and not (body.get("data") or {}).get("certificates")


async def test_the_public_status_url_ignores_a_forged_host_when_a_base_url_is_set(settings):
    """With PUBLIC_BASE_URL set, a forged Host header never reaches the address printed as a QR code."""
    public = dataclasses.replace(settings, public_base_url="https://ccc.example.org")
    async with client_of(public) as (http, _):
        forged = {**JSON, "host": "evil.example", "x-forwarded-host": "evil.example"}
        body = (await http.get(PAGE.format("20210010000000"), headers=forged)).json()
        assert body["url"] == "https://ccc.example.org/public/certificates/20210010000000"
        svg = await http.get(PAGE.format("20210010000000") + "/qr.svg", headers=forged)
        assert b"evil.example" not in svg.content
