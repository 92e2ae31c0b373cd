"""Turning a policy scope into SQL filters on the domain columns of a resource."""

from __future__ import annotations

from tortoise.expressions import Q

from services.context import Session

FACTORY_DOMAIN_COLUMNS = ("responsible_unit_id", "agency_unit_id", "enterprise_unit_id")


def in_units(unit_ids: frozenset[int], prefix: str = "", columns: tuple[str, ...] = FACTORY_DOMAIN_COLUMNS) -> Q:
    """Rows belonging to any of the units through any of their domain columns."""
    if not unit_ids:
        return Q(id__in=[])  # nothing: an empty scope must match no row
    ids = sorted(unit_ids)
    q = Q()
    for column in columns:
        q |= Q(**{f"{prefix}{column}__in": ids})
    return q


def factory_unit_ids(factory) -> set[int]:
    return {i for i in (getattr(factory, c) for c in FACTORY_DOMAIN_COLUMNS) if i is not None}


async def factory_filter(session: Session, action: str, kind: str, prefix: str = "") -> Q:
    return in_units(await session.perms.unit_ids(action, kind), prefix)
