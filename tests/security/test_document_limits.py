"""Documents crafted to make the checks before execution expensive: each is refused (or
answered) quickly, and while one is being checked the server keeps answering others."""

import asyncio
import time

from graphql import parse

from server.query_limits import SATURATED, analyse
from tests.client import error_codes


def doubling_chain(levels: int, leaf: str = "viewer { login }") -> str:
    """Fragment i spreads fragment i+1 twice: 2**levels copies of the leaf, in under 3 KB."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"{{ ...F0 }} {chain} fragment F{levels} on Query {{ {leaf} }}"


async def test_a_sixty_level_fragment_bomb_is_refused_at_once(api):
    await api.token("ent.E001")
    started = time.perf_counter()
    body = await asyncio.wait_for(api.run(doubling_chain(60), as_user="ent.E001"), timeout=10)
    assert time.perf_counter() - started < 1.0
    assert body["data"] is None and error_codes(body) == ["QUERY_TOO_COSTLY"]


async def test_fragment_bombs_of_aliases_and_depth_are_refused(api):
    aliases = await asyncio.wait_for(api.run(doubling_chain(50, "a: viewer { login }"), as_user="hq.planner"), 10)
    assert aliases["data"] is None and "aliases found" in aliases["errors"][0]["message"]

    nested = " ".join(f"fragment D{i} on Factory {{ certificates(first: 1) {{ nodes {{ factory {{ ...D{i + 1} }} }} }} }}"
                      for i in range(8))  # fmt: skip
    deep = f"{{ factories(first: 1) {{ nodes {{ ...D0 }} }} }} {nested} fragment D8 on Factory {{ code }}"
    body = await api.run(deep, as_user="hq.planner")
    assert body["data"] is None and "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_documents_that_would_be_slow_to_validate_are_refused_while_health_answers(api):
    # graphql-core compares every pair of fields with one response name: 215 copies took about
    # 0.2 s each, on the event loop's interpreter lock even from a worker thread. Refused first.
    copies = " ".join("factories(first: 1) { totalCount }" for _ in range(214))
    slow = f"{{ {copies} factories(first: 2) {{ totalCount }} }}"
    spread = "{ ...A ...B } fragment A on Query { " + "viewer { login } " * 40 + "} fragment B on Query { " + (
        "viewer { login } " * 40 + "}")  # fmt: skip
    await api.token("hq.planner")
    bodies = await asyncio.gather(*(api.run(doc, as_user="hq.planner") for doc in [slow, spread] * 4))
    health = await api.http.get("/health")
    assert health.status_code == 200
    for body in bodies:
        assert body["data"] is None and error_codes(body) == ["QUERY_TOO_COSTLY"], body
    assert "`factories` is selected 215 times" in bodies[0]["errors"][0]["message"]
    assert "`viewer` is selected 80 times" in bodies[1]["errors"][0]["message"]


def test_limits_are_computed_in_one_linear_pass():
    shape = analyse(parse(doubling_chain(60, "a: viewer { login }")), {}, None)
    assert shape.cost == shape.aliases == SATURATED  # counted up to a cap, never expanded
    cyclic = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { login } }")
    assert analyse(cyclic, {}, None).cost == 2  # the cycle itself is refused by validation
    deep = parse("{" + " viewer {" * 60 + " login" + " }" * 61)
    assert analyse(deep, {}, None, max_depth=12).depth > 12  # the walk stops past the limit
