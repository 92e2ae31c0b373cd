"""Parsed documents remembered, for signed-in callers' ordinary documents only.

A parsed tree keeps its tokens for error locations: about 50 bytes per character of the text
(measured: a 13 KB document holds ~630 KB). Strawberry's ParserCache remembers every document,
anonymous ones included (parsing comes before the sign-in check), so 256 of the largest allowed
would pin ~160 MB. Here a document is remembered only when the caller is signed in and its text
is no longer than an ordinary front-end query: at most ~128 × 4 KB × 50 ≈ 26 MB."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension

DOCUMENTS_PARSED_REMEMBERED = 128
LONGEST_REMEMBERED_TEXT = 4096  # characters


def remembering_parser():
    """One bounded cache of parsed documents; a schema makes one and hands it to each request."""
    return functools.lru_cache(maxsize=DOCUMENTS_PARSED_REMEMBERED)(parse)


class SignedInParserCache(SchemaExtension):
    def __init__(self, cached_parse) -> None:
        self._cached_parse = cached_parse

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        query = ctx.query or ""
        signed_in = getattr(ctx.context, "session", None) is not None
        if signed_in and 0 < len(query) <= LONGEST_REMEMBERED_TEXT:  # none: strawberry says so
            ctx.graphql_document = self._cached_parse(query, **ctx.parse_options)
        yield
