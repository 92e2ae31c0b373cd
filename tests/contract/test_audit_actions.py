"""Audit records say what happened with a name from one list (domain/audit_events.py): a use
case cannot write a new spelling by accident, and every record the demo world and the test
world carry uses a listed name."""

from __future__ import annotations

import ast
from pathlib import Path

from domain.audit_events import AuditAction
from store.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def _audit_calls():
    """(where, the action argument) of every audit_log.record(...) and task move(...)."""
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "server").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
            if name == "record" and owner == "audit_log" and node.args:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0]
            elif name == "move" and len(node.args) > 2:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.args[2]


def _named(arg: ast.expr) -> bool:
    if isinstance(arg, ast.IfExp):
        return _named(arg.body) and _named(arg.orelse)
    if isinstance(arg, ast.Attribute):
        return isinstance(arg.value, ast.Name) and arg.value.id == "AuditAction"
    if isinstance(arg, ast.Call):  # AuditAction(f"sample.{status}"): refused at run time if not listed
        return getattr(arg.func, "id", None) == "AuditAction"
    return isinstance(arg, ast.Name)  # passed through from a caller that named it


def test_every_audit_record_names_its_action_from_the_list():
    calls = list(_audit_calls())
    assert len(calls) > 50  # the scan sees the use cases
    loose = [where for where, arg in calls if not _named(arg)]
    assert not loose, f"audit actions spelled as strings instead of AuditAction: {loose}"


async def test_every_record_of_the_world_uses_a_listed_action(db):
    written = set(await AuditEntry.all().distinct().values_list("action", flat=True))
    assert written and written <= {a.value for a in AuditAction}, written - {a.value for a in AuditAction}
