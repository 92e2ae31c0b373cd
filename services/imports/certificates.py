"""`surveil import certificates`: certificates by number, for existing factories and categories.

The rules of issueCertificate and transferCertificate hold (domain/certificate.py,
domain/registry.py): a certificate is loaded for, or moved to, a factory in the registry only
(not closed, not merged); no issue date lies in the future; only a live (valid or suspended)
certificate moves to another factory, and not while an open task surveils it there.

An empty `implementation_rule` means the category's rule (stored as none); a file without that
column leaves an existing certificate's rule, and one without `status` (or an empty cell) its
status (a new certificate is VALID). The status column is for the initial load of a certificate
(creating it): a row that would change an existing certificate's status is refused, status
changes being decisions (暂停/撤销/注销 through the decision procedure). A certificate the
expiry sweep has moved to EXPIRED stays so while the file still gives the date that expired it."""

from __future__ import annotations

from datetime import UTC, datetime, time

from domain.certificate import EXPIRING, check_issued_on, check_transfer, effective_status
from domain.enums import CertificateStatus, FactoryStatus
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.registry import NewCertificate, check_in_registry, new_certificate
from domain.tasks import OPEN
from services import audit_log
from services.clock import today
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
from services.imports.parsing import optional, parse_date, parse_status, text
from services.imports.report import Problem
from store.bulk import insert_rows
from store.models import Certificate, CertificateStatusChange, Factory, ProductCategory, TaskCertificate

TABLES = ("certificate", "certificate_status_change")  # written by this kind

FIELDS = ("holder", "factory", "category", "implementation_rule", "issued_on", "expires_on", "status")
COLUMNS = ("holder", "factory_id", "product_category_id", "implementation_rule", "issued_on", "expires_on", "status")
STORED = (
    "id",
    "number",
    "holder",
    "factory__code",
    "product_category__code",
    "implementation_rule",
    "issued_on",
    "expires_on",
    "status",
    "version",
    "suspended_until",
    "suspension_ground",
)
ISSUED = "Certificate issued (发证)"
STATUS_BY_DECISION = "status changes are decisions (暂停/撤销/注销 through the decision procedure)"


def _draft(row: Row) -> NewCertificate:
    errors: list[DomainError] = []
    values = {}
    for name, parse in (("issued_on", parse_date), ("expires_on", parse_date), ("status", None)):
        try:
            values[name] = parse(row.get(name), name) if parse else parse_status(row.get(name))
        except DomainError as exc:
            errors.append(exc)
    for name in ("factory_code", "category_code"):
        if not text(row.get(name)):
            errors.append(DomainError(ErrorCode.REQUIRED, "{name} is required", (name,), name=name))
    try:
        certificate = new_certificate(
            number=text(row.get("number")),
            holder=text(row.get("holder")),
            issued_on=values.get("issued_on", _PLACEHOLDER[0]),
            expires_on=values.get("expires_on", _PLACEHOLDER[1]),
            status=values.get("status", CertificateStatus.VALID),
            implementation_rule=optional(row.get("implementation_rule")),
        )
    except DomainErrors as exc:  # date checks only where both dates were read
        errors.extend(e for e in exc.errors if e.field != ("expires_on",) or len(values) == 3)
    if errors:
        raise DomainErrors(errors)
    return certificate


_PLACEHOLDER = (datetime(2000, 1, 1).date(), datetime(2001, 1, 1).date())


async def plan(ctx: Context, rows: list[Row]) -> Plan:
    result = Plan()
    rows = first_of_each_key(result, rows, lambda r: text(r.get("number")), "number")
    drafts: list[tuple[Row, NewCertificate]] = []
    for done, row in enumerate(rows, start=1):
        try:
            drafts.append((row, _draft(row)))
        except DomainErrors as exc:
            result.reject(row, exc)
        await ctx.tick("checking", done, len(rows))
    categories = {
        code: (cid, rule)
        for cid, code, rule in await ProductCategory.all().values_list("id", "code", "implementation_rule")
    }
    found = await stored_by_key(
        Factory, "code", [text(r.get("factory_code")) for r, _ in drafts], ("id", "code", "status")
    )
    factories = {key: (f["id"], f["code"], f["status"]) for key, f in found.items()}
    stored = await stored_by_key(Certificate, "number", [d.number for _, d in drafts], STORED)
    day = today()
    for row, draft in drafts:
        given, category = text(row.get("factory_code")), text(row.get("category_code"))
        if same_key(given) not in factories:
            result.problem(row, "factory_code", ErrorCode.NOT_FOUND, f"no factory {given}: import the factories first")
            continue
        factory_id, factory, factory_status = factories[same_key(given)]
        if category not in categories:
            known = ", ".join(sorted(categories))
            result.problem(row, "category_code", ErrorCode.NOT_FOUND, f"no product category {category} ({known})")
            continue
        wanted = {
            "holder": draft.holder,
            "factory": factory,
            "category": category,
            "implementation_rule": draft.implementation_rule,
            "issued_on": draft.issued_on,
            "expires_on": draft.expires_on,
            "status": draft.status,
        }
        ids = {"factory_id": factory_id, "product_category_id": categories[category][0]}
        current = stored.get(same_key(draft.number))
        try:
            if current is None or current["factory__code"] != factory:  # issued to it, or moving to it
                check_in_registry(factory, FactoryStatus(factory_status), "factory_code")
            if current is None or current["issued_on"] != draft.issued_on:
                check_issued_on(draft.issued_on, day, "issued_on")
        except DomainError as exc:
            result.reject(row, exc)
            continue
        if current is None:
            after = {"number": draft.number, **{k: plain(v) for k, v in wanted.items()}}
            result.changes.append(Change(row.number, draft.number, None, after, wanted | ids))
            continue
        have = {
            "holder": current["holder"],
            "factory": current["factory__code"],
            "category": current["product_category__code"],
            "implementation_rule": current["implementation_rule"],
            "issued_on": current["issued_on"],
            "expires_on": current["expires_on"],
            "status": CertificateStatus(current["status"]),
        }
        if "status" not in ctx.source.columns or not text(row.get("status")):
            wanted["status"] = have["status"]  # no status given: an existing certificate keeps its own
        if "implementation_rule" not in ctx.source.columns:
            wanted["implementation_rule"] = have["implementation_rule"]  # a file without the column
        expired = effective_status(draft.status, draft.expires_on, day) == CertificateStatus.EXPIRED
        if have["status"] == CertificateStatus.EXPIRED and wanted["status"] in EXPIRING and expired:
            wanted["status"] = CertificateStatus.EXPIRED  # the sweep's move, not the file's: no change
        before, after = diff(have, wanted)
        if "status" in after:
            message = f"{STATUS_BY_DECISION} (it is {have['status'].value})"
            result.problem(row, "status", ErrorCode.TRANSITION_NOT_ALLOWED, message)
            continue
        if "factory" in after:
            try:
                check_transfer(have["status"], have["expires_on"], day, "factory_code")
            except DomainError as exc:
                result.reject(row, exc)
                continue
        if after:
            result.changes.append(Change(row.number, current["number"], before, after, wanted | ids, current))
        else:
            result.unchanged += 1
    await _not_from_under_open_tasks(result)
    return result


async def _not_from_under_open_tasks(result: Plan) -> None:
    """A certificate moving to another factory (证书转移) while an open task surveils it at its
    factory is refused, as transferCertificate refuses it."""
    moving = {c.existing["id"]: c for c in result.updated if "factory" in c.after}
    surveilled: set[int] = set()
    for batch in chunks(sorted(moving)):
        surveilled |= set(
            await TaskCertificate.filter(certificate_id__in=batch, task__status__in=list(OPEN)).values_list(
                "certificate_id", flat=True
            )
        )
    for certificate_id in sorted(surveilled):
        change = moving[certificate_id]
        result.changes.remove(change)
        message = "an open task surveils this certificate at its factory: finish or cancel it before moving it"
        result.problems.append(
            Problem(change.row, "factory_code", ErrorCode.CONFLICT, message, change.after["factory"])
        )


NEW_COLUMNS = ("number", "holder", "factory_id", "product_category_id", "implementation_rule", "issued_on",
               "expires_on", "status", "version", "created_at")  # fmt: skip
HISTORY_COLUMNS = ("certificate_id", "from_status", "to_status", "reason", "actor", "at")


async def apply(ctx: Context, result: Plan) -> None:
    total, now = len(result.changes), datetime.now(UTC)
    done = await insert_rows(Certificate, NEW_COLUMNS, (_new(c, now) for c in result.created))
    await ctx.tick("writing", done, total)
    ids = {c.key: c.existing["id"] for c in result.updated}
    for batch in chunks([c.key for c in result.created]):
        ids |= dict(await Certificate.filter(number__in=batch).values_list("number", "id"))
    for batch in chunks(result.updated):
        await Certificate.bulk_update(
            [_changed(c) for c in batch],
            fields=[*COLUMNS, "version", "suspended_until", "suspension_ground"],
            batch_size=500,
        )
        done += len(batch)
        await ctx.tick("writing", done, total)
    await insert_rows(CertificateStatusChange, HISTORY_COLUMNS, _history(ctx, result, ids, now))
    await audit_log.record_many(audit_records(ctx.source, "Certificate", result.changes, ids))


def _columns(draft: dict) -> dict:
    names = {"factory_id", "product_category_id", "holder", "implementation_rule", "issued_on", "expires_on", "status"}
    return {k: v for k, v in draft.items() if k in names}


def _new(change: Change, now: datetime) -> tuple:
    d = change.draft
    return (change.key, d["holder"], d["factory_id"], d["product_category_id"], d["implementation_rule"],
            d["issued_on"], d["expires_on"], d["status"].value, 1, now)  # fmt: skip


def _changed(change: Change) -> Certificate:
    current = change.existing
    certificate = Certificate(id=current["id"], number=change.key, **_columns(change.draft))
    certificate.version = current["version"] + 1
    # The status stays (a change is a decision's): so do a suspension's end and ground.
    certificate.suspended_until = current["suspended_until"]
    certificate.suspension_ground = current["suspension_ground"]
    return certificate


def _history(ctx: Context, result: Plan, ids: dict[str, int], now: datetime):
    """Issue (dated the issue day) and any status the file gives, for a new certificate (an
    existing one's status is not changed by a file). Actor: who ran the import."""
    actor = ctx.work.actor.login
    valid = CertificateStatus.VALID.value
    for change in result.changes:
        status, number = change.draft["status"].value, ids[change.key]
        if change.before is None:
            issued = datetime.combine(change.draft["issued_on"], time(9), tzinfo=UTC)
            yield (number, None, valid, ISSUED, actor, issued)
            if status != valid:
                yield (number, valid, status, ctx.source.reason(change.row), actor, now)
