"""User errors in the reader's language. A message's template is English and is the msgid of
the `errors` catalog; its params are filled in after translation, domain words (`Term`) from
the `terms` catalog and a nested error in the same language. English is the template itself
unless `en/errors.po` gives it another text. A gap in a catalog falls back to English: a reader
gets a message, never a 500 (`tests/contract/test_error_catalogs.py` keeps the gaps at zero)."""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping

from domain.errors import DomainError, Term, english
from services.i18n import DEFAULT_LANGUAGE, catalog

log = logging.getLogger("surveil.i18n")
ENGLISH = "en"


def fields(template: str) -> set[str]:
    """The `str.format` field names of a template."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def text_for(template: str, language: str) -> str:
    """The catalog's text for a template in `language`, or the template (English)."""
    return catalog("errors", language).get(template) or template


def render(template: str, params: Mapping[str, object], language: str) -> str:
    if language == ENGLISH and not catalog("errors", ENGLISH):
        return english(template, dict(params))
    text = text_for(template, language)
    if not params:
        return text
    values = {name: _value(value, language) for name, value in params.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):  # a catalog text naming a field the call lacks
        log.warning("errors/%s: the text for %r does not fit its params", language, template)
        return english(template, dict(params))


def render_error(error: DomainError, language: str) -> str:
    return render(error.template, error.params, language)


def message_of(error: BaseException, language: str = DEFAULT_LANGUAGE) -> str:
    """Any error that carries a template (DomainError, Forbidden, BadInput, AuthError…) in
    `language`; a fixed message that is a msgid of the catalog is translated too."""
    template = getattr(error, "template", None)
    if isinstance(template, str):
        return render(template, getattr(error, "params", {}) or {}, language)
    return text_for(str(error), language)


def _value(value: object, language: str) -> object:
    if isinstance(value, Term):
        if language == ENGLISH:
            return value.english
        return catalog("terms", language).get(value.key) or value.english
    if isinstance(value, DomainError):
        return render_error(value, language)
    return value
