"""Loading the demo world. Idempotent: every row is found by its natural key first, so a
second run creates nothing and writes no audit record."""

from __future__ import annotations

from datetime import UTC, datetime, time

from domain.audit_events import AuditAction
from domain.certificate import check_move
from domain.enums import CertificateStatus, Role, UnitKind
from domain.jurisdiction import JurisdictionMap
from server import demo_world as world
from server.demo_clauses import clauses as demo_clauses
from services import audit_log
from services.certificate_expiry import expire_due
from services.clock import today
from services.runner import Work, command
from store.models import (
    Certificate,
    CertificateStatusChange,
    Factory,
    OrgUnit,
    ProductCategory,
    RoleAssignment,
    SurveillanceClause,
    User,
)
from store.units import load_jurisdiction


async def seed_demo(north_china: tuple[str, ...]) -> dict[str, int]:
    created = await _load_world(north_china=north_china)
    # The demo's dates are fixed and time moves on: no certificate stays VALID past its date.
    created["expired certificates"] = len(await expire_due())
    return created


@command(system=True)
async def _load_world(work: Work, *, north_china: tuple[str, ...]) -> dict[str, int]:
    created = {"units": 0, "users": 0, "roles": 0, "categories": 0, "factories": 0, "certificates": 0, "clauses": 0}
    units = {}
    for code, kind, name, name_zh, provinces, countries, regions in world.UNITS:
        units[code], new = await OrgUnit.get_or_create(
            code=code,
            defaults=dict(
                kind=kind, name=name, name_zh=name_zh, provinces=provinces, countries=countries, regions=regions
            ),
        )
        created["units"] += new
    for login, display, unit_code, roles in world.STAFF:
        await _person(created, login, display, units[unit_code], roles)
    categories = {}
    for code, name, name_zh, rule in world.PRODUCT_CATEGORIES:
        categories[code], new = await ProductCategory.get_or_create(
            code=code, defaults=dict(name=name, name_zh=name_zh, implementation_rule=rule)
        )
        created["categories"] += new
    jurisdiction = await load_jurisdiction(north_china)
    for index, row in enumerate(world.FACTORIES):
        await _factory(created, index, row, units, categories, jurisdiction)
    for year in (today().year, today().year + 1):  # the demo's tasks are due this year or early next
        await _clauses(created, year, categories)
    if any(created.values()):
        await audit_log.record(AuditAction.SEED_DEMO, "World", None, after=created, reason="surveil seed --demo")
    else:
        work.nothing_changed()
    return created


async def _clauses(created: dict, year: int, categories: dict) -> None:
    for code, title, title_en, text, text_en, focus, category in demo_clauses():
        _, new = await SurveillanceClause.get_or_create(
            year=year,
            code=code,
            defaults=dict(
                title=title,
                title_en=title_en,
                text=text,
                text_en=text_en,
                focus=focus,
                product_category_id=categories[category].id if category else None,
            ),
        )
        created["clauses"] += new


async def _person(created: dict, login: str, display: str, unit: OrgUnit, roles: list[Role]) -> User:
    # Every demo person has an address under the reserved `.example` domain, so the worker's
    # emails land in `surveil mail-sink` (make run) and nowhere real.
    email = f"{login.lower()}@demo.surveil.example"
    user, new = await User.get_or_create(login=login, defaults=dict(display_name=display, unit=unit, email=email))
    created["users"] += new
    for role in roles:
        _, new = await RoleAssignment.get_or_create(user=user, role=role.value, unit=unit)
        created["roles"] += new
    return user


async def _factory(created, index, row, units, categories, jurisdiction: JurisdictionMap) -> None:
    code, name, address, country, province = row
    enterprise, new = await OrgUnit.get_or_create(
        code=f"ent-{code}".lower(),
        defaults=dict(kind=UnitKind.ENTERPRISE, name=f"{name} (enterprise)", name_zh=f"{name} 企业"),
    )
    created["units"] += new
    await _person(created, f"ent.{code}", f"{name} quality manager", enterprise, [Role.ENTERPRISE])
    agency = jurisdiction.serving_agency(country)
    factory, new = await Factory.get_or_create(
        code=code,
        defaults=dict(
            name=name,
            address=address,
            country=country,
            province=province,
            classification=world.factory_class(index),
            status=world.factory_status(index),
            responsible_unit=units[jurisdiction.responsible_unit(country, province)],
            agency_unit=units[agency] if agency else None,
            enterprise_unit=enterprise,
        ),
    )
    created["factories"] += new
    for spec in world.certificates(index, code):
        cert, new = await Certificate.get_or_create(
            number=spec["number"],
            defaults=dict(
                holder=name,
                factory=factory,
                product_category=categories[spec["category"]],
                status=spec["status"],
                issued_on=spec["issued_on"],
                expires_on=spec["expires_on"],
                initial_inspection_end=spec["initial_inspection_end"],
            ),
        )
        created["certificates"] += new
        if new:
            await _history(cert, spec)


async def _history(cert: Certificate, spec: dict) -> None:
    """Issue, then the moves that led to the seeded status, each checked by the domain."""
    at = datetime.combine(spec["issued_on"], time(9), tzinfo=UTC)
    path = {
        CertificateStatus.VALID: [],
        CertificateStatus.SUSPENDED: [CertificateStatus.SUSPENDED],
        CertificateStatus.REVOKED: [CertificateStatus.SUSPENDED, CertificateStatus.REVOKED],
        CertificateStatus.CANCELLED: [CertificateStatus.CANCELLED],
    }[spec["status"]]
    await CertificateStatusChange.create(
        certificate=cert,
        from_status=None,
        to_status=CertificateStatus.VALID,
        reason="Certificate issued (发证)",
        actor="system",
        at=at,
    )
    current = CertificateStatus.VALID
    for step, target in enumerate(path, start=1):
        check_move(current, target)
        await CertificateStatusChange.create(
            certificate=cert,
            from_status=current,
            to_status=target,
            reason=world.HISTORY_REASONS[target],
            actor="system",
            at=at.replace(year=min(at.year + step, 2026)),
        )
        current = target
