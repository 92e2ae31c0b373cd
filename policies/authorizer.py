"""The one authorizer: `require`, `scope` (policy -> set of domains for a SQL filter), `explain`.

The enforcer lives in memory, built from rows the store loads (policy lines and role
assignments). It is rebuilt whole on every change: a few hundred lines take milliseconds,
and a swap of one reference is atomic for concurrent requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import casbin
from casbin.model.policy_fast import FastPolicy, fast_policy_filter
from casbin.util import key_match

MODEL_PATH = Path(__file__).with_name("model.conf")
SEED_PATH = Path(__file__).with_name("policy.csv")
POLICY_TYPES = ("p", "g2")
POLICY_ARITY = {"p": 4, "g2": 2}
# The matcher requires r.obj == p.obj && r.act == p.act: the p lines are kept indexed by (obj, act)
# in casbin's FastPolicy, and each decision evaluates the matcher on those few lines only, not on
# all ~200 (1.5 ms a decision before, a dozen of them in a typical command). Not casbin's
# FastEnforcer: its model loads only the first role definition (g, never g2) in casbin 1.43.
OBJ_ACT = [2, 3]
MEMO_LIMIT = 100_000  # decisions remembered per policy revision (a few MB at most)


def _enforcer() -> casbin.Enforcer:
    enforcer = casbin.Enforcer(str(MODEL_PATH))
    enforcer.model.model["p"]["p"].policy = FastPolicy(OBJ_ACT)
    return enforcer


def subject(user_id: int) -> str:
    return f"user:{user_id}"


def unit_domain(unit_code: str) -> str:
    return f"unit:{unit_code}"


def domain_unit(domain: str) -> str:
    return domain.removeprefix("unit:")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: tuple[str, ...] | None  # the policy line that allowed it
    domain: str | None  # the resource domain it was allowed in


def read_seed_policy(path: Path = SEED_PATH) -> list[tuple[str, ...]]:
    """Policy lines of a Casbin CSV file: (ptype, v0, v1, ...), comments skipped."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        parts = tuple(part.strip() for part in text.split(","))
        if parts[0] not in POLICY_TYPES or len(parts) - 1 != POLICY_ARITY[parts[0]]:
            raise ValueError(f"bad policy line: {raw!r}")
        lines.append(parts)
    return lines


class Authorizer:
    def __init__(self) -> None:
        self.revision = -1
        self._enforcer = _enforcer()
        self._memo: dict[tuple[int, str, str, str], tuple[bool, tuple[str, ...] | None]] = {}
        self._assignments: dict[str, list[tuple[str, str]]] = {}
        self._policies_by_obj_act: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._children: dict[str, set[str]] = {}

    def load(
        self,
        policy_lines: Iterable[tuple[str, ...]],
        assignments: Iterable[tuple[int, str, str]],
        revision: int,
    ) -> None:
        """Replace everything: policy lines (ptype, ...) and (user_id, role, unit_code)."""
        enforcer = _enforcer()
        p_rules, g2_rules = [], []
        for line in policy_lines:
            (p_rules if line[0] == "p" else g2_rules).append(list(line[1:]))
        g_rules = [[subject(u), role, unit_domain(unit)] for u, role, unit in assignments]
        if p_rules:
            enforcer.add_named_policies("p", p_rules)
        if g2_rules:
            enforcer.add_named_grouping_policies("g2", g2_rules)
        if g_rules:
            enforcer.add_named_grouping_policies("g", g_rules)

        by_user: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for sub, role, dom in g_rules:
            by_user[sub].append((role, dom))
        by_obj_act: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for role, dom, obj, act in p_rules:
            by_obj_act[(obj, act)].append((role, dom))
        children: dict[str, set[str]] = defaultdict(set)
        for child, parent in g2_rules:
            children[parent].add(child)

        # Swap in one go so a concurrent request sees either the old or the new state.
        self._enforcer, self._memo, self._assignments = enforcer, {}, dict(by_user)
        self._policies_by_obj_act, self._children = dict(by_obj_act), dict(children)
        self.revision = revision

    # --- questions -------------------------------------------------------------------
    def decide(self, user_id: int, action: str, kind: str, domains: Iterable[str]) -> Decision:
        """May the user do `action` on a `kind` resource belonging to any of `domains`?"""
        for dom in domains:
            allowed, rule = self._decide_in(user_id, action, kind, dom)
            if allowed:
                return Decision(True, rule, dom)
        return Decision(False, None, None)

    def _decide_in(self, user_id: int, action: str, kind: str, dom: str) -> tuple[bool, tuple[str, ...] | None]:
        """Casbin's answer, remembered until the next load (which replaces the memo with the
        enforcer, so an answer never outlives the policy it came from)."""
        key = (user_id, action, kind, dom)
        memo = self._memo
        if (known := memo.get(key)) is not None:
            return known
        enforcer = self._enforcer
        # Set and cleared within this synchronous call: no other request runs in between.
        with fast_policy_filter(enforcer.model.model["p"]["p"].policy, kind, action):
            allowed, rule = enforcer.enforce_ex(subject(user_id), dom, kind, action)
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[key] = answer = (allowed, tuple(rule) if allowed else None)
        return answer

    def scope(self, user_id: int, action: str, kind: str) -> frozenset[str]:
        """Every domain where the user may do `action` on `kind` — for a SQL `IN` filter.

        Mirrors the matcher in model.conf; tests/security checks it against `enforce`.
        """
        held = self._assignments.get(subject(user_id), ())
        domains: set[str] = set()
        for role, pdom in self._policies_by_obj_act.get((kind, action), ()):
            for held_role, held_dom in held:
                if held_role != role:
                    continue
                if key_match(held_dom, pdom):
                    domains.add(held_dom)
                if held_dom == pdom:
                    domains |= self._overseen(pdom)
        return frozenset(domains)

    def reachable(self, user_id: int) -> frozenset[str]:
        """Every domain any scope of this user can contain: where a role is held and what
        that domain oversees. A superset of every `scope`, for one id look-up per request."""
        domains: set[str] = set()
        for _, held_dom in self._assignments.get(subject(user_id), ()):
            domains |= self._overseen(held_dom)
        return frozenset(domains)

    def roles_of(self, user_id: int) -> list[tuple[str, str]]:
        return list(self._assignments.get(subject(user_id), ()))

    def _overseen(self, dom: str) -> set[str]:
        seen, stack = {dom}, [dom]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen
