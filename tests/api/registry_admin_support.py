"""Helpers for the registry administration tests: run a mutation as someone, check what they
were told, and that a refusal wrote nothing."""

from __future__ import annotations

from contextlib import asynccontextmanager

from schema.relay import to_global_id
from store.models import AuditEntry, OrgUnit, ProductCategory, User
from tests.client import error_codes

# Who must be refused each administration command (besides the default role's own colleagues).
OUTSIDERS = ("east.planner", "east.inspector1", "ent.E001", "agency.de.inspector")
UNIT = "id code kind name nameZh provinces countries regions"
PERSON = "id login displayName active email unit { code } roles { role unitCode }"
FACTORY = "id code name status version country province responsibleUnit { code } mergedInto { code }"
CERTIFICATE = "id number holder status version issuedOn expiresOn implementationRule factory { code }"
TRAIL = """query($id: ID!) { auditTrail(objectId: $id, first: 50) { nodes {
  action actor unit before after reason } } }"""


def mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} userErrors {{ field message code }} }} }}"


async def send(api, name: str, input_type: str, selection: str, body: dict, *, as_user: str) -> dict:
    """The payload of `name`; the whole response when it failed with a GraphQL error."""
    response = await api.run(mutation(name, input_type, selection), {"i": body}, as_user=as_user)
    if response.get("errors"):
        return {"errors": response["errors"]}
    return response["data"][name]


def ok(payload: dict, key: str) -> dict:
    assert "errors" not in payload, payload
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload[key]


def errors(payload: dict) -> dict[str, str]:
    """{input field: code} of the user errors."""
    assert "errors" not in payload, payload
    return {".".join(e["field"][1:]) if e["field"] else "": e["code"] for e in payload["userErrors"]}


def refusal(payload: dict) -> str:
    """FORBIDDEN (a GraphQL error) or NOT_FOUND (a user error on the object's id)."""
    if "errors" in payload:
        (code,) = set(error_codes(payload))
        return code
    (code,) = {e["code"] for e in payload["userErrors"]}
    return code


@asynccontextmanager
async def writes_nothing():
    """Around a refused request: no audit record, no unit, person or category more."""
    counts = [await model.all().count() for model in (AuditEntry, OrgUnit, User, ProductCategory)]
    yield
    assert [await model.all().count() for model in (AuditEntry, OrgUnit, User, ProductCategory)] == counts


async def trail(api, object_id: str, as_user: str = "hq.auditor") -> list[dict]:
    return (await api.data(TRAIL, {"id": object_id}, as_user=as_user))["auditTrail"]["nodes"]


async def unit_id(code: str) -> str:
    return to_global_id("OrgUnit", (await OrgUnit.get(code=code)).id)


async def person_id(login: str) -> str:
    return to_global_id("Person", (await User.get(login=login)).id)
