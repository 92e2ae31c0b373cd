"""Who receives an event (issue 14): the audience fixed when it was written, and the routes.

- each staff unit code of `audience.units`: the active people holding there a role routed to
  the kind in that unit or in every unit (table notice_route: (kind, role, unit code or `*`),
  seeded from policies/notice_routes.csv, managed by HQ's policy administrators);
- each person of `audience.people`: named, so they receive it whatever their roles (if active);
- `audience.enterprise`: the people holding a routed role in that enterprise unit.

A person reached several ways receives it once. Webhooks: the active endpoints of those units
(staff units and the enterprise) subscribed to the kind."""

from __future__ import annotations

from dataclasses import dataclass

from store.models import NoticePreference, NoticeRoute, RoleAssignment, User, WebhookEndpoint


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str | None
    email_wanted: bool  # email on, the kind not muted, an address to send to


def audience_units(audience: dict) -> list[str]:
    codes = list(audience.get("units") or [])
    if audience.get("enterprise"):
        codes.append(audience["enterprise"])
    return sorted(set(codes))


async def recipients(kind: str, audience: dict) -> list[Recipient]:
    units = audience_units(audience)
    routes = await NoticeRoute.filter(kind=kind, unit__in=["*", *units]).values_list("role", "unit")
    ids: set[int] = set()
    if routes and units:
        # One query for every audience unit's holders of a routed role, then each holding kept
        # when its (role, unit) or (role, *) is routed: a fixed number of statements.
        routed = set(routes)
        held = RoleAssignment.filter(
            unit__code__in=units, role__in=sorted({role for role, _ in routes}), user__active=True
        ).values_list("user_id", "role", "unit__code")
        ids |= {user for user, role, unit in await held if (role, "*") in routed or (role, unit) in routed}
    named = [int(p) for p in audience.get("people") or []]
    people = await User.filter(active=True, id__in=sorted(ids | set(named))).order_by("id").values_list("id", "email")
    if not people:
        return []
    prefs = {p.user_id: p for p in await NoticePreference.filter(user_id__in=[person_id for person_id, _ in people])}
    found = []
    for person_id, email in people:
        pref = prefs.get(person_id)
        wanted = bool(email) and (pref is None or (pref.email_enabled and kind not in (pref.muted_kinds or [])))
        found.append(Recipient(person_id, email, wanted))
    return found


async def endpoints(kind: str, audience: dict) -> list[int]:
    units = audience_units(audience)
    if not units:
        return []
    rows = await WebhookEndpoint.filter(active=True, unit__code__in=units).order_by("id").values_list("id", "kinds")
    return [endpoint_id for endpoint_id, kinds in rows if kind in (kinds or [])]
