"""HQ's yearly clauses and sampling schemes: maintained by HQ, read by staff, shown per task."""

from server.demo_clauses import clauses as demo_clauses
from tests.api.tasks_support import create, ok
from tests.client import error_codes

CLAUSE = """mutation($i: SurveillanceClauseInput!) { upsertSurveillanceClause(input: $i) {
  clause { code title version productCategoryCode } userErrors { field code } } }"""
SCHEME = """mutation($i: SamplingSchemeInput!) { upsertSamplingScheme(input: $i) {
  scheme { productCategoryCode testItems sampleQuantity sites version } userErrors { field code } } }"""
TASK_REFERENCE = """query($id: ID!) { node(id: $id) { ... on Task { certificates { number }
  clauses { code } samplingSchemes { productCategoryCode sampleQuantity } } } }"""


async def _seed_reference(api):
    for code, category in (("2026-01", None), ("2026-C01", "C01"), ("2026-C07", "C07")):
        body = {
            "year": 2026,
            "code": code,
            "title": f"Focus {code}",
            "text": "Check critical components",
            "productCategory": category,
            "reason": "Yearly focus",
        }
        assert (await api.data(CLAUSE, {"i": body}, as_user="hq.planner"))["upsertSurveillanceClause"][
            "userErrors"
        ] == []
    body = {"productCategory": "C01", "title": "Cable sampling", "testItems": ["conductor resistance", "insulation thickness"],
            "sampleQuantity": 3, "sites": ["FACTORY", "MARKET"], "reason": "New scheme"}  # fmt: skip
    assert (await api.data(SCHEME, {"i": body}, as_user="hq.planner"))["upsertSamplingScheme"]["scheme"]["sites"] == [
        "FACTORY",
        "MARKET",
    ]


async def test_hq_maintains_and_updates_with_versions(api):
    await _seed_reference(api)
    body = {"year": 2026, "code": "2026-01", "title": "Focus renamed", "text": "t", "reason": "Wording"}
    clause = (await api.data(CLAUSE, {"i": body}, as_user="hq.planner"))["upsertSurveillanceClause"]["clause"]
    assert (clause["title"], clause["version"]) == ("Focus renamed", 2)
    listed = await api.data(
        "{ surveillanceClauses(first: 10, year: 2026) { totalCount } samplingSchemes(first: 5) { totalCount } }",
        as_user="east.inspector1",
    )
    demo = len(demo_clauses())  # the demo world's clauses of the year (server/demo_clauses.py)
    assert listed == {"surveillanceClauses": {"totalCount": 3 + demo}, "samplingSchemes": {"totalCount": 1}}


async def test_only_hq_planners_maintain_and_enterprises_do_not_read(api):
    body = {"year": 2026, "code": "X", "title": "t", "text": "t", "reason": "r"}
    for login in ("east.planner", "hq.reviewer", "agency.de.inspector", "ent.E001"):
        assert error_codes(await api.run(CLAUSE, {"i": body}, as_user=login)) == ["FORBIDDEN"], login
    assert error_codes(await api.run("{ surveillanceClauses(first: 5) { totalCount } }", as_user="ent.E001")) == [
        "FORBIDDEN"
    ]
    bad = (await api.data(CLAUSE, {"i": {**body, "productCategory": "ZZZ"}}, as_user="hq.planner"))[
        "upsertSurveillanceClause"
    ]
    assert [e["code"] for e in bad["userErrors"]] == ["NOT_FOUND"]
    bad = await api.data(
        SCHEME,
        {
            "i": {
                "productCategory": "C01",
                "title": "t",
                "testItems": [],
                "sampleQuantity": 0,
                "sites": [],
                "reason": "r",
            }
        },
        as_user="hq.planner",
    )
    assert [e["code"] for e in bad["upsertSamplingScheme"]["userErrors"]] == ["INVALID"]


async def test_each_task_shows_the_clauses_and_schemes_that_apply(api):
    await _seed_reference(api)
    # E006's certificates are categories C06 and C01 (demo world): the general clause and the C01 one.
    task = ok(await create(api, "E006", as_user="east.planner", withSampling=True))
    seen = (await api.data(TASK_REFERENCE, {"id": task["id"]}, as_user="east.inspector1"))["node"]
    assert [c["code"] for c in seen["clauses"] if c["code"].startswith("2026-")] == ["2026-01", "2026-C01"]
    assert seen["samplingSchemes"] == [{"productCategoryCode": "C01", "sampleQuantity": 3}]
    without = ok(await create(api, "E006", as_user="east.planner"))
    assert (await api.data(TASK_REFERENCE, {"id": without["id"]}, as_user="east.planner"))["node"][
        "samplingSchemes"
    ] == []


RULES = "{ frequencyRules { classification intervalMonths unannounced sampling version } }"
UPDATE = """mutation($i: FrequencyRuleInput!) { updateFrequencyRule(input: $i) {
  rule { classification intervalMonths version } userErrors { field code } } }"""


async def test_frequency_rules_are_configuration_that_drives_the_plan(api):
    rules = {r["classification"]: r for r in (await api.data(RULES, as_user="east.planner"))["frequencyRules"]}
    assert (rules["A"]["intervalMonths"], rules["D"]["intervalMonths"], rules["C"]["unannounced"]) == (24, 6, True)
    body = {
        "classification": "B",
        "expectedVersion": 1,
        "intervalMonths": 6,
        "unannounced": False,
        "sampling": True,
        "reason": "Risk review 2026",
    }
    assert error_codes(await api.run(UPDATE, {"i": body}, as_user="east.planner")) == ["FORBIDDEN"]
    updated = (await api.data(UPDATE, {"i": body}, as_user="hq.planner"))["updateFrequencyRule"]
    assert updated["rule"] == {"classification": "B", "intervalMonths": 6, "version": 2}
    stale = (await api.data(UPDATE, {"i": body}, as_user="hq.planner"))["updateFrequencyRule"]
    assert [e["code"] for e in stale["userErrors"]] == ["STALE_VERSION"]
    plan = await api.data(
        'mutation { generatePlan(input: {unitCode: "east", year: 2026}) { tasks { factory { code classification } } } }',
        as_user="east.planner",
    )
    b_drafts = [t for t in plan["generatePlan"]["tasks"] if t["factory"]["classification"] == "B"]
    assert len(b_drafts) == 2 * len({t["factory"]["code"] for t in b_drafts}) > 0  # twice a year now
