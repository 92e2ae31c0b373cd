"""The bench query compiled: one SQL statement besides authentication's, whatever the page sizes."""

from __future__ import annotations

import pytest

from tests.compiled.support import both

BENCH = """query($n: Int, $m: Int) { factories(first: $n) { totalCount nodes { id code name classification
  responsibleUnit { code } certificates(first: $m) { totalCount nodes { number status } } } } }"""


def _registry_statements(statements: list[str]) -> list[str]:
    """What the request read beyond the signed-in user and their units' ids."""
    return [s for s in statements if '"app_user"' not in s and not s.startswith('SELECT "code" "0","id" "1"')]


@pytest.mark.parametrize("sizes", [(1, 1), (10, 3), (50, 10), (100, 20)])
async def test_the_bench_query_is_one_statement(api, app, settings, sizes):
    n, m = sizes
    await api.data(BENCH, {"n": 1, "m": 1}, as_user="hq.planner")  # warm the policy and token caches
    with api.count_queries() as counter:
        data = await api.data(BENCH, {"n": n, "m": m}, as_user="hq.planner")
    assert len(data["factories"]["nodes"]) == min(n, data["factories"]["totalCount"])
    registry = _registry_statements(counter.statements)
    assert len(registry) == 1, registry
    assert "json" in registry[0]


async def test_compiled_reads_off_runs_the_executor(api, app, settings):
    """The switch is real: without compiled reads the same answer takes several statements."""
    compiled, executed = await both(api, app, settings, BENCH, {"n": 5, "m": 2}, "hq.planner")
    assert compiled == executed
    from tests.compiled.support import executor_only

    with executor_only(app, settings), api.count_queries() as counter:
        await api.data(BENCH, {"n": 5, "m": 2}, as_user="hq.planner")
    assert len(_registry_statements(counter.statements)) > 1
