"""Policy administration through GraphQL: changes are audited and reach the running enforcer."""

from store import policy_store
from store.models import AuditEntry, PolicyRule
from tests.client import error_codes, factory

ADD = """mutation($input: PolicyRuleInput!) { addPolicyRule(input: $input) {
  rule { id ptype values } userErrors { field message code } } }"""
REMOVE = """mutation($input: PolicyRuleInput!) { removePolicyRule(input: $input) {
  rule { ptype values } userErrors { field message code } } }"""
ASSIGN = """mutation($input: RoleAssignmentInput!) { assignRole(input: $input) {
  login role { role unitCode } userErrors { field message code } } }"""
REVOKE = """mutation($input: RoleAssignmentInput!) { revokeRole(input: $input) {
  login userErrors { field message code } } }"""
MAY = """query($id: ID!, $action: String!) { authorization(action: $action, objectId: $id) {
  allowed rule domain objectKind } }"""
INSPECTOR_RECLASSIFIES = ["inspector", "unit:*", "factory", "reclassify"]


async def test_added_rule_takes_effect_at_once_and_removal_revokes_it(api):
    f = await factory(api, "E001", as_user="east.inspector1")
    before = (await api.data(MAY, {"id": f["id"], "action": "reclassify"}, as_user="east.inspector1"))["authorization"]
    assert before["allowed"] is False and before["rule"] is None

    added = await api.data(
        ADD,
        {"input": {"ptype": "p", "values": INSPECTOR_RECLASSIFIES, "reason": "Inspectors adjust classes on site"}},
        as_user="hq.admin",
    )
    assert added["addPolicyRule"]["userErrors"] == []
    assert added["addPolicyRule"]["rule"]["values"] == INSPECTOR_RECLASSIFIES
    after = (await api.data(MAY, {"id": f["id"], "action": "reclassify"}, as_user="east.inspector1"))["authorization"]
    assert after == {"allowed": True, "rule": INSPECTOR_RECLASSIFIES, "domain": "unit:east", "objectKind": "factory"}

    removed = await api.data(
        REMOVE, {"input": {"ptype": "p", "values": INSPECTOR_RECLASSIFIES, "reason": "Rolled back"}}, as_user="hq.admin"
    )
    assert removed["removePolicyRule"]["userErrors"] == []
    again = (await api.data(MAY, {"id": f["id"], "action": "reclassify"}, as_user="east.inspector1"))["authorization"]
    assert again["allowed"] is False
    actions = await AuditEntry.filter(object_type="PolicyRule").values_list("action", "actor", "reason")
    assert actions == [
        ("policy.add", "hq.admin", "Inspectors adjust classes on site"),
        ("policy.remove", "hq.admin", "Rolled back"),
    ]


async def test_role_assignment_grants_and_revocation_withdraws(api):
    f = await factory(api, "E005", as_user="east.inspector2")
    role = {"login": "east.inspector2", "role": "PLANNER", "unitCode": "east", "reason": "Covering for leave"}
    assigned = (await api.data(ASSIGN, {"input": role}, as_user="hq.admin"))["assignRole"]
    assert assigned == {"login": "east.inspector2", "role": {"role": "PLANNER", "unitCode": "east"}, "userErrors": []}
    viewer = await api.data("{ viewer { roles { role unitCode } } }", as_user="east.inspector2")
    assert {"role": "PLANNER", "unitCode": "east"} in viewer["viewer"]["roles"]
    may = (await api.data(MAY, {"id": f["id"], "action": "update"}, as_user="east.inspector2"))["authorization"]
    assert may["allowed"] is True

    duplicate = (await api.data(ASSIGN, {"input": role}, as_user="hq.admin"))["assignRole"]
    assert [e["code"] for e in duplicate["userErrors"]] == ["CONFLICT"]

    revoked = (await api.data(REVOKE, {"input": role}, as_user="hq.admin"))["revokeRole"]
    assert revoked["userErrors"] == []
    may = (await api.data(MAY, {"id": f["id"], "action": "update"}, as_user="east.inspector2"))["authorization"]
    assert may["allowed"] is False
    assert await AuditEntry.filter(action__in=["role.assign", "role.revoke"]).count() == 2


async def test_policy_change_by_another_process_is_picked_up(api, app):
    """Another worker (or the CLI) writes the policy and bumps the revision; this process
    reloads on its next check."""
    f = await factory(api, "E001", as_user="east.inspector1")
    await PolicyRule.create(**policy_store.rule_fields(("p", *INSPECTOR_RECLASSIFIES)))
    await policy_store.bump_revision()
    app.state.policy_sync.interval = 0
    may = (await api.data(MAY, {"id": f["id"], "action": "reclassify"}, as_user="east.inspector1"))["authorization"]
    assert may["allowed"] is True


async def test_policy_lines_are_validated(api):
    cases = [
        ({"ptype": "x", "values": ["a", "b"]}, "INVALID"),
        ({"ptype": "p", "values": ["planner", "unit:*", "factory"]}, "INVALID"),
        ({"ptype": "p", "values": ["wizard", "unit:*", "factory", "read"]}, "INVALID"),
        ({"ptype": "p", "values": ["planner", "east", "factory", "read"]}, "INVALID"),
        ({"ptype": "p", "values": ["planner", "unit:*", "factory", "READ; DROP"]}, "INVALID"),
        ({"ptype": "p", "values": ["planner", "unit:*", "factory", "read"]}, "CONFLICT"),
        ({"ptype": "g2", "values": ["unit:east", "unit:hq"]}, "CONFLICT"),
    ]
    for given, code in cases:
        payload = (await api.data(ADD, {"input": {**given, "reason": "test"}}, as_user="hq.admin"))["addPolicyRule"]
        assert [e["code"] for e in payload["userErrors"]] == [code], given
    count = await PolicyRule.all().count()
    payload = await api.data(
        REMOVE,
        {"input": {"ptype": "p", "values": ["planner", "unit:*", "nothing", "read"], "reason": "x"}},
        as_user="hq.admin",
    )
    assert [e["code"] for e in payload["removePolicyRule"]["userErrors"]] == ["NOT_FOUND"]
    assert await PolicyRule.all().count() == count


async def test_the_last_policy_manage_line_cannot_be_removed(api):
    line = {"ptype": "p", "values": ["policy_admin", "unit:hq", "policy", "manage"], "reason": "oops"}
    payload = (await api.data(REMOVE, {"input": line}, as_user="hq.admin"))["removePolicyRule"]
    assert [e["code"] for e in payload["userErrors"]] == ["CONFLICT"]


async def test_policy_rules_are_readable_by_the_administrator_only(api):
    rules = (await api.data("{ policyRules { ptype values } }", as_user="hq.admin"))["policyRules"]
    assert {"ptype": "g2", "values": ["unit:east", "unit:hq"]} in rules
    for login in ("hq.planner", "east.planner", "agency.de.inspector", "ent.E001"):
        body = await api.run("{ policyRules { ptype } }", as_user=login)
        assert error_codes(body) == ["FORBIDDEN"] and body["data"] is None


async def test_no_one_else_can_change_policy_or_roles(api):
    count, audits = await PolicyRule.all().count(), await AuditEntry.all().count()
    for login in ("hq.planner", "hq.auditor", "east.planner", "agency.de.inspector", "ent.E001", "lab.east1"):
        body = await api.run(
            ADD, {"input": {"ptype": "p", "values": INSPECTOR_RECLASSIFIES, "reason": "x"}}, as_user=login
        )
        assert error_codes(body) == ["FORBIDDEN"], login
        body = await api.run(
            ASSIGN, {"input": {"login": login, "role": "POLICY_ADMIN", "unitCode": "hq", "reason": "x"}}, as_user=login
        )
        assert error_codes(body) == ["FORBIDDEN"], login
    assert await PolicyRule.all().count() == count
    assert await AuditEntry.all().count() == audits


async def test_administrators_cannot_grant_themselves_or_remove_the_last_admin(api):
    assign_q = "mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { userErrors { code } } }"
    revoke_q = "mutation($i: RoleAssignmentInput!) { revokeRole(input: $i) { userErrors { code } } }"
    mine = await api.data(
        assign_q, {"i": {"login": "hq.admin", "role": "PLANNER", "unitCode": "hq", "reason": "x"}}, as_user="hq.admin"
    )
    assert [e["code"] for e in mine["assignRole"]["userErrors"]] == ["CONFLICT"]
    last = await api.data(
        revoke_q,
        {"i": {"login": "hq.admin", "role": "POLICY_ADMIN", "unitCode": "hq", "reason": "x"}},
        as_user="hq.admin",
    )
    assert [e["code"] for e in last["revokeRole"]["userErrors"]] == ["CONFLICT"]
