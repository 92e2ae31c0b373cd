"""Registry administration (issue 12) at its edges, as an outside attack found them and as they
are now pinned, through the GraphQL endpoint as each kind of user would send it: a province
spelt in another case or width names the same province (North China is not taken, no second
Shanghai); a unit emptied by a take-over can still be updated; certificate numbers and factory
codes are unique regardless of case and width; a far-future issue date is a user error, not a
crash; a unit's lists are bounded."""

from __future__ import annotations

from datetime import timedelta

from services.clock import today
from store.models import Certificate, Factory, OrgUnit
from tests.api.registry_admin_support import (
    CERTIFICATE,
    FACTORY,
    UNIT,
    errors,
    ok,
    send,
    unit_id,
    writes_nothing,
)
from tests.client import factory

REASON = "外部攻击测试 Attack test"


async def create_unit(api, body: dict, as_user: str = "hq.admin") -> dict:
    return await send(api, "createOrgUnit", "CreateOrgUnitInput", f"unit {{ {UNIT} }}", {"reason": REASON, **body},
                      as_user=as_user)  # fmt: skip


async def update_unit(api, body: dict, as_user: str = "hq.admin") -> dict:
    return await send(api, "updateOrgUnit", "UpdateOrgUnitInput", f"unit {{ {UNIT} }}", {"reason": REASON, **body},
                      as_user=as_user)  # fmt: skip


async def create_factory(api, body: dict, as_user: str = "hq.planner") -> dict:
    full = {"name": "Attack Test Factory", "address": "1 Test Rd", "country": "CN", "classification": "B",
            "reason": REASON, **body}  # fmt: skip
    return await send(api, "createFactory", "CreateFactoryInput", f"factory {{ {FACTORY} }}", full, as_user=as_user)


async def issue(api, body: dict, as_user: str = "hq.planner") -> dict:
    full = {"holder": "Attack Test Holder", "categoryCode": "C01", "issuedOn": today().isoformat(),
            "expiresOn": (today() + timedelta(days=365)).isoformat(), "reason": REASON, **body}  # fmt: skip
    return await send(api, "issueCertificate", "IssueCertificateInput", f"certificate {{ {CERTIFICATE} }}", full,
                      as_user=as_user)  # fmt: skip


# --- Jurisdiction: province names are compared as typed -----------------------------------------


async def test_north_china_is_not_taken_by_spelling_a_province_in_lower_case(api):
    """North China is HQ's own, but the check compares the exact text: a sub-centre listing
    'beijing' (or 'ＢＥＩＪＩＮＧ') is accepted, and from then on a factory recorded in 'beijing' is
    routed to that sub-centre instead of HQ. Beijing's factories are then split between two units
    by how a planner happened to type the province."""
    body = {"code": "north-x", "kind": "SUBCENTER", "name": "North X", "nameZh": "华北X分中心"}
    made = await create_unit(api, {**body, "provinces": ["beijing", "ＢＥＩＪＩＮＧ"]})
    placed = await create_factory(api, {"code": "BJ-900", "province": "beijing"})
    if not placed["userErrors"]:  # a factory in Beijing, however spelt, is HQ's
        assert placed["factory"]["responsibleUnit"] == {"code": "hq"}, placed
    assert errors(made) == {"provinces": "JURISDICTION"}


async def test_a_province_is_not_listed_twice_under_two_spellings(api):
    """Listing a province another sub-centre has moves it here (with its factories); listing it
    in another case does not: 'shanghai' becomes a second province beside east's 'Shanghai', and
    a new factory recorded in 'shanghai' is routed away from east while E001 stays there."""
    body = {"code": "coast", "kind": "SUBCENTER", "name": "Coast", "nameZh": "沿海分中心", "provinces": ["shanghai"]}
    made = await create_unit(api, body)
    if made.get("userErrors") == [] and made["unit"]:  # accepted: then it must have taken Shanghai over
        assert "Shanghai" not in (await OrgUnit.get(code="east")).provinces
        assert await Factory.filter(code="E001", responsible_unit__code="coast").exists()


# --- Take-over leaves the other unit invalid --------------------------------------------------


async def test_an_agency_stripped_of_its_last_country_is_still_a_valid_unit(api):
    """A new agency listing DE takes DE from agency-de; agency-de is left with no country at all,
    which the rules refuse for any agency ("an agency needs its countries"). From then on
    agency-de cannot even be renamed: every update of it is refused as REQUIRED countries."""
    body = {"code": "agency-eu", "kind": "FOREIGN_AGENCY", "name": "EU agency", "nameZh": "欧洲境外委托机构",
            "countries": ["DE"]}  # fmt: skip
    answer = await create_unit(api, body)
    if answer.get("userErrors"):  # refused: agency-de keeps its country, fine
        assert (await OrgUnit.get(code="agency-de")).countries == ["DE"]
        return
    rename = {"unitId": await unit_id("agency-de"), "name": "Partner agency Germany (former)"}
    assert errors(await update_unit(api, rename)) == {}


async def test_a_subcentre_stripped_of_its_last_province_is_still_a_valid_unit(api):
    """The same for sub-centres: a new sub-centre listing all of west's provinces leaves west
    with none; west can no longer be updated at all."""
    west = (await OrgUnit.get(code="west")).provinces
    body = {"code": "west2", "kind": "SUBCENTER", "name": "West 2", "nameZh": "西部二分中心", "provinces": west}
    answer = await create_unit(api, body)
    if answer.get("userErrors"):
        assert (await OrgUnit.get(code="west")).provinces == west
        return
    rename = {"unitId": await unit_id("west"), "name": "West China Sub-centre (former)"}
    assert errors(await update_unit(api, rename)) == {}


# --- Certificates: numbers and dates ----------------------------------------------------------


async def test_a_certificate_number_differing_only_by_case_or_width_is_a_duplicate(api):
    """Certificate numbers are compared byte for byte: 'ab-1' beside 'AB-1', or the full-width
    'ＡＢ－１', are issued as three certificates that print the same number."""
    e002 = await factory(api, "E002")
    assert ok(await issue(api, {"factoryId": e002["id"], "number": "AB-1"}), "certificate")
    for twin in ("ab-1", "ＡＢ－１"):
        assert errors(await issue(api, {"factoryId": e002["id"], "number": twin})) == {"number": "CONFLICT"}, twin
    assert await Certificate.filter(number__in=["ab-1", "ＡＢ－１"]).count() == 0


async def test_a_far_future_issue_date_is_a_user_error_not_a_crash(api):
    """issuedOn 9999-01-01: the 5-year limit is computed as year 10004, which Python's date cannot
    hold; the ValueError escapes as an INTERNAL_SERVER_ERROR instead of 'issuedOn is in the
    future'."""
    e002 = await factory(api, "E002")
    body = {"factoryId": e002["id"], "number": "FAR-1", "issuedOn": "9999-01-01", "expiresOn": "9999-12-31"}
    answer = await issue(api, body)
    assert "errors" not in answer, answer
    assert "issuedOn" in errors(answer)


# --- Factory codes --------------------------------------------------------------------------


async def test_a_factory_code_differing_only_by_case_or_width_is_a_duplicate(api):
    """'e001' and full-width 'Ｅ001' are created beside E001: a second record of one code, the
    duplicate that mergeFactories exists to clean up, created by the registry itself."""
    for twin in ("e001", "Ｅ001"):
        answer = await create_factory(api, {"code": twin, "province": "Shanghai"})
        assert errors(answer) == {"code": "CONFLICT"}, (twin, answer)


# --- Input size -----------------------------------------------------------------------------


async def test_a_subcentre_does_not_list_tens_of_thousands_of_provinces(api):
    """A sub-centre's provinces have no length limit and no vetting: any text is a new province
    (and a new place factories may be recorded in). Each entry is checked against all before it
    (a list, not a set), so a 1 MiB body of short names keeps the single event loop busy for
    minutes; 30,000 entries already take seconds. China has 34 provincial divisions."""
    body = {"code": "big", "kind": "SUBCENTER", "name": "Big", "nameZh": "大分中心",
            "provinces": [f"P{i}" for i in range(30_000)]}  # fmt: skip
    async with writes_nothing():
        assert "provinces" in errors(await create_unit(api, body))
