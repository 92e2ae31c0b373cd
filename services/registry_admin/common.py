"""What the registry administration commands share: input field names, look-ups by code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.validation import clean_text
from store.models import Factory, OrgUnit, ProductCategory


def camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


def _renamed(error: DomainError, renames: dict[str, str]) -> DomainError:
    if not error.field:
        return error
    first = renames.get(error.field[0], camel(error.field[0]))
    return error.at((first, *error.field[1:]))


@contextmanager
def input_fields(**renames: str) -> Iterator[None]:
    """The domain's rules name import columns (`name_zh`); a mutation's input names them in
    camelCase (`nameZh`), or otherwise where `renames` says so."""
    try:
        yield
    except DomainErrors as exc:
        raise DomainErrors([_renamed(e, renames) for e in exc.errors]) from None
    except DomainError as exc:
        raise _renamed(exc, renames) from None


async def unit_by_code(code: str, field: str = "unitCode") -> OrgUnit:
    text = clean_text(code, field, max_length=32, single_line=True)
    unit = await OrgUnit.filter(code=text).first()
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no unit {text!r}", (field,), text=text)
    return unit


async def category_by_code(code: str, field: str = "categoryCode") -> ProductCategory:
    text = clean_text(code, field, max_length=32, single_line=True)
    category = await ProductCategory.filter(code=text).first()
    if category is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no product category {text!r}", (field,), text=text)
    return category


async def factory_by_id(factory_id: int, field: str) -> Factory:
    """A factory HQ administers (its administrators reach every factory)."""
    factory = await Factory.filter(id=factory_id).first()
    if factory is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such factory", (field,))
    return factory


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields that differ, as (before, after) for the audit record."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
