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


async def test_health_is_answered_while_a_slow_document_is_validated(api):
    # graphql-core compares every pair of fields with one response name: about 0.2 s for 215
    # copies (within the 2,000-token limit). The last copy's argument differs, so the document fails validation and never runs.
    copies = " ".join("factories(first: 1) { totalCount }" for _ in range(214))
    slow = f"{{ {copies} factories(first: 2) {{ totalCount }} }}"
    await api.token("hq.planner")
    finished: dict[str, float] = {}

    async def heavy():
        body = await api.run(slow, as_user="hq.planner")
        finished["heavy"] = time.perf_counter()
        return body

    async def health():
        await asyncio.sleep(0.02)  # once the heavy document is being checked
        response = await api.http.get("/health")
        finished["health"] = time.perf_counter()
        return response

    body, response = await asyncio.gather(heavy(), health())
    assert response.status_code == 200
    assert "conflict because they have differing arguments" in body["errors"][0]["message"]
    assert finished["health"] < finished["heavy"]


def test_limits_are_computed_in_one_linear_pass():
    shape = analyse(parse(doubling_chain(60, "a: viewer { login }")), {}, None)
    assert shape.cost == shape.aliases == SATURATED  # counted up to a cap, never expanded
    cyclic = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { login } }")
    assert analyse(cyclic, {}, None).cost == 2  # the cycle itself is refused by validation
    deep = parse("{" + " viewer {" * 60 + " login" + " }" * 61)
    assert analyse(deep, {}, None, max_depth=12).depth > 12  # the walk stops past the limit
