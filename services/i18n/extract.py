"""`surveil i18n extract`: the msgids of every user-facing error text, read from the code.

A text is the message argument of `DomainError`, `Checks.fail`, `Forbidden`, `Unauthenticated`,
`BadInput`, `AuthError`, `InvalidId`, `refusal`, or a constant marked `msg("...")`; it must be a string
constant (an English `str.format` template), so the catalogs can hold it. `write_catalogs`
brings `locales/{zh,en}/errors.po` and `locales/zh/terms.po` up to date: new msgids arrive with
an empty text for the translator, gone ones leave, texts already written stay."""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from services.i18n import LOCALES, catalog
from services.i18n.errors import fields
from services.i18n.terms import all_terms

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "services", "resolvers", "server", "schema", "store", "policies")
# name → position of the message argument
MESSAGE_ARGUMENT = {
    "DomainError": 1,
    "fail": 1,
    "Forbidden": 0,
    "Unauthenticated": 0,
    "AuthorizationError": 0,
    "BadInput": 0,
    "AuthError": 0,
    "InvalidId": 0,
    "msg": 0,
    "refusal": 0,  # server/graphql_errors.py: a GraphQL error with a template
    "HttpRefusal": 1,  # server/http_refusals.py: an HTTP refusal before GraphQL runs
}
# Messages passed on in a variable, each a msg() constant or a template checked where it is made.
PASSED_ON = {
    ("services/documents.py", "message"),  # check_upload's caller-given msg()
    ("domain/registry_checks.py", "message"),  # Checks.fail itself
    ("services/gates.py", "why"),  # a gate condition's msg() reason
    ("services/notices/webhook_admin.py", "problem"),  # services/notices/webhook_urls.py's msg() reasons
    ("services/tasks/lifecycle.py", "why"),
    ("services/archive/person_days.py", "why"),
    ("services/forms/signoffs.py", "why"),
    ("server/authn.py", "UNKNOWN"),
    ("server/authn.py", "UNKNOWN_LOGIN"),
    ("resolvers/context.py", "self.auth_error"),  # an AuthError's message, translated as its msgid
    ("resolvers/query.py", "str(exc)"),  # an InvalidId's constant message
    ("server/authn.py", "str(exc)"),  # the identity provider's refusal: English only
    ("server/budgets.py", "refused"),  # one of its msg() refusals of a request over a budget
}
LANGUAGES_OF_ERRORS = ("zh", "en")


@dataclass
class Found:
    msgids: dict[str, set[str]] = field(default_factory=dict)  # msgid → its format fields
    places: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in MESSAGE_ARGUMENT:
                yield node, name


def scan(root: Path = ROOT) -> Found:
    found = Found()
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for call, name in _calls(ast.parse(path.read_text(encoding="utf-8"))):
                _take(found, relative, call, name)
    return found


def _take(found: Found, relative: str, call: ast.Call, name: str) -> None:
    position = MESSAGE_ARGUMENT[name]
    where = f"{relative}:{call.lineno}"
    if len(call.args) <= position:
        if name != "fail":
            found.problems.append(f"{where}: {name}(...) without its message")
        return
    message = call.args[position]
    if (relative, ast.unparse(message)) in PASSED_ON:
        return
    if isinstance(message, ast.Attribute) and message.attr == "template":  # an error re-pointed as it is
        return
    if not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
        found.problems.append(f"{where}: {name}'s message is not a string constant: {ast.unparse(message)[:80]}")
        return
    template = message.value
    try:
        wanted = fields(template)
    except ValueError as exc:
        found.problems.append(f"{where}: {template!r} is not a format template ({exc})")
        return
    given = {k.arg for k in call.keywords if k.arg}
    splat = any(k.arg is None for k in call.keywords)
    if name != "msg" and not splat and wanted != given and (wanted or given):
        found.problems.append(f"{where}: {template!r} names {sorted(wanted)} but the call passes {sorted(given)}")
    found.msgids[template] = wanted
    found.places.setdefault(template, []).append(where)


def _catalog_text(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return {m.id: m.string or "" for m in read_po(handle) if m.id}


def _write(path: Path, language: str, entries: dict[str, str], comments: dict[str, str], title: str) -> None:
    out = Catalog(locale=language, project="surveil", charset="utf-8", fuzzy=False)
    for msgid in sorted(entries):
        note = [comments[msgid]] if comments.get(msgid) else []
        out.add(msgid, entries[msgid], auto_comments=note)
    buffer = io.BytesIO()
    write_po(buffer, out, width=0, omit_header=False, no_location=True)
    text = buffer.getvalue().decode("utf-8")
    body = text[text.index('msgid ""') :]  # a short header, without dates that change each run
    header = f'# {title}\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    header += f'"Language: {language}\\n"\n'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body[body.index("\n\n") + 1 :], encoding="utf-8")


def write_catalogs(found: Found | None = None) -> dict[str, int]:
    """Rewrite the catalogs from the code; returns how many msgids lack a text, per file."""
    found = found or scan()
    missing = {}
    for language in LANGUAGES_OF_ERRORS:
        path = LOCALES / language / "errors.po"
        old = _catalog_text(path)
        entries = {msgid: old.get(msgid, "") for msgid in found.msgids}
        _write(path, language, entries, {}, f"User errors, {language}. msgid: the English template in the code.")
        if language != "en":
            missing[str(path.relative_to(ROOT))] = sum(1 for v in entries.values() if not v)
    terms = all_terms()
    for language in LANGUAGES_OF_ERRORS:
        if language == "en":
            continue  # English is the code's own spelling
        path = LOCALES / language / "terms.po"
        old = _catalog_text(path)
        entries = {key: old.get(key, "") for key in terms}
        _write(path, language, entries, {k: f"English: {v}" for k, v in terms.items()}, f"Domain words, {language}.")
        missing[str(path.relative_to(ROOT))] = sum(1 for v in entries.values() if not v)
    catalog.cache_clear()
    return missing
