"""The action names that tie a use case to the policy are spelled in the code and in
policies/policy.csv: a use case asking an action the seed policy does not know is refused to
everyone, and a policy line for an action no code asks is dead. Both fail here."""

from __future__ import annotations

import ast
from pathlib import Path

from policies.authorizer import read_seed_policy
from services.gates import GATES

ROOT = Path(__file__).resolve().parents[2]
CODE = [p for folder in ("services", "resolvers", "policies", "server") for p in (ROOT / folder).rglob("*.py")]
# Calls whose string arguments name a policy action (or its object kind, or a unit code).
ASKING = {"require", "decide", "load_for", "open_for", "unit_ids", "domains", "scope", "_load_for", "own_assignment",
          "_load", "Route", "explain", "factory_filter", "command", "at_hq"}  # fmt: skip


def _policy() -> tuple[set[str], set[str]]:
    lines = [line for line in read_seed_policy() if line[0] == "p"]
    return {line[4] for line in lines}, {line[3] for line in lines}


def _asked_strings() -> set[str]:
    asked = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in ASKING:
                continue
            # `id_arg` names a handler's argument, not a policy word.
            arguments = [*node.args, *(k.value for k in node.keywords if k.arg != "id_arg")]
            asked |= {a.value for a in arguments if isinstance(a, ast.Constant) and _is_name(a.value)}
    return asked


def _is_name(value) -> bool:
    """A policy word (`submit_results`), not a URL path or an ORM lookup prefix (`factory__`)."""
    return isinstance(value, str) and value.replace("_", "a").isalpha() and value.islower() and not value.endswith("_")


def _all_strings() -> set[str]:
    found = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_action_the_code_asks_is_in_the_seed_policy():
    actions, kinds = _policy()
    unit_codes = {"hq"}
    routed = {action for gate in GATES.values() for action in gate.routes}  # checked by test_use_cases
    unknown = _asked_strings() - actions - kinds - unit_codes - routed
    assert not unknown, f"actions asked by the code that no seed policy line grants: {sorted(unknown)}"


def test_every_action_in_the_seed_policy_is_asked_by_some_use_case():
    actions, _ = _policy()
    dead = actions - _all_strings()
    assert not dead, f"policy actions no code asks for: {sorted(dead)}"
