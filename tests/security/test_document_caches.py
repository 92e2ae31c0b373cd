"""Issue 17 (H): a document seen before is neither parsed, analysed nor validated again, and
what is remembered never answers for another document, operation, page size or set of limits.

Parsing and validation are counted where graphql-core does them (Parser.parse_document,
the `validate` strawberry calls), through the real app."""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql.language.parser import Parser

from server.document_limits import BoundedCache, DocumentLimits
from server.query_limits import estimate
from server.settings import Settings
from tests.api.budget_support import graphql_client, running, small_budgets
from tests.client import error_codes

PAGE = "query Page($n: Int) { factories(first: $n) { nodes { code } } }"


def unique(document: str) -> str:
    """The same document under a text no other test sends (the caches live as long as the schema)."""
    return f"# {uuid.uuid4().hex}\n{document}"


@pytest.fixture
def calls(monkeypatch) -> Counter:
    counted: Counter = Counter()
    parse_document, validate = Parser.parse_document, strawberry_schema.validate
    complete = DocumentLimits.complete

    def counting_parse(self, *args, **kwargs):
        counted["parse"] += 1
        return parse_document(self, *args, **kwargs)

    def counting_validate(*args, **kwargs):
        counted["validate"] += 1
        return validate(*args, **kwargs)

    def counting_complete(*args, **kwargs):
        counted["worker thread"] += 1
        return complete(*args, **kwargs)

    monkeypatch.setattr(Parser, "parse_document", counting_parse)
    monkeypatch.setattr(strawberry_schema, "validate", counting_validate)
    monkeypatch.setattr(DocumentLimits, "complete", counting_complete)
    return counted


@pytest.fixture
async def api(sqlite_worlds):
    settings = dataclasses.replace(Settings(), database_url=sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as client:
        yield client


async def test_a_document_sent_again_is_not_parsed_analysed_or_validated_again(api, calls):
    query = unique("{ viewer { login } }")
    first = await api.run(query, as_user="hq.planner")
    assert calls == {"parse": 1, "validate": 1, "worker thread": 1}
    second = await api.run(query, as_user="east.planner")
    assert calls == {"parse": 1, "validate": 1, "worker thread": 1}
    assert first["data"]["viewer"]["login"] == "hq.planner" and second["data"]["viewer"]["login"] == "east.planner"
    assert first["extensions"]["cost"] == second["extensions"]["cost"] == 2


async def test_another_document_is_parsed_and_validated_afresh(api, calls):
    await api.run(unique("{ viewer { login } }"), as_user="hq.planner")
    body = await api.run(unique("{ viewer { login noSuchField } }"), as_user="hq.planner")
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and "noSuchField" in body["errors"][0]["message"]
    assert calls == {"parse": 2, "validate": 2, "worker thread": 2}


async def test_the_cost_follows_the_page_variables_and_the_operation(api, calls):
    query = unique(PAGE + " query Me { viewer { login } }")
    costs = {}
    for n in (1, 50, 1, 50, 7):
        body = await operation(api, query, "Page", {"n": n})
        assert "errors" not in body, body
        costs[n] = body["extensions"]["cost"]
    assert costs == {1: 3, 50: 101, 7: 15}
    me = await operation(api, query, "Me", {})
    assert me["data"] == {"viewer": {"login": "hq.planner"}} and me["extensions"]["cost"] == 2
    # One validation for the text; one analysis for each page size and operation.
    assert calls == {"parse": 1, "validate": 1, "worker thread": 4}


async def operation(api, query: str, name: str, variables: dict) -> dict:
    headers = {"authorization": f"Bearer {await api.token('hq.planner')}"}
    body = {"query": query, "operationName": name, "variables": variables}
    return (await api.http.post("/graphql", json=body, headers=headers)).json()


async def test_an_unrelated_variable_does_not_make_a_new_estimate(api, calls):
    query = unique("query($s: String!) { factories(first: 2, filter: {search: $s}) { nodes { code } } }")
    for search in ("E001", "E002", "nothing"):
        assert (await api.run(query, {"s": search}, as_user="hq.planner"))["extensions"]["cost"] == 5
    assert calls == {"parse": 1, "validate": 1, "worker thread": 1}


async def test_limits_of_another_schema_are_not_reused(sqlite_worlds, calls):
    deep = unique("{ factories(first: 2) { nodes { certificates(first: 2) { nodes { factory { code } } } } } }")
    url = sqlite_worlds.fresh()
    answers = {}
    for name, changes in (("default", {}), ("shallow", {"max_depth": 3}), ("cheap", {"max_cost": 10})):
        settings = dataclasses.replace(Settings(), database_url=url, **changes)
        async with running(settings) as application, graphql_client(settings, application) as client:
            answers[name] = [await client.run(deep, as_user="hq.planner") for _ in range(2)]
    assert all("errors" not in body for body in answers["default"])
    for body in answers["shallow"]:
        assert body["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 3"
    for body in answers["cheap"]:
        assert error_codes(body) == ["QUERY_TOO_COSTLY"] and "limit 10" in body["errors"][0]["message"]
    # Each schema parsed and analysed the document once (its own caches); only the one whose limits
    # let it through validated it.
    assert calls == {"parse": 3, "validate": 1, "worker thread": 3}


async def test_an_invalid_document_sent_again_is_charged_again(sqlite_worlds, calls):
    settings = small_budgets(sqlite_worlds.fresh())
    invalid = unique("{ factories(first: 5) { nodes { id noSuchField } } }")
    async with running(settings) as application, graphql_client(settings, application) as api:
        remaining = []
        for _ in range(2):
            body = await api.run(invalid, as_user="hq.planner")
            assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
            remaining.append(body["extensions"]["budget"]["remaining"])
    assert remaining[0] - remaining[1] == body["extensions"]["cost"] == 16
    assert calls["validate"] == 1


async def test_an_anonymous_caller_is_refused_a_document_a_signed_in_one_sent(api, calls):
    query = unique("{ viewer { login } }")
    await api.run(query, as_user="hq.planner")
    body = await api.run(query)
    assert error_codes(body) == ["UNAUTHENTICATED"] and body["data"] is None and "extensions" not in body
    typename = unique("{ __typename }")
    await api.run(typename, as_user="hq.planner")
    assert await api.run(typename) == {"data": {"__typename": "Query"}}  # no cost, no budget: as before


async def test_a_refused_limit_is_refused_from_memory_in_the_same_words(api, calls):
    query = unique("{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }")
    bodies = [await api.run(query, as_user="hq.planner") for _ in range(2)]
    assert bodies[0] == bodies[1] and bodies[0]["errors"][0]["message"] == "40 aliases found. Allowed: 30"
    assert calls == {"parse": 1, "worker thread": 1}  # never validated: a limit refused it


def test_the_cache_is_bounded_and_forgets_the_least_recently_used():
    cache = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (1, None, 3, 2)
    assert (cache.hits, cache.misses) == (3, 1)


def test_the_estimate_reads_only_the_page_variables():
    from graphql import parse

    from server.query_limits import page_variables

    document = parse(
        "query($a: Int, $b: Int, $s: String) { factories(first: $a, filter: {search: $s}) { nodes { ...F } } }"
        " fragment F on Factory { certificates(last: $b) { nodes { number } } }"
    )
    assert page_variables(document) == ("a", "b")
    assert estimate(document, {"a": 3, "b": 2, "s": "x"}, None) == estimate(document, {"a": 3, "b": 2}, None)


async def test_a_short_anonymous_document_is_remembered_a_long_one_is_not(api, calls):
    """A health probe's `{ __typename }` costs one parse and one analysis however often it comes;
    an anonymous caller's long document is worked out afresh each time (never kept in memory)."""
    short = unique("{ __typename }")
    long = unique("{ " + " ".join(f"a{i}: __typename" for i in range(25)) + " }" + " " * 300)
    for _ in range(3):
        assert (await api.run(short))["data"] == {"__typename": "Query"}
    assert calls == {"parse": 1, "validate": 1, "worker thread": 1}
    for _ in range(2):
        assert (await api.run(long))["data"]["a0"] == "Query"
    assert calls == {"parse": 3, "validate": 3, "worker thread": 3}
