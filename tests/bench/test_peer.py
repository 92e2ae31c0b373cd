"""The pure parts of bench/peer.py (our API beside PostGraphile): the peer's query text, the
mapping and comparison of the two answers, and the skip when node/npm or PostgreSQL is missing.
The benchmark itself is run by `make bench-peer`, never timed here."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse, print_ast

from schema.relay import to_global_id

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from peer_answers import (  # noqa: E402
    PEER_FIELD_FOR,
    PEER_QUERY,
    comparable_ours,
    comparable_peer,
    differences,
    peer_row_id,
)
from postgraphile_server import command, missing_tools  # noqa: E402
from run import QUERY  # noqa: E402


def _tree(field: FieldNode, rename: dict[str, str]) -> tuple:
    """A field as (name, {argument: value}, children), renamed to PostGraphile's spelling."""
    name = rename.get(field.name.value, field.name.value)
    arguments = {arg.name.value: print_ast(arg.value) for arg in field.arguments or ()}
    children = tuple(_tree(f, rename) for f in field.selection_set.selections) if field.selection_set else ()
    return name, arguments, children


def _root(query: str, rename: dict[str, str]) -> tuple:
    (operation,) = parse(query).definitions
    assert isinstance(operation, OperationDefinitionNode)
    (root,) = operation.selection_set.selections
    return _tree(root, rename)


def _without_order(tree: tuple) -> tuple:
    name, arguments, children = tree
    ordered = {k: v for k, v in arguments.items() if k != "orderBy"}
    return name, ordered, tuple(_without_order(c) for c in children)


def test_peer_query_selects_what_ours_selects_under_peer_names():
    ours, peer = _root(QUERY, PEER_FIELD_FOR), _root(PEER_QUERY, {})
    assert _without_order(peer) == _without_order(ours)
    # Both connections in primary-key order, as our keyset pages are.
    assert peer[1]["orderBy"] == "PRIMARY_KEY_ASC"
    certificates = next(c for c in peer[2][1][2] if c[0] == PEER_FIELD_FOR["certificates"])
    assert certificates[1] == {"first": "10", "orderBy": "PRIMARY_KEY_ASC"}


def _peer_node_id(row: int) -> str:
    return base64.b64encode(json.dumps(["factories", row], separators=(",", ":")).encode()).decode()


def _answers() -> tuple[dict, dict]:
    certificates = {
        "totalCount": 2,
        "nodes": [{"number": "N1", "status": "VALID"}, {"number": "N2", "status": "EXPIRED"}],
    }
    ours = {"data": {"factories": {"totalCount": 2, "nodes": []}}}
    peer = {"data": {"allFactories": {"totalCount": 2, "nodes": []}}}
    for row, code in ((7, "B00007"), (9, "B00009")):
        common = {"code": code, "name": f"Factory {code}", "classification": "C"}
        ours["data"]["factories"]["nodes"].append(
            common
            | {"id": to_global_id("Factory", row), "responsibleUnit": {"code": "east"}, "certificates": certificates}
        )
        peer["data"]["allFactories"]["nodes"].append(
            common
            | {"nodeId": _peer_node_id(row), "orgUnitByResponsibleUnitId": {"code": "east"}}
            | {"certificatesByFactoryId": copy.deepcopy(certificates)}
        )
    return ours, peer


def test_equal_answers_map_to_the_same_form():
    ours, peer = _answers()
    assert comparable_ours(ours) == comparable_peer(peer)
    assert [n["row"] for n in comparable_ours(ours)["nodes"]] == [7, 9]
    assert differences(comparable_ours(ours), comparable_peer(peer)) == []


def test_peer_node_ids_decode_as_postgraphile_writes_them():
    assert peer_row_id("WyJmYWN0b3JpZXMiLDFd") == 1  # as PostGraphile 4.14 answered for factory 1


def test_a_different_status_row_order_or_count_is_reported():
    ours, peer = _answers()
    nodes = peer["data"]["allFactories"]["nodes"]
    nodes[1]["certificatesByFactoryId"]["nodes"][0]["status"] = "SUSPENDED"
    found = differences(comparable_ours(ours), comparable_peer(peer))
    assert len(found) == 1 and found[0].startswith("node 1 certificates")

    ours, peer = _answers()
    nodes = peer["data"]["allFactories"]["nodes"]
    nodes.reverse()
    peer["data"]["allFactories"]["totalCount"] = 3
    found = differences(comparable_ours(ours), comparable_peer(peer))
    assert found[0] == "totalCount: ours 2, PostGraphile 3"
    assert any(f.startswith("node 0 row: ours 7, PostGraphile 9") for f in found)


def test_an_answer_with_errors_is_not_compared():
    _, peer = _answers()
    with pytest.raises(ValueError, match="PostGraphile answered with errors"):
        comparable_peer(peer | {"errors": [{"message": "permission denied"}]})
    with pytest.raises(ValueError, match="not a Factory id"):
        comparable_ours({"data": {"factories": {"totalCount": 1, "nodes": [{"id": to_global_id("Task", 1)}]}}})


def _tools(directory: Path, *names: str) -> str:
    for name in names:
        tool = directory / name
        tool.write_text("#!/bin/sh\nexit 1\n")
        tool.chmod(0o755)
    return str(directory)


def test_missing_node_or_npm_is_the_skip_reason(tmp_path):
    empty, node_only, both = (tmp_path / name for name in ("empty", "node", "both"))
    for directory in (empty, node_only, both):
        directory.mkdir()
    assert missing_tools(_tools(empty)) == "node and npm not found on PATH: PostGraphile needs Node.js and npm"
    assert missing_tools(_tools(node_only, "node")) == "npm not found on PATH: PostGraphile needs Node.js and npm"
    assert missing_tools(_tools(both, "node", "npm")) is None


def test_postgraphile_runs_on_loopback_without_query_log_or_graphiql():
    argv = command("postgres://postgres@127.0.0.1:5432/x", 4321)
    assert argv[0] == "node" and argv[1].endswith("bench/postgraphile/serve.js")
    for flag in ("--disable-graphiql", "--disable-query-log", "--no-setof-functions-contain-nulls"):
        assert flag in argv
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == "4321"


def _run_peer(path: str, postgres_url: str) -> subprocess.CompletedProcess:
    env = {"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), "BENCH_PEER_POSTGRES_URL": postgres_url}
    env["PYTHONPATH"] = str(BENCH.parent)
    return subprocess.run(
        [sys.executable, str(BENCH / "peer.py")], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_script_skips_without_node(tmp_path):
    done = _run_peer(_tools(tmp_path), "postgres://postgres@127.0.0.1:5432/surveil_bench_peer")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip() == "bench-peer skipped: node and npm not found on PATH: PostGraphile needs Node.js and npm"
    )


def test_the_script_skips_without_postgresql(tmp_path):
    # Port 9 (discard) on loopback: nothing listens there.
    done = _run_peer(_tools(tmp_path, "node", "npm"), "postgres://postgres@127.0.0.1:9/surveil_bench_peer")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("bench-peer skipped: PostgreSQL does not answer at postgres://postgres@127.0.0.1:9")
