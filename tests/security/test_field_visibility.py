"""Internal fields: foreign agencies and enterprises never see a factory's class, cannot learn
it by filtering or from the factory's history either; outsiders see no monitoring statistics,
problem reports or review comments."""

import json

import pytest

from tests.api.archive_support import PROBLEMS
from tests.api.results_support import NC, review, running_task, submit
from tests.api.tasks_support import ok
from tests.client import error_codes, factory

QUERY = """query($f: FactoryFilter) { factories(first: 100, filter: $f) { totalCount
  nodes { code classification certificates(first: 5) { totalCount } } } }"""
STATS = """query($unit: String, $from: Date!, $to: Date!) { monitoring(unitCode: $unit, dateFrom: $from, dateTo: $to) {
  completed results overdue } }"""


@pytest.mark.parametrize("login", ["agency.de.inspector", "ent.E001", "ent.D001"])
async def test_class_is_hidden(api, login):
    data = (await api.data(QUERY, as_user=login))["factories"]
    assert data["totalCount"] >= 1
    assert all(n["classification"] is None for n in data["nodes"])
    for klass in "ABCD":
        filtered = (await api.data(QUERY, {"f": {"classification": klass}}, as_user=login))["factories"]
        assert filtered["totalCount"] == 0, klass


async def test_enterprise_sees_its_own_factory_and_certificates_only(api):
    data = (await api.data(QUERY, as_user="ent.E001"))["factories"]
    assert [n["code"] for n in data["nodes"]] == ["E001"]
    assert data["nodes"][0]["certificates"]["totalCount"] == 2


async def test_agency_sees_the_overseas_factories_of_its_countries(api):
    data = (await api.data(QUERY, as_user="agency.de.inspector"))["factories"]
    assert sorted(n["code"] for n in data["nodes"]) == ["D001", "D002", "D003", "D004"]


async def test_staff_see_class(api):
    data = (await api.data(QUERY, {"f": {"classification": "A"}}, as_user="east.inspector1"))["factories"]
    assert data["totalCount"] == 3 and {n["classification"] for n in data["nodes"]} == {"A"}


async def test_agency_history_of_a_factory_hides_the_class(api):
    f = await factory(api, "D001")
    changed = await api.data(
        "mutation($i: ChangeFactoryClassInput!) { changeFactoryClass(input: $i) { userErrors { code } } }",
        {"i": {"factoryId": f["id"], "expectedVersion": f["version"], "classification": "D", "reason": "risk"}},
        as_user="hq.planner",
    )
    assert changed["changeFactoryClass"]["userErrors"] == []
    trail = await api.data(
        "query($id: ID!) { auditTrail(objectId: $id, first: 10) { totalCount nodes { action before after } } }",
        {"id": f["id"]},
        as_user="agency.de.inspector",
    )
    assert trail["auditTrail"]["totalCount"] == 0 and "classification" not in str(trail)
    staff = await api.data(
        "query($id: ID!) { auditTrail(objectId: $id, first: 10) { nodes { after } } }",
        {"id": f["id"]},
        as_user="hq.auditor",
    )
    assert staff["auditTrail"]["nodes"][0]["after"] == {"classification": "D"}
    assert error_codes(await api.run("{ frequencyRules { classification } }", as_user="agency.de.inspector")) == [
        "FORBIDDEN"
    ]


async def test_outsiders_see_no_statistics_problems_or_review_comments(api):
    task = ok(await submit(api, await running_task(api, "E007"), "FAIL", [NC]))
    task = ok(await review(api, task, "RETURN", "Internal: the leader missed clause 4.3 again"))
    query = """query($id: ID!) { node(id: $id) { ... on Task { reviews { comments } riskAssessments { level }
      timeline(first: 50) { nodes { reason } } } } auditTrail(objectId: $id, first: 50) { nodes { reason } } }"""
    seen = await api.data(query, {"id": task["id"]}, as_user="ent.E007")
    text = json.dumps(seen)
    assert "clause 4.3" not in text
    for login in ("ent.E001", "agency.de.inspector", "lab.east1", "buyer.east", "east.inspector1", "south.decider"):
        body = await api.run(STATS, {"unit": "east", "from": "2026-01-01", "to": "2026-12-31"}, as_user=login)
        assert error_codes(body) == ["FORBIDDEN"], login
        reports = await api.run(PROBLEMS, {"n": 5}, as_user=login)
        assert "errors" in reports or reports["data"]["problemReports"]["totalCount"] == 0, login
    monitoring_of = {}
    for unit in ("hq", "south", "agency-de", "ent.E001"):
        body = await api.run(STATS, {"unit": unit, "from": "2026-01-01", "to": "2026-12-31"}, as_user="east.decider")
        monitoring_of[unit] = error_codes(body)
    assert all(v == ["FORBIDDEN"] for v in monitoring_of.values()), monitoring_of
