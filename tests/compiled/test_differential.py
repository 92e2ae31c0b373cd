"""Differential tests: every generated document answers the same, data and errors, with compiled
reads on and through the executor alone, as every kind of viewer, on both databases. A
difference is a compiler bug — and where the compiled answer shows more, a security hole."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.models import OrgUnit, User
from tests.compiled.selections import documents
from tests.compiled.support import ROLES, both

NO_ROLE = "staff.without.roles"
DIFFERENTIAL = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
async def viewers(api) -> tuple[str, ...]:
    """The demo roles, and a signed-in member of staff who holds no role at all."""
    await User.create(login=NO_ROLE, display_name="No roles", unit=await OrgUnit.get(code="east"))
    return (*ROLES, NO_ROLE)


@DIFFERENTIAL
@given(document=documents(), role=st.integers(0, len(ROLES)))
async def test_compiled_equals_executor(api, app, settings, viewers, caplog, document, role):
    query, variables = document
    caplog.clear()
    compiled, executed = await both(api, app, settings, query, variables, viewers[role])
    assert compiled == executed, query
    # A compiled statement the database refuses falls back to the executor: same answer, but a bug.
    assert not [r for r in caplog.records if r.name == "surveil.compiled"], query


PAGES = """query($after: String) { factories(first: 3, after: $after) {
  edges { cursor node { code certificates(first: 1) { pageInfo { endCursor hasNextPage } nodes { number } } } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }"""


@pytest.mark.parametrize("login", ["hq.planner", "east.planner", "ent.E001"])
async def test_walking_the_pages_with_their_cursors(api, app, settings, login):
    """Every page, each asked with the previous page's endCursor, answers the same both ways."""
    after, pages = None, 0
    while True:
        compiled, executed = await both(api, app, settings, PAGES, {"after": after}, login)
        assert compiled == executed
        info = compiled["data"]["factories"]["pageInfo"]
        pages += 1
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == -(-compiled["data"]["factories"]["totalCount"] // 3) or pages == 1
