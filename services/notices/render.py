"""A notice's title and body in one language, from the `notices` catalog.

Rendered when read (the inbox) or sent (email, webhook), never stored: a corrected template
or another reader's language applies to notices already written. A kind without a template,
or a template naming a parameter the event lacks, still renders (the kind and its parameters)
and is logged; tests/contract requires a template for every kind in every language."""

from __future__ import annotations

import logging
from typing import Any

from domain.notices import LANGUAGES
from services.i18n import MissingMessage, translate

log = logging.getLogger("surveil.notices")


def render(kind: str, params: dict[str, Any], language: str) -> tuple[str, str]:
    return _text(kind, "title", params, language), _text(kind, "body", params, language)


def render_all(kind: str, params: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Title and body in every language (webhooks carry both)."""
    return {language: render(kind, params, language) for language in LANGUAGES}


def _text(kind: str, part: str, params: dict[str, Any], language: str) -> str:
    try:
        return translate("notices", f"{kind}.{part}", language, **params)
    except (MissingMessage, KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        log.warning("notice template %s.%s [%s] unusable (%s): plain fallback", kind, part, language, exc)
        if part == "title":
            return kind
        return "; ".join(f"{key}: {value}" for key, value in sorted(params.items()))
