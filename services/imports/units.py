"""`surveil import units`: org units by code (kind, names, and the list each kind needs).

A unit's kind never changes. Jurisdiction must stay a partition: a province belongs to one
sub-centre and is never North China, a country to one agency; a lab serves existing sub-centres.
A sub-centre (or agency) may not lose a province (country) that factories are routed by: move
those factories first (correctFactoryInformation re-routes their open tasks)."""

from __future__ import annotations

from collections import defaultdict

from domain.enums import UnitKind
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.registry import NewUnit, new_unit
from services import audit_log
from services.imports.common import Change, Plan, Row, audit_records, chunks, diff, first_of_each_key, plain
from services.imports.context import Context, oversee_by_hq
from services.imports.parsing import parse_kind, parse_list, text
from store.models import Factory, OrgUnit

TABLES = ("org_unit", "policy_rule")  # written by this kind

FIELDS = ("name", "name_zh", "provinces", "countries", "regions")
# The list that routes factories, per kind, and the factory column routed by it.
_ROUTING = {
    UnitKind.SUBCENTER: ("provinces", "responsible_unit_id", "province"),
    UnitKind.FOREIGN_AGENCY: ("countries", "agency_unit_id", "country"),
}


def _draft(row: Row, north_china: tuple[str, ...]) -> NewUnit:
    errors: list[DomainError] = []
    try:
        kind = parse_kind(row.get("kind"))
    except DomainError as exc:
        errors.append(exc)
        kind = None
    lists = {name: parse_list(row.get(name)) for name in ("provinces", "countries", "regions")}
    try:
        unit = new_unit(
            code=text(row.get("code")),
            kind=kind or UnitKind.HQ,
            name=text(row.get("name")),
            name_zh=text(row.get("name_zh")),
            north_china=north_china,
            **lists,
        )
    except DomainErrors as exc:
        errors.extend(e for e in exc.errors if kind is not None or e.field[:1] not in (("kind",), *_LIST_FIELDS))
    if errors:
        raise DomainErrors(errors)
    return unit


_LIST_FIELDS = (("provinces",), ("countries",), ("regions",))


def _wanted(unit: NewUnit) -> dict:
    return {
        "kind": unit.kind,
        "name": unit.name,
        "name_zh": unit.name_zh,
        "provinces": list(unit.provinces),
        "countries": list(unit.countries),
        "regions": list(unit.regions),
    }


async def plan(ctx: Context, rows: list[Row]) -> Plan:
    result = Plan()
    rows = first_of_each_key(result, rows, lambda r: text(r.get("code")), "code")
    drafts: dict[int, tuple[Row, NewUnit]] = {}
    for done, row in enumerate(rows, start=1):
        try:
            drafts[row.number] = (row, _draft(row, ctx.north_china))
        except DomainErrors as exc:
            result.reject(row, exc)
        await ctx.tick("checking", done, len(rows))
    stored = {u.code: u for u in await OrgUnit.filter(kind__not=UnitKind.ENTERPRISE)}
    for batch in chunks([d.code for _, d in drafts.values() if d.code not in stored]):
        stored |= {u.code: u for u in await OrgUnit.filter(code__in=batch)}
    for number, (row, draft) in list(drafts.items()):
        unit = stored.get(draft.code)
        if unit is not None and unit.kind != draft.kind:
            result.problem(row, "kind", ErrorCode.CONFLICT, f"a unit's kind never changes: {draft.code} is {unit.kind}")
            del drafts[number]
    await _keep_jurisdiction_whole(ctx, result, drafts, stored)
    for row, draft in drafts.values():
        unit = stored.get(draft.code)
        wanted = _wanted(draft)
        if unit is None:
            result.changes.append(
                Change(row.number, draft.code, None, {"code": draft.code, **plain_all(wanted)}, draft)
            )
            continue
        current = {name: getattr(unit, name) for name in FIELDS}
        for name in ("provinces", "countries", "regions"):  # the same set in another order is no change
            if set(current[name]) == set(wanted[name]):
                wanted[name] = current[name]
        before, after = diff(current, {k: wanted[k] for k in FIELDS})
        if after:
            result.changes.append(Change(row.number, draft.code, before, after, draft, unit))
        else:
            result.unchanged += 1
    return result


def plain_all(values: dict) -> dict:
    return {k: plain(v) for k, v in values.items()}


async def _keep_jurisdiction_whole(ctx: Context, result: Plan, drafts: dict, stored: dict) -> None:
    """Reject rows that would give a province two sub-centres (or make it North China's), a
    country two agencies, a lab an unknown region, or take a routing entry from under factories.
    Repeated until stable: a rejected row keeps its unit as stored, which may clash again."""
    for number, (row, draft) in list(drafts.items()):  # first: it depends on the store alone
        routed = draft.code in stored and draft.kind in _ROUTING
        if routed and (message := await _still_routed(stored[draft.code], draft)):
            result.problem(row, _ROUTING[draft.kind][0], ErrorCode.CONFLICT, message)
            del drafts[number]
    north = set(ctx.north_china)
    while True:
        bad: dict[int, tuple[str, str]] = {}
        final = {code: u for code, u in stored.items()}
        final |= {d.code: d for _, d in drafts.values()}
        for kind, field in ((UnitKind.SUBCENTER, "provinces"), (UnitKind.FOREIGN_AGENCY, "countries")):
            owners: dict[str, list[str]] = defaultdict(list)
            for code, unit in final.items():
                if unit.kind == kind:
                    for value in getattr(unit, field):
                        owners[value].append(code)
            for number, (_, draft) in drafts.items():
                if draft.kind != kind:
                    continue
                old = set(getattr(stored[draft.code], field)) if draft.code in stored else set()
                for value in getattr(draft, field):
                    if field == "provinces" and value in north:
                        bad[number] = (field, f"{value} is North China: HQ is responsible for it")
                    elif len(owners[value]) > 1 and value not in old:
                        others = ", ".join(c for c in owners[value] if c != draft.code)
                        bad[number] = (field, f"{value} already belongs to {others}")
        subcentres = {code for code, u in final.items() if u.kind == UnitKind.SUBCENTER}
        for number, (_, draft) in drafts.items():
            unknown = [r for r in draft.regions if r not in subcentres]
            if draft.kind == UnitKind.LAB and unknown:
                bad[number] = ("regions", f"no sub-centre {', '.join(unknown)}")
        if not bad:
            break
        for number, (field, message) in bad.items():
            row, _ = drafts.pop(number)
            result.problem(row, field, ErrorCode.JURISDICTION, message)


async def _still_routed(unit: OrgUnit, draft: NewUnit) -> str | None:
    field, unit_column, factory_column = _ROUTING[draft.kind]
    removed = set(getattr(unit, field)) - set(getattr(draft, field))
    if not removed:
        return None
    count = await Factory.filter(**{unit_column: unit.id, f"{factory_column}__in": sorted(removed)}).count()
    if not count:
        return None
    return f"{count} factories in {', '.join(sorted(removed))} are routed to {unit.code}: move them first"


async def apply(ctx: Context, result: Plan) -> None:
    created = [OrgUnit(code=c.key, **_wanted(c.draft)) for c in result.created]
    await OrgUnit.bulk_create(created, batch_size=500)
    ids = {c.existing.code: c.existing.id for c in result.updated}
    for batch in chunks([c.key for c in result.created]):
        ids |= dict(await OrgUnit.filter(code__in=batch).values_list("code", "id"))
    updated = []
    for change in result.updated:
        unit = change.existing
        wanted = _wanted(change.draft)
        for name in change.after:  # only what changed: a list in another order stays as stored
            setattr(unit, name, wanted[name])
        updated.append(unit)
    if updated:
        await OrgUnit.bulk_update(updated, fields=list(FIELDS), batch_size=500)
    await ctx.tick("writing", len(result.changes), len(result.changes))
    await audit_log.record_many(audit_records(ctx.source, "OrgUnit", result.changes, ids))
    await oversee_by_hq(ctx, [(c.key, c.draft.kind) for c in result.created])
