"""Every mutation, present and future, answers a bad id with a user error, never a masked 500.

The cases are generated from the schema: for each mutation and each `ID` argument or input
field (in lists and nested inputs too), that one id is replaced by garbage, an empty string
and another type's id, while every other required field gets a plausible value."""

from __future__ import annotations

import copy

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from schema.relay import to_global_id
from server.graphql import build_schema
from tests.api.tasks_support import create, ok
from tests.client import error_codes

SCHEMA = build_schema()._schema
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SCALARS = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "ID": to_global_id("Factory", 1),
    "Date": "2026-06-01",
    "DateTime": "2026-06-01T10:00:00+08:00",
    "Decimal": "1.00",
    "JSON": {},
    "Upload": None,  # sent as a file part
}


def _unwrap(type_):
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def sample(type_, path: str, id_slots: list[str], uploads: list[str]):
    """A plausible value for `type_`, noting where ids and uploads sit (dotted paths)."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type, f"{path}.0", id_slots, uploads)]
    if isinstance(type_, GraphQLInputObjectType):
        value = {}
        for name, field in type_.fields.items():
            if isinstance(field.type, GraphQLNonNull) or get_named_type(field.type).name == "ID":
                value[name] = sample(field.type, f"{path}.{name}", id_slots, uploads)
        return value
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    if type_.name == "ID":
        id_slots.append(path)
    if type_.name == "Upload":
        uploads.append(path)
    if type_.name not in SCALARS:
        raise AssertionError(f"no sample value for the new scalar {type_.name}: add one to SCALARS")
    return SCALARS[type_.name]


def _set(variables: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    target = variables
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def cases():
    for name, field in SCHEMA.mutation_type.fields.items():
        id_slots: list[str] = []
        uploads: list[str] = []
        variables = {arg: sample(a.type, arg, id_slots, uploads) for arg, a in field.args.items()}
        declared = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
        passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
        query = f"mutation({declared}) {{ {name}({passed}) {{ __typename userErrors {{ field code message }} }} }}"
        if id_slots:
            yield pytest.param(name, query, variables, id_slots, uploads, id=name)


BAD_IDS = {
    "garbage": "xyz",
    "empty": "",
    "not-base64": "!!!",
    "other-type": to_global_id("AuditEntry", 1),  # no mutation takes these types' ids
    "other-type-2": to_global_id("OrgUnit", 1),
    "huge-number": to_global_id("Task", 2**70),
    # Another spelling of real ids: the decoder would skip stray characters and padding.
    "padded": to_global_id("Task", 1) + "==",
    "stray-characters": to_global_id("Task", 1)[:4] + "!!!" + to_global_id("Task", 1)[4:],
    "trailing-newline": to_global_id("Factory", 1) + "\n",
}


def test_every_mutation_with_an_id_is_covered():
    assert {"archiveTask", "assignBuyer", "createTask", "recordPurchase"} <= {c.values[0] for c in cases()}


@pytest.mark.parametrize(("name", "query", "variables", "id_slots", "uploads"), list(cases()))
async def test_a_bad_id_is_a_user_error(api, name, query, variables, id_slots, uploads):
    for slot in id_slots:
        for label, bad in BAD_IDS.items():
            sent = copy.deepcopy(variables)
            _set(sent, slot, bad)
            if uploads:
                files = {path: ("x.png", PNG, "image/png") for path in uploads}
                body = await api.upload(query, sent, files, as_user="hq.planner")
            else:
                body = await api.run(query, sent, as_user="hq.planner")
            where = f"{name} with {label} id at {slot}: {body}"
            assert "INTERNAL_SERVER_ERROR" not in error_codes(body), where
            payload = (body.get("data") or {}).get(name)
            if payload is not None:
                assert payload["userErrors"], where  # a bad id never succeeds
            else:
                assert set(error_codes(body)) <= {"BAD_USER_INPUT", "FORBIDDEN"}, where


async def test_an_object_has_one_id_spelling(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    spellings = [task["id"] + "==", task["id"][:3] + "!!!" + task["id"][3:], task["id"] + "\n", "." + task["id"]]
    for spelling in spellings:
        node = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": spelling}, as_user="east.planner")
        assert node["node"] is None, spelling
        body = {"i": {"taskId": spelling, "expectedVersion": task["version"]}}
        issued = await api.data(
            "mutation($i: TaskActionInput!) { issueTask(input: $i) { userErrors { code } } }",
            body,
            as_user="east.planner",
        )
        assert [e["code"] for e in issued["issueTask"]["userErrors"]] == ["NOT_FOUND"], spelling
