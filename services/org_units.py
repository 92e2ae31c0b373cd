"""The unit directory. HQ, sub-centres, agencies and labs are public to signed-in users;
an enterprise unit is visible only to whoever may see one of its factories (a list of all
enterprises would tell a competitor, or an agency, who is under surveillance), and to HQ's
administrators of units and people, who register them and their people."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from domain.enums import UnitKind
from services.context import Session
from services.scoping import factory_filter
from store.models import Factory, OrgUnit


async def visible_units(session: Session):
    if (
        session.perms.decide("manage", "org_unit", ["hq"]).allowed
        or session.perms.decide("manage", "user", ["hq"]).allowed
    ):
        return OrgUnit.all()  # who administers units and people works with every one
    factories = Factory.filter(await factory_filter(session, "read", "factory")).values("enterprise_unit_id")
    return OrgUnit.filter(~Q(kind=UnitKind.ENTERPRISE) | Q(id__in=Subquery(factories)))
