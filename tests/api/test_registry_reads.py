"""Reading the registry through GraphQL as each demo role: scopes, filters, pagination."""

import pytest

from tests.client import error_codes, factory

COUNT = "query($f: FactoryFilter) { factories(first: 100, filter: $f) { totalCount nodes { code } } }"
CERT_COUNT = "{ certificates(first: 100) { totalCount nodes { number } } }"

# Demo world: East 10, South 8, West 6, North China 4 + Germany 4 (HQ) = 32 factories, 2 certificates each.
VISIBLE_FACTORIES = {
    "hq.planner": 32,
    "hq.reviewer": 32,
    "hq.decider": 32,
    "hq.archivist": 32,
    "hq.auditor": 32,
    "east.planner": 10,
    "east.inspector1": 10,
    "east.reviewer": 10,
    "south.planner": 8,
    "agency.de.inspector": 4,
    "ent.E001": 1,
    "lab.east1": 0,
    "buyer.east": 0,
    "hq.admin": 0,
}


@pytest.mark.parametrize(("login", "expected"), VISIBLE_FACTORIES.items())
async def test_each_role_sees_its_scope(api, login, expected):
    data = await api.data(COUNT, as_user=login)
    assert data["factories"]["totalCount"] == expected
    assert len(data["factories"]["nodes"]) == expected
    certs = await api.data(CERT_COUNT, as_user=login)
    assert certs["certificates"]["totalCount"] == 2 * expected


async def test_subcentre_sees_only_its_provinces(api):
    data = await api.data(COUNT, as_user="south.planner")
    assert {n["code"][0] for n in data["factories"]["nodes"]} == {"S"}
    hq = await api.data(COUNT, {"f": {"responsibleUnit": "hq"}}, as_user="hq.planner")
    assert sorted(n["code"] for n in hq["factories"]["nodes"]) == [
        "D001", "D002", "D003", "D004", "N001", "N002", "N003", "N004",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"province": "Guangdong"}, 3),
        ({"country": "de"}, 4),
        ({"classification": "A"}, 8),
        ({"status": "PRODUCTION_STOPPED"}, 1),
        ({"search": "cable"}, 5),
        ({"responsibleUnit": "west"}, 6),
        ({"province": "Guangdong", "classification": "D"}, 1),
    ],
)
async def test_filters(api, flt, expected):
    data = await api.data(COUNT, {"f": flt}, as_user="hq.planner")
    assert data["factories"]["totalCount"] == expected


async def test_pagination_walks_every_factory_once(api):
    query = "query($after: String) { factories(first: 7, after: $after) { pageInfo { hasNextPage endCursor } nodes { code } } }"
    seen, after = [], None
    while True:
        page = (await api.data(query, {"after": after}, as_user="hq.planner"))["factories"]
        seen += [n["code"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 32


async def test_last_and_before(api):
    query = "query($before: String) { factories(last: 3, before: $before) { pageInfo { hasPreviousPage startCursor } nodes { code } } }"
    tail = (await api.data(query, as_user="hq.planner"))["factories"]
    assert [n["code"] for n in tail["nodes"]] == ["D002", "D003", "D004"]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    before = (await api.data(query, {"before": tail["pageInfo"]["startCursor"]}, as_user="hq.planner"))["factories"]
    assert [n["code"] for n in before["nodes"]] == ["N003", "N004", "D001"]


@pytest.mark.parametrize(
    "args",
    ["first: 101", "last: 500", "", "first: -1", 'first: 5, after: "not-a-cursor"'],
)
async def test_page_arguments_are_checked(api, args):
    body = await api.run(f"{{ factories{f'({args})' if args else ''} {{ totalCount }} }}", as_user="hq.planner")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None


async def test_over_long_filter_is_a_clean_error(api):
    body = await api.run(COUNT, {"f": {"province": "x" * 500}}, as_user="hq.planner")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Length of" not in str(body)


async def test_node_and_nodes(api):
    f = await factory(api, "E001", as_user="east.planner")
    query = "query($id: ID!) { node(id: $id) { __typename id ... on Factory { code responsibleUnit { code } } } }"
    node = (await api.data(query, {"id": f["id"]}, as_user="east.planner"))["node"]
    assert node == {"__typename": "Factory", "id": f["id"], "code": "E001", "responsibleUnit": {"code": "east"}}
    nodes = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [f["id"], "garbage", f["id"]]},
        as_user="east.planner",
    )
    assert nodes["nodes"] == [{"id": f["id"]}, None, {"id": f["id"]}]


async def test_certificate_history_and_category(api):
    query = """{ certificates(first: 100, filter: {status: REVOKED}) { totalCount nodes {
        number status productCategory { code implementationRule }
        factory { code } statusHistory { fromStatus toStatus reason } } } }"""
    data = (await api.data(query, as_user="hq.auditor"))["certificates"]
    assert data["totalCount"] == 1
    cert = data["nodes"][0]
    assert cert["factory"]["code"] == "E008"
    assert [h["toStatus"] for h in cert["statusHistory"]] == ["VALID", "SUSPENDED", "REVOKED"]
    assert all(h["reason"] for h in cert["statusHistory"])
    assert cert["productCategory"]["implementationRule"].startswith("CNCA-")


async def test_viewer_and_org_units(api):
    data = await api.data(
        "{ viewer { login roles { role unitCode } } orgUnits(first: 100, kind: SUBCENTER) { totalCount nodes { code provinces } } }",
        as_user="east.inspector1",
    )
    assert data["viewer"]["roles"] == [{"role": "INSPECTOR", "unitCode": "east"}]
    units = {u["code"]: u["provinces"] for u in data["orgUnits"]["nodes"]}
    assert set(units) == {"east", "south", "west"}
    assert "Shandong" in units["east"]


async def test_enterprises_are_listed_only_for_those_who_see_their_factories(api):
    query = "{ orgUnits(first: 100, kind: ENTERPRISE) { totalCount nodes { code } } }"
    assert (await api.data(query, as_user="ent.E001"))["orgUnits"]["nodes"] == [{"code": "ent-e001"}]
    assert (await api.data(query, as_user="lab.east1"))["orgUnits"]["totalCount"] == 0
    assert (await api.data(query, as_user="agency.de.inspector"))["orgUnits"]["totalCount"] == 4
    assert (await api.data(query, as_user="east.planner"))["orgUnits"]["totalCount"] == 10
    assert (await api.data(query, as_user="hq.planner"))["orgUnits"]["totalCount"] == 32
    public = await api.data("{ orgUnits(first: 100) { totalCount } }", as_user="lab.east1")
    assert public["orgUnits"]["totalCount"] == 8  # HQ, 3 sub-centres, the agency, 3 labs


NESTED = """query($n: Int!) { factories(first: $n) { totalCount nodes {
  code classification responsibleUnit { code }
  certificates(first: 10) { totalCount nodes { number status productCategory { code } factory { code }
    statusHistory { toStatus } } } } } }"""


async def test_sql_statements_do_not_grow_with_page_size(api):
    await api.data(NESTED, {"n": 1}, as_user="hq.planner")  # warm the policy and token caches
    counts = {}
    for size in (2, 10, 32):
        with api.count_queries() as counter:
            data = await api.data(NESTED, {"n": size}, as_user="hq.planner")
        assert len(data["factories"]["nodes"]) == size
        counts[size] = len(counter.statements)
    assert counts[2] == counts[10] == counts[32], counts
    assert counts[32] <= 8, counts  # user, unit ids, count, page, units, certificates, categories, history


async def test_total_count_through_fragments_and_only_when_asked(api):
    query = """query { a: factories(first: 2) { ...Total } b: factories(first: 2) { ... on FactoryConnection { totalCount } }
      c: factories(first: 2) { nodes { code } } }
      fragment Total on FactoryConnection { totalCount }"""
    with api.count_queries() as counter:
        data = await api.data(query, as_user="hq.planner")
    assert data["a"]["totalCount"] == data["b"]["totalCount"] == 32
    # Counts in the statements sent, executed or compiled into one (server/compiled): not for `c`.
    assert sum(s.count("COUNT(") for s in counter.statements) == 2
