"""What the compiler does not cover still answers (through the executor), and the compiled scope
shows each kind of viewer exactly what the executor shows: no more."""

from __future__ import annotations

from store.models import Factory, OrgUnit, User
from tests.compiled.support import both

WIDE = """query { factories(first: 50) { totalCount nodes { code classification
  certificates(first: 20) { totalCount nodes { number status } } } } }"""


def _registry_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if '"app_user"' not in s and not s.startswith('SELECT "code" "0","id" "1"')]


async def test_an_uncovered_field_falls_back_to_the_executor(api, app, settings):
    query = "query { factories(first: 3) { nodes { code mergedInto { code } certificates { nodes { implementationRule } } } } }"
    with api.count_queries() as counter:
        compiled, executed = await both(api, app, settings, query, None, "hq.planner")
    assert compiled == executed
    assert "errors" not in compiled and len(compiled["data"]["factories"]["nodes"]) == 3
    assert not any("json_object" in s or "json_build_object" in s for s in counter.statements)


async def test_other_root_fields_and_filters_fall_back(api, app, settings):
    query = """query { factories(first: 2, filter: {country: "CN"}) { nodes { code } }
      viewer { login } other: factories(first: 1) { totalCount } }"""
    compiled, executed = await both(api, app, settings, query, None, "east.planner")
    assert compiled == executed and "errors" not in compiled


async def test_refusals_are_the_executor_s(api, app, settings):
    for query in (
        "{ factories { totalCount } }",  # neither first nor last
        "{ factories(first: 101) { totalCount } }",
        '{ factories(first: 1, after: "bm9wZQ") { totalCount } }',
        "{ factories(first: 1) { nodes { certificates(first: -1) { totalCount } } } }",
    ):
        compiled, executed = await both(api, app, settings, query, None, "hq.planner")
        assert compiled == executed and compiled["errors"], query


async def test_an_agency_never_sees_the_class(api, app, settings):
    compiled, executed = await both(api, app, settings, WIDE, None, "agency.de.inspector")
    assert compiled == executed
    nodes = compiled["data"]["factories"]["nodes"]
    assert nodes and all(n["classification"] is None for n in nodes)
    countries = {f.country for f in await Factory.filter(code__in=[n["code"] for n in nodes])}
    assert countries == {"DE"}


async def test_an_enterprise_sees_only_its_factories(api, app, settings):
    compiled, executed = await both(api, app, settings, WIDE, None, "ent.E001")
    assert compiled == executed
    assert [n["code"] for n in compiled["data"]["factories"]["nodes"]] == ["E001"]


async def test_staff_without_a_role_sees_nothing(api, app, settings):
    await User.create(login="nobody.east", display_name="No roles", unit=await OrgUnit.get(code="east"))
    with api.count_queries() as counter:
        compiled, executed = await both(api, app, settings, WIDE, None, "nobody.east")
    assert compiled == executed
    assert compiled["data"]["factories"] == {"totalCount": 0, "nodes": []}
    assert any("json" in s for s in _registry_statements(counter.statements))  # it was compiled


async def test_a_certificate_past_its_date_reads_expired(api, app, settings):
    """The effective status (domain/certificate.py) with the request's today, in SQL."""
    query = "{ factories(first: 50) { nodes { certificates(first: 20) { nodes { status expiresOn } } } } }"
    compiled, executed = await both(api, app, settings, query, None, "hq.planner")
    assert compiled == executed
    statuses = {c["status"] for f in compiled["data"]["factories"]["nodes"] for c in f["certificates"]["nodes"]}
    assert "EXPIRED" in statuses
