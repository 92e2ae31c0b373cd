"""A unit can neither see nor change another jurisdiction's factory: not by list, filter,
count, node(id), nodes, audit trail, the authorization query, nor a mutation — and what it
gets back for a foreign object is exactly what it gets for one that does not exist."""

import pytest

from schema.relay import to_global_id
from tests.client import error_codes, factory

# (viewer, a factory of another jurisdiction)
PAIRS = [
    ("east.planner", "S001"),
    ("east.planner", "N001"),  # North China belongs to HQ
    ("east.planner", "D001"),  # overseas belongs to HQ
    ("south.planner", "E001"),
    ("south.decider", "W001"),
    ("agency.de.inspector", "E001"),
    ("agency.de.inspector", "N002"),
    ("ent.E001", "E002"),
    ("lab.east1", "E001"),
    ("buyer.east", "E001"),
]
MISSING_ID = to_global_id("Factory", 999_999)


async def _visible_everything(api, login, f):
    lists = await api.data(
        """query($code: String!, $fid: ID!) {
            byCode: factories(first: 100, filter: {search: $code}) { totalCount nodes { code } }
            byProvince: factories(first: 100, filter: {responsibleUnit: "south"}) { nodes { code } }
            certs: certificates(first: 100, filter: {factoryId: $fid}) { totalCount }
        }""",
        {"code": f["code"], "fid": f["id"]},
        as_user=login,
    )
    return lists


@pytest.mark.parametrize(("login", "code"), PAIRS)
async def test_foreign_factory_is_invisible_everywhere(api, login, code):
    f = await factory(api, code, as_user="hq.planner")
    lists = await _visible_everything(api, login, f)
    assert lists["byCode"] == {"totalCount": 0, "nodes": []}
    assert code not in [n["code"] for n in lists["byProvince"]["nodes"]]
    assert lists["certs"]["totalCount"] == 0

    for object_id in (f["id"], MISSING_ID):
        node = await api.data(
            "query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }", {"id": object_id}, as_user=login
        )
        assert node == {"node": None, "nodes": [None]}
        trail = await api.data(
            "query($id: ID!) { auditTrail(objectId: $id, first: 5) { totalCount } }", {"id": object_id}, as_user=login
        )
        assert trail["auditTrail"]["totalCount"] == 0
        may = await api.data(
            'query($id: ID!) { authorization(action: "read", objectId: $id) { allowed rule domain } }',
            {"id": object_id},
            as_user=login,
        )
        assert may["authorization"] == {"allowed": False, "rule": None, "domain": None}


@pytest.mark.parametrize(("login", "code"), PAIRS)
async def test_foreign_factory_cannot_be_changed_and_looks_missing(api, login, code):
    f = await factory(api, code, as_user="hq.planner")
    answers = []
    for object_id in (f["id"], MISSING_ID):
        body = await api.run(
            """mutation($id: ID!) {
                correctFactoryInformation(input: {factoryId: $id, expectedVersion: 1, reason: "x", name: "Taken over"}) {
                    factory { id } userErrors { field message code } }
                changeFactoryClass(input: {factoryId: $id, expectedVersion: 1, classification: D, reason: "x"}) {
                    factory { id } userErrors { field message code } } }""",
            {"id": object_id},
            as_user=login,
        )
        answers.append(body)
    assert answers[0] == answers[1]  # indistinguishable from a non-existent factory
    assert answers[0]["data"]["correctFactoryInformation"]["userErrors"][0]["code"] == "NOT_FOUND"
    after = await factory(api, code, as_user="hq.planner")
    assert (after["version"], after["classification"]) == (f["version"], f["classification"])


async def test_certificate_of_foreign_factory_is_invisible_by_node(api):
    certs = await api.data(
        '{ certificates(first: 1, filter: {search: "0010000"}) { nodes { id number factory { code } } } }',
        as_user="hq.planner",
    )
    cert = certs["certificates"]["nodes"][0]
    assert cert["factory"]["code"].startswith("E")
    node = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": cert["id"]}, as_user="south.planner")
    assert node["node"] is None


async def test_audit_log_is_for_auditors_only(api):
    assert (await api.data("{ auditLog(first: 5) { totalCount } }", as_user="hq.auditor"))["auditLog"][
        "totalCount"
    ] >= 1
    for login in ("east.planner", "hq.planner", "agency.de.inspector", "ent.E001"):
        body = await api.run("{ auditLog(first: 5) { totalCount nodes { reason } } }", as_user=login)
        assert error_codes(body) == ["FORBIDDEN"] and body["data"] is None
