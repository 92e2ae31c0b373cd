"""Enum value descriptions written once elsewhere: each notice kind is described by its title in
both languages, as the notices catalogs give it (services/i18n), with the stored code."""

from __future__ import annotations

import re

from graphql import GraphQLSchema

from domain.notices import NoticeKind
from services.i18n import catalog

SUBJECT = re.compile(r"\s*[:：]?\s*\{[a-z_]+\}.*$")  # the part of a title that names its task or certificate


def describe_notice_kinds(schema: GraphQLSchema) -> None:
    enum = schema.type_map.get("NoticeKind")
    if enum is None:
        return
    zh, en = catalog("notices", "zh"), catalog("notices", "en")
    for name, value in enum.values.items():
        code = NoticeKind[name].value
        title = f"{_general(zh, code)} {_general(en, code)}".strip()
        value.description = f"{title} (code `{code}`)" if title else f"Code `{code}`"


def _general(messages: dict[str, str], code: str) -> str:
    return SUBJECT.sub("", messages.get(f"{code}.title", ""))
