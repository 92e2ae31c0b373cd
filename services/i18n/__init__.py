"""Message catalogs: every text a person reads, in Chinese and English.

Catalogs are gettext PO files read with Babel (`services/i18n/locales/<language>/<domain>.po`),
kept as text so a translator edits them with any PO tool and a diff shows what changed; they
are read once per process. `notices` holds the notice templates (msgids `<kind>.title` and
`<kind>.body`, Python `str.format` fields filled from the event's params).

The language: the person's own (`app_user.language`), else the request's `Accept-Language`,
else Chinese (`choose_language`)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Protocol

from babel.messages.pofile import read_po

from domain.notices import LANGUAGES

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = LANGUAGES[0]
MAX_HEADER_CHARS = 512  # of Accept-Language: real browsers send under 100
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?", re.ASCII)


class MissingMessage(KeyError):
    """A msgid without a text in the asked language: a catalog gap the contract test catches."""


@functools.cache
def catalog(domain: str, language: str) -> dict[str, str]:
    path = LOCALES / language / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        parsed = read_po(handle, locale=None, domain=domain)
    return {message.id: message.string for message in parsed if message.id and message.string}


def translate(domain: str, msgid: str, language: str, /, **params: object) -> str:
    text = catalog(domain, language).get(msgid)
    if text is None:
        raise MissingMessage(f"{domain}/{language}: no text for {msgid!r}")
    return text.format(**params) if params else text


def known_language(stored: str | None) -> str | None:
    """A stored preference as one of LANGUAGES, else None: `app_user.language` has no CHECK
    (SQLite cannot add one to an existing table) and setMyLanguage is its only writer, so
    anything else there (set by hand in the database) reads as "no preference"."""
    return stored if stored in LANGUAGES else None


class HeaderList(Protocol):
    def getlist(self, key: str) -> list[str]: ...


def accept_language_of(headers: HeaderList | None) -> str | None:
    """A request's Accept-Language (Starlette's `Headers`, or `Headers(scope=scope)` in ASGI
    middleware): repeated headers are one list joined with `,` (RFC 9110 §5.3), so every layer
    reads the same language whatever order they come in."""
    values = headers.getlist("accept-language") if headers is not None else []
    return ", ".join(values) if values else None


def choose_language(preference: str | None, accept_language: str | None) -> str:
    """The person's preference, else the first supported language of `Accept-Language`
    (weights honoured: `en;q=0.9, zh;q=0.8` → en; `q=0` refuses a language), else Chinese."""
    if preference in LANGUAGES:
        return preference
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(_entries(accept_language or "")):
        tag, *parameters = entry.split(";")
        weight = _weight(parameters)
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight is not None and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def _entries(header: str) -> list[str]:
    """The header's comma-separated entries; a header longer than MAX_HEADER_CHARS is cut and
    its last entry, perhaps cut in the middle (`en;q=0` → `en`), dropped."""
    if len(header) <= MAX_HEADER_CHARS:
        return header.split(",")
    return header[:MAX_HEADER_CHARS].split(",")[:-1]


def _weight(parameters: list[str]) -> float | None:
    """The entry's qvalue (RFC 9110 §12.4.2: `q` in any case, 0 to 1 with at most three
    decimals, spaces around `=` tolerated), 1 without one, None for an invalid one (the entry
    is skipped). Other parameters are ignored."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if QVALUE.fullmatch(value) else None
    return 1.0
