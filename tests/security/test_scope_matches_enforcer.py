"""The SQL scope (`Authorizer.scope`) must agree with Casbin's `enforce` in every domain.

`scope` re-implements the model.conf matcher to produce the `IN (...)` list for queries; if
it ever drifts from the enforcer, lists and single-object checks would disagree.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.enums import Role
from policies.authorizer import Authorizer, read_seed_policy, unit_domain

USERS = range(1, 6)
ROLES = [r.value for r in Role]
UNITS = ["hq", "east", "south", "west", "agency-de", "east-lab-1", "ent-e001"]
OBJECTS = ["factory", "certificate", "factory.class"]
ACTIONS = ["read", "update"]
SEED = read_seed_policy()
# Every unit the seed's g2 lines name, plus one nobody knows.
G2_UNITS = {dom.removeprefix("unit:") for line in SEED if line[0] == "g2" for dom in line[1:]}
CHECKED_UNITS = sorted(set(UNITS) | G2_UNITS | {"nowhere"})
CHECKED_DOMAINS = frozenset(unit_domain(u) for u in CHECKED_UNITS)
SEED_KINDS = {(line[3], line[4]) for line in SEED if line[0] == "p"}


def authorizer(lines, assignments) -> Authorizer:
    auth = Authorizer()
    auth.load(lines, assignments, revision=1)
    return auth


def assert_scope_matches_enforcer(auth: Authorizer, kinds) -> None:
    for user, (obj, act) in itertools.product(USERS, kinds):
        scope = auth.scope(user, act, obj)
        for code in CHECKED_UNITS:
            dom = unit_domain(code)
            decision = auth.decide(user, act, obj, [dom])
            assert (dom in scope) == decision.allowed, (user, dom, obj, act, sorted(scope), decision)
        # scope never names a domain outside those checked above that the enforcer would not allow
        for dom in scope - CHECKED_DOMAINS:
            assert auth.decide(user, act, obj, [dom]).allowed, (user, dom, obj, act)


assignment = st.tuples(st.sampled_from(list(USERS)), st.sampled_from(ROLES), st.sampled_from(UNITS))
extra_p = st.tuples(
    st.just("p"),
    st.sampled_from(ROLES),
    st.sampled_from(["unit:*", *(unit_domain(u) for u in UNITS)]),
    st.sampled_from(OBJECTS),
    st.sampled_from(ACTIONS),
)
# Extra oversight edges (cycles allowed: the enforcer and `scope` must both cope).
extra_g2 = st.tuples(st.just("g2"), st.sampled_from(UNITS).map(unit_domain), st.sampled_from(UNITS).map(unit_domain))

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = list(itertools.product(OBJECTS, ACTIONS))


@PROPERTY
@given(
    assignments=st.lists(assignment, max_size=12),
    extra=st.lists(extra_p, max_size=8),
    oversight=st.lists(extra_g2, max_size=3) | st.just([]),
)
def test_scope_agrees_with_enforce_on_seed_plus_random_lines(assignments, extra, oversight):
    """Seed policy + random role assignments + random p lines (+ sometimes extra g2 edges)."""
    lines = [*SEED, *extra, *(line for line in oversight if line[1] != line[2])]
    auth = authorizer(lines, assignments)
    assert_scope_matches_enforcer(auth, KINDS)


def test_scope_agrees_with_enforce_for_every_seed_kind():
    # every (role, unit) pair is held by someone: the 5 users share them round-robin
    assignments = [(u, role, unit) for u, (role, unit) in zip(itertools.cycle(USERS), itertools.product(ROLES, UNITS))]
    auth = authorizer(SEED, assignments)
    assert_scope_matches_enforcer(auth, sorted(SEED_KINDS))


@pytest.mark.parametrize(
    "oversight",
    [
        [("g2", "unit:ent-e001", "unit:east")],  # two hops: ent-e001 -> east -> hq
        [("g2", "unit:ent-e001", "unit:east-lab-1"), ("g2", "unit:east-lab-1", "unit:east")],  # three hops
        [("g2", "unit:hq", "unit:east")],  # a cycle hq <-> east
        [("g2", "unit:south", "unit:west"), ("g2", "unit:west", "unit:south")],
    ],
    ids=["two-hops", "three-hops", "cycle-with-hq", "cycle-below-hq"],
)
def test_scope_agrees_with_enforce_through_deeper_oversight(oversight):
    extra = [
        ("p", role, unit_domain(unit), obj, act)
        for role in ("planner", "reviewer")
        for unit in UNITS
        for obj, act in KINDS
    ]
    assignments = [
        (u, role, unit)
        for u, (role, unit) in zip(itertools.cycle(USERS), itertools.product(["planner", "reviewer"], UNITS))
    ]
    auth = authorizer([*SEED, *extra, *oversight], assignments)
    assert_scope_matches_enforcer(auth, KINDS)


def test_hq_reaches_a_grandchild_domain():
    auth = authorizer([*SEED, ("g2", "unit:ent-e001", "unit:east")], [(1, "planner", "hq")])
    assert "unit:ent-e001" in auth.scope(1, "update", "factory")
    assert auth.decide(1, "update", "factory", ["unit:ent-e001"]).allowed


# --- examples --------------------------------------------------------------------------------

EAST_PLANNER, HQ_PLANNER, HQ_REVIEWER, AGENCY_INSPECTOR, ENTERPRISE = 1, 2, 3, 4, 5


@pytest.fixture(scope="module")
def seeded() -> Authorizer:
    return authorizer(
        SEED,
        [
            (EAST_PLANNER, "planner", "east"),
            (HQ_PLANNER, "planner", "hq"),
            (HQ_REVIEWER, "reviewer", "hq"),
            (AGENCY_INSPECTOR, "agency_inspector", "agency-de"),
            (ENTERPRISE, "enterprise", "ent-e001"),
        ],
    )


def allowed(auth: Authorizer, user: int, act: str, obj: str, unit: str) -> bool:
    decision = auth.decide(user, act, obj, [unit_domain(unit)])
    assert decision.allowed == (unit_domain(unit) in auth.scope(user, act, obj))
    return decision.allowed


def test_east_planner_updates_east_factories_only(seeded):
    assert allowed(seeded, EAST_PLANNER, "update", "factory", "east")
    assert allowed(seeded, EAST_PLANNER, "read", "factory.class", "east")
    for unit in ("south", "west", "hq", "agency-de"):
        assert not allowed(seeded, EAST_PLANNER, "update", "factory", unit)
        assert not allowed(seeded, EAST_PLANNER, "read", "factory", unit)
    assert seeded.scope(EAST_PLANNER, "update", "factory") == {"unit:east"}


def test_hq_planner_reads_and_updates_east_factories_through_oversight(seeded):
    assert allowed(seeded, HQ_PLANNER, "read", "factory", "east")
    assert allowed(seeded, HQ_PLANNER, "update", "factory", "east")
    decision = seeded.decide(HQ_PLANNER, "update", "factory", ["unit:east"])
    assert decision.rule == ("planner", "unit:hq", "factory", "update")
    assert decision.domain == "unit:east"
    assert allowed(seeded, HQ_PLANNER, "update", "factory", "hq")
    # an enterprise domain is not overseen by HQ in the seed
    assert not allowed(seeded, HQ_PLANNER, "update", "factory", "ent-e001")


def test_hq_planner_scope_is_hq_and_every_overseen_unit(seeded):
    expected = {unit_domain(u) for u in G2_UNITS}
    assert seeded.scope(HQ_PLANNER, "update", "factory") == expected


def test_hq_reviewer_reads_but_does_not_update(seeded):
    for unit in ("hq", "east", "south", "agency-de"):
        assert allowed(seeded, HQ_REVIEWER, "read", "factory", unit)
        assert allowed(seeded, HQ_REVIEWER, "read", "certificate", unit)
        assert not allowed(seeded, HQ_REVIEWER, "update", "factory", unit)
    assert seeded.scope(HQ_REVIEWER, "update", "factory") == frozenset()


def test_agency_inspector_reads_factories_of_its_domain_but_never_the_class(seeded):
    assert allowed(seeded, AGENCY_INSPECTOR, "read", "factory", "agency-de")
    assert allowed(seeded, AGENCY_INSPECTOR, "read", "certificate", "agency-de")
    assert not allowed(seeded, AGENCY_INSPECTOR, "update", "factory", "agency-de")
    for unit in CHECKED_UNITS:
        assert not allowed(seeded, AGENCY_INSPECTOR, "read", "factory.class", unit)
        if unit != "agency-de":
            assert not allowed(seeded, AGENCY_INSPECTOR, "read", "factory", unit)


def test_enterprise_reads_only_in_its_own_domain(seeded):
    assert allowed(seeded, ENTERPRISE, "read", "factory", "ent-e001")
    assert allowed(seeded, ENTERPRISE, "read", "certificate", "ent-e001")
    assert seeded.scope(ENTERPRISE, "read", "factory") == {"unit:ent-e001"}
    assert not allowed(seeded, ENTERPRISE, "update", "factory", "ent-e001")
    for unit in CHECKED_UNITS:
        assert not allowed(seeded, ENTERPRISE, "read", "factory.class", unit)
        if unit != "ent-e001":
            assert not allowed(seeded, ENTERPRISE, "read", "factory", unit)


def test_decide_tries_each_domain_and_names_the_one_that_allowed(seeded):
    decision = seeded.decide(EAST_PLANNER, "update", "factory", ["unit:south", "unit:east"])
    assert decision.allowed
    assert decision.domain == "unit:east"
    assert decision.rule == ("planner", "unit:*", "factory", "update")
    assert not seeded.decide(EAST_PLANNER, "update", "factory", []).allowed


def test_unknown_user_has_no_scope(seeded):
    assert seeded.scope(99, "read", "factory") == frozenset()
    assert not seeded.decide(99, "read", "factory", ["unit:hq"]).allowed


def test_reload_replaces_everything():
    auth = authorizer(SEED, [(1, "planner", "east")])
    assert allowed(auth, 1, "update", "factory", "east")
    auth.load(SEED, [(1, "reviewer", "east")], revision=2)
    assert auth.revision == 2
    assert not allowed(auth, 1, "update", "factory", "east")
    assert allowed(auth, 1, "read", "factory", "east")


# --- the indexed, remembering `decide` against casbin's plain enforcer -------------------------


def plain_enforcer(lines, assignments):
    """Casbin as it comes: every p line evaluated for every question, nothing remembered."""
    import casbin

    from policies.authorizer import MODEL_PATH, subject

    enforcer = casbin.Enforcer(str(MODEL_PATH))
    p = [list(line[1:]) for line in lines if line[0] == "p"]
    g2 = [list(line[1:]) for line in lines if line[0] == "g2"]
    g = [[subject(u), role, unit_domain(unit)] for u, role, unit in assignments]
    for ptype, rules in (("p", p), ("g2", g2), ("g", g)):
        if rules:
            (enforcer.add_named_policies if ptype == "p" else enforcer.add_named_grouping_policies)(ptype, rules)
    return enforcer


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    assignments=st.lists(assignment, max_size=12),
    extra=st.lists(extra_p, max_size=8),
    oversight=st.lists(extra_g2, max_size=3) | st.just([]),
)
def test_decide_answers_as_casbins_plain_enforcer(assignments, extra, oversight):
    from policies.authorizer import subject

    lines = [*SEED, *extra, *(line for line in oversight if line[1] != line[2])]
    auth, plain = authorizer(lines, assignments), plain_enforcer(lines, assignments)
    for _ in range(2):  # the second round answers from the memo
        for user, (obj, act), code in itertools.product(USERS, KINDS, CHECKED_UNITS):
            dom = unit_domain(code)
            decision = auth.decide(user, act, obj, [dom])
            allowed, rule = plain.enforce_ex(subject(user), dom, obj, act)
            assert decision.allowed == allowed, (user, dom, obj, act)
            if allowed:  # the same kind of line explains it (several lines may allow)
                assert decision.rule[2:] == tuple(rule)[2:] == (obj, act)


def test_a_remembered_decision_does_not_outlive_the_policy_it_came_from():
    line = ("p", "planner", "unit:*", "factory", "update")
    auth = authorizer([line], [(1, "planner", "east")])
    assert auth.decide(1, "update", "factory", ["unit:east"]).allowed
    auth.load([], [(1, "planner", "east")], revision=2)
    assert not auth.decide(1, "update", "factory", ["unit:east"]).allowed
    auth.load([line], [], revision=3)  # the role withdrawn
    assert not auth.decide(1, "update", "factory", ["unit:east"]).allowed
