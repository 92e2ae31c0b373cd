"""Fair use (issue G): budgets in query-cost points a minute per kind of user, per foreign
agency, refused with RATE_LIMITED before anything runs; the cost and what is left in every
answer's extensions. README, "Budgets (fair use)"."""

from __future__ import annotations

import math
import random

import pytest

from server.limiter import retry_seconds
from store.models import OrgUnit, User
from tests.api.budget_support import COST, QUERY, SMALL, graphql_client, running, small_budgets, spend_until_refused

SET_LANGUAGE = "mutation($i: SetMyLanguageInput!) { setMyLanguage(input: $i) { language userErrors { code } } }"


@pytest.fixture
async def limited(sqlite_worlds):
    settings = small_budgets(sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as api:
        yield api


async def test_each_kind_of_user_has_the_budget_of_its_kind(limited):
    """100 points for staff, 40 for an agency's or a lab's people, 25 for an enterprise's, 12 for
    a market buyer: as many 11-point requests as fit, then a refusal."""
    got = {login: (await spend_until_refused(limited, login))[0]
           for login in ("hq.planner", "agency.de.inspector", "lab.east1", "ent.E001", "buyer.east")}  # fmt: skip
    assert got == {
        "hq.planner": SMALL["budget_staff"] // COST,
        "agency.de.inspector": SMALL["budget_agency"] // COST,
        "lab.east1": SMALL["budget_agency"] // COST,  # a lab: an outside organisation like an agency
        "ent.E001": SMALL["budget_enterprise"] // COST,
        "buyer.east": SMALL["budget_buyer"] // COST,
    }
    assert (await limited.post(QUERY, as_user="east.planner")).status_code == 200  # everyone their own budget


async def test_every_answer_carries_its_cost_and_what_is_left(limited):
    limit, left = SMALL["budget_enterprise"], []
    for _ in range(3):
        body = (await limited.post(QUERY, as_user="ent.E002")).json()
        assert body["extensions"]["cost"] == COST
        budget = body["extensions"]["budget"]
        assert budget["limit"] == limit and 0 < budget["resetSeconds"] <= 120
        left.append((budget["remaining"], "errors" in body))
    # The third does not fit: refused, and nothing spent (one point of rounding where a minute turns).
    assert left[0] in ((limit - COST, False), (limit - COST - 1, False))
    assert left[1] in ((limit - 2 * COST, False), (limit - 2 * COST - 1, False))
    assert left[2] in ((limit - 2 * COST, True), (limit - 2 * COST - 1, True))


async def test_over_budget_is_a_429_with_retry_after_and_nothing_runs(limited):
    done, refused = await spend_until_refused(limited, "buyer.east")
    assert done == 1
    assert refused.status_code == 429
    body = refused.json()
    assert body["data"] is None and set(body) == {"data", "errors", "extensions"}  # still a GraphQL response
    (error,) = body["errors"]
    wait = error["extensions"]["retryAfter"]
    assert error["extensions"]["code"] == "RATE_LIMITED" and 1 <= wait <= 120  # points fade over two windows
    assert refused.headers["retry-after"] == str(wait)
    assert error["message"].startswith("You have used your query budget of 12 points a minute")
    assert body["extensions"]["cost"] == COST
    # A mutation over the budget does not run: the language stays as it was.
    changed = await limited.post(SET_LANGUAGE, {"i": {"language": "EN"}}, as_user="buyer.east")
    assert changed.status_code == 429 and changed.json()["data"] is None
    assert (await User.get(login="buyer.east")).language is None


async def test_the_refusal_speaks_chinese_to_a_chinese_reader(limited):
    await spend_until_refused(limited, "buyer.south")
    refused = await limited.post(QUERY, as_user="buyer.south", headers={"accept-language": "zh"})
    (error,) = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["message"].startswith("您已用完每分钟 12 点的查询额度"), error["message"]


async def test_an_agencys_people_share_one_budget(limited):
    """40 points for each person of an agency and 40 for the agency as a whole: a second
    inspector of the same agency is refused once the first has spent the agency's."""
    unit = await OrgUnit.get(code="agency-de")
    await User.create(login="agency.de.second", display_name="Second agency inspector", unit=unit)
    done, _ = await spend_until_refused(limited, "agency.de.inspector")
    assert done == SMALL["budget_agency"] // COST
    refused = await limited.post(QUERY, as_user="agency.de.second")
    assert refused.status_code == 429
    (error,) = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["message"].startswith("Your organisation has used its shared query budget of 40 points")
    assert (await limited.post(QUERY, as_user="ent.E001")).status_code == 200  # other kinds are not affected


async def test_anonymous_typename_is_not_charged(limited):
    for _ in range(30):
        response = await limited.http.post("/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 200
        assert response.json() == {"data": {"__typename": "Query"}}  # no budget, nothing to tell


async def test_without_a_budget_for_the_kind_nobody_of_that_kind_is_limited(sqlite_worlds):
    settings = small_budgets(sqlite_worlds.fresh(), budget_buyer=0)
    async with running(settings) as application, graphql_client(settings, application) as api:
        for _ in range(5):
            body = (await api.post(QUERY, as_user="buyer.east")).json()
            assert "errors" not in body and body["extensions"] == {"cost": COST, "budget": None}


def test_retry_after_is_when_the_cost_first_fits_again():
    """The wait a refusal names, against the sliding window counter's own rule (floor of the
    fading previous count, plus the current count, plus the cost, within the limit), for many
    states: the cost fits right after the wait and not a moment before it."""
    window, rng = 60.0, random.Random(16)

    def fits(limit, cost, previous, current, until_shift, t):
        if t < until_shift:
            weighted = previous * (until_shift - t) / window + current
        else:
            weighted = current * max(0.0, window - (t - until_shift)) / window
        return math.floor(weighted) + cost <= limit

    for _ in range(2000):
        limit = rng.randint(1, 500)
        cost = rng.randint(1, limit)
        previous, current = rng.randint(0, limit), rng.randint(0, limit)
        until_shift = rng.uniform(0.001, window)
        wait = retry_seconds(limit, cost, window, previous, until_shift if previous else 0.0, current,
                             window + until_shift if current else 0.0)  # fmt: skip
        state = (limit, cost, previous, current, until_shift, wait)
        assert fits(limit, cost, previous, current, until_shift, wait + 1e-6), state
        assert wait < 1e-3 or not fits(limit, cost, previous, current, until_shift, wait - 1e-3), state
