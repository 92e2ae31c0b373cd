"""Message catalogs: every text a person reads, in Chinese and English.

Catalogs are gettext PO files read with Babel (`services/i18n/locales/<language>/<domain>.po`),
kept as text so a translator edits them with any PO tool and a diff shows what changed; they
are read once per process. `notices` holds the notice templates (msgids `<kind>.title` and
`<kind>.body`, Python `str.format` fields filled from the event's params).

The language: the person's own (`app_user.language`), else the request's `Accept-Language`,
else Chinese (`choose_language`)."""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.pofile import read_po

from domain.notices import LANGUAGES

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = LANGUAGES[0]


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


def choose_language(preference: str | None, accept_language: str | None) -> str:
    """The person's preference, else the first supported language of `Accept-Language`
    (weights honoured: `en;q=0.9, zh;q=0.8` → en), else Chinese."""
    if preference in LANGUAGES:
        return preference
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "")[:512].split(",")):
        tag, _, rest = part.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
