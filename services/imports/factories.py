"""`surveil import factories`: factories by code, routed by the jurisdiction map like every other
write (responsible unit, serving agency), with an optional enterprise unit created if missing.

An empty `enterprise_code` leaves a factory's enterprise as it is. A factory merged into another
is not updated (its survivor is). A move that would change the unit responsible for a factory with
open tasks is refused: correctFactoryInformation moves it and re-routes its tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.enums import FactoryStatus, UnitKind
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.registry import NewFactory, new_factory, unit_code
from domain.tasks import OPEN
from services import audit_log
from services.imports.common import (
    Change,
    Plan,
    Row,
    audit_records,
    chunks,
    diff,
    first_of_each_key,
    plain,
    same_key,
    stored_by_key,
)
from services.imports.context import Context
from services.imports.parsing import optional, parse_class, parse_country, text
from store.models import Factory, OrgUnit, SurveillanceTask

TABLES = ("factory", "org_unit")  # written by this kind

FIELDS = ("name", "address", "country", "province", "classification")
UNIT_FIELDS = ("responsible_unit", "agency_unit", "enterprise_unit")
MERGED = "MERGED"


def _draft(row: Row, jurisdiction) -> tuple[NewFactory, str | None]:
    errors: list[DomainError] = []
    try:
        classification = parse_class(row.get("class"))
    except DomainError as exc:
        errors.append(exc)
        classification = None
    enterprise = None
    if code := text(row.get("enterprise_code")):
        try:
            enterprise = unit_code(code, "enterprise_code")
        except DomainError as exc:
            errors.append(exc)
    elif text(row.get("enterprise_name")):
        errors.append(
            DomainError(ErrorCode.REQUIRED, "enterprise_name needs its enterprise_code", ("enterprise_code",))
        )
    try:
        factory = new_factory(
            code=text(row.get("code")),
            name=text(row.get("name")),
            address=text(row.get("address")),
            country=parse_country(row.get("country")),
            province=optional(row.get("province")),  # 江苏省, jiangsu: Jiangsu (domain/provinces.py)
            classification=classification,
            jurisdiction=jurisdiction,
        )
    except DomainErrors as exc:
        errors.extend(exc.errors)
    if errors:
        raise DomainErrors(errors)
    return factory, enterprise


async def plan(ctx: Context, rows: list[Row]) -> Plan:
    result = Plan()
    jurisdiction = await ctx.jurisdiction()
    rows = first_of_each_key(result, rows, lambda r: text(r.get("code")), "code")
    drafts: list[tuple[Row, NewFactory, str | None]] = []
    for done, row in enumerate(rows, start=1):
        try:
            drafts.append((row, *_draft(row, jurisdiction)))
        except DomainErrors as exc:
            result.reject(row, exc)
        await ctx.tick("checking", done, len(rows))
    routing = {}
    for _, draft, _ in drafts:
        agency = jurisdiction.serving_agency(draft.country)
        routing[draft.code] = (jurisdiction.responsible_unit(draft.country, draft.province), agency)
    units = await _units({u for r in routing.values() for u in r if u} | {e for _, _, e in drafts if e})
    stored = await _stored([d.code for _, d, _ in drafts])
    new_enterprises: dict[str, str] = {}  # code -> name: enterprise units to create
    moved_with_tasks = await _open_tasks([f.id for f in stored.values()])
    for row, draft, enterprise in drafts:
        if enterprise and enterprise in units and units[enterprise].kind != UnitKind.ENTERPRISE:
            result.problem(row, "enterprise_code", ErrorCode.CONFLICT, f"{enterprise} is not an enterprise unit")
            continue
        if enterprise and enterprise not in units:
            new_enterprises.setdefault(enterprise, text(row.get("enterprise_name")) or draft.name)
        responsible, agency = routing[draft.code]
        wanted = {
            "name": draft.name,
            "address": draft.address,
            "country": draft.country,
            "province": draft.province,
            "classification": draft.classification,
            "responsible_unit": responsible,
            "agency_unit": agency,
        }
        factory = stored.get(same_key(draft.code))
        if factory is None:
            after = {"code": draft.code, **{k: plain(v) for k, v in wanted.items()}, "enterprise_unit": enterprise}
            result.changes.append(Change(row.number, draft.code, None, after, wanted | {"enterprise_unit": enterprise}))
            continue
        if factory.status == MERGED:
            result.problem(row, "code", ErrorCode.CONFLICT, "this factory was merged into another: update that one")
            continue
        if enterprise:
            wanted["enterprise_unit"] = enterprise
        current = {name: getattr(factory, name) for name in FIELDS}
        current |= {name: factory.codes.get(name) for name in UNIT_FIELDS}
        before, after = diff(current, wanted)
        moves = {"responsible_unit", "agency_unit"} & after.keys()
        if moves and factory.id in moved_with_tasks:
            result.problem(
                row,
                "province" if draft.country == "CN" else "country",
                ErrorCode.CONFLICT,
                f"the move changes who is responsible for {moved_with_tasks[factory.id]} open task(s): "
                "correct the factory's information instead, which re-routes them",
            )
        elif after:
            result.changes.append(Change(row.number, factory.code, before, after, wanted, factory))
        else:
            result.unchanged += 1
    result.extra["enterprises"] = new_enterprises
    return result


async def _units(codes: set[str]) -> dict[str, OrgUnit]:
    found: dict[str, OrgUnit] = {}
    for batch in chunks(sorted(codes)):
        found |= {u.code: u for u in await OrgUnit.filter(code__in=batch)}
    return found


async def _stored(codes: list[str]) -> dict[str, Factory]:
    """The stored factories among `codes` (by `same_key`), each with the codes of its units (`.codes`)."""
    found: dict[str, Factory] = await stored_by_key(Factory, "code", codes)
    unit_ids = {getattr(f, f"{n}_id") for f in found.values() for n in UNIT_FIELDS} - {None}
    names = {}
    for batch in chunks(sorted(unit_ids)):
        names |= dict(await OrgUnit.filter(id__in=batch).values_list("id", "code"))
    for factory in found.values():
        factory.codes = {n: names.get(getattr(factory, f"{n}_id")) for n in UNIT_FIELDS}
    return found


async def _open_tasks(factory_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for batch in chunks(factory_ids):
        for factory_id in await SurveillanceTask.filter(factory_id__in=batch, status__in=list(OPEN)).values_list(
            "factory_id", flat=True
        ):
            counts[factory_id] = counts.get(factory_id, 0) + 1
    return counts


async def apply(ctx: Context, result: Plan) -> None:
    missing, needed = result.extra.get("enterprises", {}), {}
    for change in result.changes:  # created with the first factory that is written and names it
        if (code := change.draft.get("enterprise_unit")) in missing and code not in needed:
            needed[code] = (missing[code], change.row)
    enterprises = [(code, name, row) for code, (name, row) in needed.items()]
    await OrgUnit.bulk_create(
        [OrgUnit(code=code, kind=UnitKind.ENTERPRISE, name=name, name_zh=name) for code, name, _ in enterprises],
        batch_size=500,
    )
    codes = {v for c in result.changes for k, v in c.draft.items() if k in UNIT_FIELDS and v}
    ids = {code: unit.id for code, unit in (await _units(codes)).items()}
    await audit_log.record_many(
        [
            {
                "action": AuditAction.IMPORT_CREATE,
                "object_type": "OrgUnit",
                "object_id": ids[code],
                "after": {"code": code, "kind": UnitKind.ENTERPRISE.value, "name": name, "name_zh": name},
                "reason": ctx.source.reason(number),
            }
            for code, name, number in enterprises
        ]
    )
    total, done = len(result.changes), 0
    for batch in chunks(result.created):
        await Factory.bulk_create([_new(c, ids) for c in batch], batch_size=500)
        done += len(batch)
        await ctx.tick("writing", done, total)
    factory_ids = {c.existing.code: c.existing.id for c in result.updated}
    for batch in chunks([c.key for c in result.created]):
        factory_ids |= dict(await Factory.filter(code__in=batch).values_list("code", "id"))
    now = datetime.now(UTC)
    for batch in chunks(result.updated):
        await Factory.bulk_update(
            [_changed(c, ids, now) for c in batch],
            fields=[*FIELDS, *_ID_FIELDS, "version", "updated_at"],
            batch_size=500,
        )
        done += len(batch)
        await ctx.tick("writing", done, total)
    await audit_log.record_many(audit_records(ctx.source, "Factory", result.changes, factory_ids))


_ID_FIELDS = tuple(f"{n}_id" for n in UNIT_FIELDS)


def _new(change: Change, ids: dict[str, int]) -> Factory:
    d = change.draft
    return Factory(
        code=change.key,
        name=d["name"],
        address=d["address"],
        country=d["country"],
        province=d["province"],
        classification=d["classification"],
        status=FactoryStatus.ACTIVE,
        **{f"{n}_id": ids[d[n]] if d[n] else None for n in UNIT_FIELDS},
    )


def _changed(change: Change, ids: dict[str, int], now: datetime) -> Factory:
    factory: Factory = change.existing
    for name in FIELDS:
        setattr(factory, name, change.draft[name])
    for name in UNIT_FIELDS:
        if name in change.draft:  # the enterprise only when the row names one
            setattr(factory, f"{name}_id", ids[change.draft[name]] if change.draft[name] else None)
    factory.version += 1
    factory.updated_at = now
    return factory
