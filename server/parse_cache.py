"""Parsed documents remembered, for signed-in callers' ordinary documents only.

A parsed tree keeps its tokens for error locations: about 50 bytes per character of the text
(measured: a 13 KB document holds ~630 KB). Strawberry's ParserCache remembers every document,
anonymous ones included (parsing comes before the sign-in check), so 256 of the largest allowed
would pin ~160 MB. Here a document is remembered when its text is no longer than an ordinary
front-end query for a signed-in caller (at most ~128 × 4 KB × 50 ≈ 26 MB), and only a short one
(`{ __typename }`, a health probe) for an anonymous caller. DocumentLimits' memo follows the same rule."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension

DOCUMENTS_PARSED_REMEMBERED = 128
LONGEST_REMEMBERED_TEXT = 4096  # characters
LONGEST_REMEMBERED_ANONYMOUS = 256


def worth_remembering(ctx) -> bool:
    """Whether this request's document text may be kept in the per-schema caches."""
    signed_in = getattr(ctx.context, "session", None) is not None
    longest = LONGEST_REMEMBERED_TEXT if signed_in else LONGEST_REMEMBERED_ANONYMOUS
    return 0 < len(ctx.query or "") <= longest  # no text: strawberry says so itself


def remembering_parser():
    """One bounded cache of parsed documents; a schema makes one and hands it to each request."""
    return functools.lru_cache(maxsize=DOCUMENTS_PARSED_REMEMBERED)(parse)


class SignedInParserCache(SchemaExtension):
    def __init__(self, cached_parse) -> None:
        self._cached_parse = cached_parse

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if worth_remembering(ctx):
            ctx.graphql_document = self._cached_parse(ctx.query, **ctx.parse_options)
        yield
