"""Every change goes through the use-case runner (services/runner.py), so a command cannot
forget its authorization or its audit record: nothing else opens a transaction or appends to
the audit chain, and every declared command names a gate action the seed policy knows."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import services
from policies.authorizer import read_seed_policy
from services.runner import USE_CASES

ROOT = Path(__file__).resolve().parents[2]
CODE = [p for folder in ("services", "resolvers", "server") for p in (ROOT / folder).rglob("*.py")]
# The runner's transaction, and the idempotency record that encloses a command with its answer.
MAY_OPEN_TRANSACTIONS = {"services/runner.py", "services/idempotency.py"}
MAY_APPEND_AUDIT = {"services/audit_log.py"}


def _imported_names(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every `from module import name` and (module, "") of `import module`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name, "") for alias in node.names}
    return found


def _offenders(allowed: set[str], forbidden: set[tuple[str, str]]) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in CODE
        if str(path.relative_to(ROOT)) not in allowed and _imported_names(path) & forbidden
    )


def test_only_the_runner_opens_a_transaction():
    forbidden = {("store.db", "transaction"), ("tortoise.transactions", "in_transaction"),
                 ("tortoise.transactions", "atomic"), ("tortoise", "transactions")}  # fmt: skip
    assert not _offenders(MAY_OPEN_TRANSACTIONS, forbidden)


def test_only_the_audit_log_appends_to_the_chain():
    forbidden = {("store", "audit"), ("store.audit", "append"), ("store.audit", "")}
    assert not _offenders(MAY_APPEND_AUDIT, forbidden)


def _service_commands():
    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)
    return {name: use_case for name, use_case in USE_CASES.items() if name.startswith("services.")}


def test_the_services_declare_their_commands():
    assert len(_service_commands()) > 40


def test_every_gated_command_asks_an_action_the_seed_policy_grants_on_that_kind():
    granted = {(line[4], line[3]) for line in read_seed_policy() if line[0] == "p"}
    asked = {}
    for name, use_case in _service_commands().items():
        if use_case.gate is None or use_case.action == "read":
            continue
        route = use_case.gate.routes.get(use_case.action)  # another way to the action, by another policy line
        asked[name] = (route.action, route.kind) if route else (use_case.action, use_case.gate.kind)
    unknown = {name: pair for name, pair in asked.items() if pair not in granted}
    assert not unknown, f"commands asking an action no seed policy line grants on their kind: {unknown}"
