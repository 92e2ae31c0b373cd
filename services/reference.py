"""HQ's reference data: yearly surveillance clauses and sampling test schemes (§3.1).
HQ maintains them; staff and agencies with tasks read them; each task shows its own."""

from __future__ import annotations

from collections import defaultdict

from domain.audit_events import AuditAction
from domain.enums import FactoryClass
from domain.errors import DomainError, ErrorCode
from domain.frequency import DEFAULT_RULES, FrequencyRule
from domain.tasks import SamplingSite, TaskKind
from domain.validation import clean_text, require_reason
from services import audit_log, versioning
from services.checklists.refresh import refresh_from_clause
from services.context import Session
from services.errors import Forbidden
from services.runner import Work, at_hq, command
from services.tasks.common import INTERNAL
from store.models import FrequencyRuleRow, ProductCategory, SamplingScheme, SurveillanceClause, TaskCertificate
from store.pagination import Page, PageRequest, paginate

KIND = "reference"
NOUN_RULE = "frequency rule"


@command(authorize=at_hq("manage", KIND))
async def upsert_clause(
    work: Work,
    *,
    year: int,
    code: str,
    title: str,
    text: str,
    category: str | None,
    reason: str | None,
    title_en: str | None = None,
    text_en: str | None = None,
    focus: bool | None = None,
) -> SurveillanceClause:
    """A new or changed clause also reaches the checklists of the year's unstarted tasks."""
    why = require_reason(reason)
    if not 2000 <= year <= 2100:
        raise DomainError(ErrorCode.INVALID, "year must be between 2000 and 2100", ("year",))
    values = {
        "title": clean_text(title, "title", max_length=200, single_line=True),
        "text": clean_text(text, "text", max_length=10000),
        "product_category_id": await _category_id(category) if category else None,
    }
    english = {
        "title_en": clean_text(title_en, "titleEn", max_length=200, required=False, single_line=True),
        "text_en": clean_text(text_en, "textEn", max_length=10000, required=False),
        "focus": focus,
    }
    values |= {k: v for k, v in english.items() if v is not None}  # omitted: kept on an update
    code = clean_text(code, "code", max_length=32, single_line=True)
    clause = await SurveillanceClause.filter(year=year, code=code).first()
    if clause is None:
        clause = await SurveillanceClause.create(year=year, code=code, **values)
        before = None
    else:
        before = {"title": clause.title, "text": clause.text, "category": clause.product_category_id}
        before |= {"titleEn": clause.title_en, "textEn": clause.text_en, "focus": clause.focus}
        await SurveillanceClause.filter(id=clause.id).update(**values, version=clause.version + 1)
        await clause.refresh_from_db()
    after = {"year": year, "code": code, "title": values["title"], "category": category}
    after |= {"titleEn": clause.title_en, "textEn": clause.text_en, "focus": clause.focus}
    await audit_log.record(
        AuditAction.REFERENCE_CLAUSE, "SurveillanceClause", clause.id, before=before, reason=why, after=after
    )
    await refresh_from_clause(clause, why)  # new or changed: unstarted checklists of the year follow
    return clause


@command(authorize=at_hq("manage", KIND))
async def upsert_scheme(
    work: Work,
    *,
    category: str,
    title: str,
    test_items: list[str],
    quantity: int,
    sites: list[SamplingSite],
    reason: str | None,
) -> SamplingScheme:
    why = require_reason(reason)
    items = [clean_text(t, "testItems", max_length=200, single_line=True) for t in test_items]
    if not items or len(items) > 100:
        raise DomainError(ErrorCode.INVALID, "a scheme lists 1 to 100 test items", ("testItems",))
    if not 1 <= quantity <= 1000:
        raise DomainError(ErrorCode.INVALID, "sample quantity must be 1 to 1000", ("sampleQuantity",))
    if not sites:
        raise DomainError(ErrorCode.REQUIRED, "name at least one sampling site", ("sites",))
    values = {
        "title": clean_text(title, "title", max_length=200, single_line=True),
        "test_items": items,
        "sample_quantity": quantity,
        "sites": sorted({s.value for s in sites}),
    }
    category_id = await _category_id(category)
    scheme = await SamplingScheme.filter(product_category_id=category_id).first()
    if scheme is None:
        scheme = await SamplingScheme.create(product_category_id=category_id, **values)
    else:
        await SamplingScheme.filter(id=scheme.id).update(**values, version=scheme.version + 1)
        await scheme.refresh_from_db()
    await audit_log.record(
        AuditAction.REFERENCE_SCHEME,
        "SamplingScheme",
        scheme.id,
        after={"category": category, **values},
        reason=why,
    )
    return scheme


async def _category_id(code: str) -> int:
    found = await ProductCategory.filter(
        code=clean_text(code, "productCategory", max_length=32, single_line=True)
    ).values_list("id", flat=True)
    if not found:
        raise DomainError(ErrorCode.NOT_FOUND, "no product category {code!r}", ("productCategory",), code=code)
    return found[0]


async def _require_reader(session: Session) -> None:
    """Read by whoever works on tasks (staff, agencies) — not by enterprises."""
    if not session.perms.domains("read", INTERNAL):
        raise Forbidden("you may not read the surveillance reference data")


async def list_clauses(session: Session, year: int | None, page: PageRequest) -> Page[SurveillanceClause]:
    await _require_reader(session)
    qs = SurveillanceClause.all() if year is None else SurveillanceClause.filter(year=year)
    return await paginate(qs, page)


async def list_schemes(session: Session, page: PageRequest) -> Page[SamplingScheme]:
    await _require_reader(session)
    return await paginate(SamplingScheme.all(), page)


async def _categories_of(tasks: list) -> dict[int, set[int]]:
    links = await TaskCertificate.filter(task_id__in=[t.id for t in tasks]).values_list(
        "task_id", "certificate__product_category_id"
    )
    grouped: dict[int, set[int]] = defaultdict(set)
    for task_id, category_id in links:
        grouped[task_id].add(category_id)
    return grouped


async def clauses_for(tasks: list) -> dict[int, list[SurveillanceClause]]:
    """The clauses of each task's year: general ones and those of its certificates' categories."""
    categories = await _categories_of(tasks)
    rows = await SurveillanceClause.filter(year__in={t.year for t in tasks}).order_by("code")
    return {
        t.id: [c for c in rows if c.year == t.year and c.product_category_id in (None, *categories[t.id])]
        for t in tasks
    }


async def schemes_for(tasks: list) -> dict[int, list[SamplingScheme]]:
    """The sampling schemes of each sampling task's certificate categories."""
    sampling = [t for t in tasks if t.with_sampling or t.kind == TaskKind.SAMPLING]
    categories = await _categories_of(sampling) if sampling else {}
    wanted = {c for cs in categories.values() for c in cs}
    rows = await SamplingScheme.filter(product_category_id__in=wanted).order_by("id") if wanted else []
    return {t.id: [s for s in rows if s.product_category_id in categories.get(t.id, ())] for t in tasks}


async def frequency_rules() -> dict[FactoryClass, FrequencyRule]:
    """The table in force; a class missing from it keeps the default of docs/domain.md, Numbers and defaults."""
    rules = dict(DEFAULT_RULES)
    for row in await FrequencyRuleRow.all():
        rules[FactoryClass(row.classification)] = FrequencyRule(row.interval_months, row.unannounced, row.sampling)
    return rules


async def list_frequency_rules(session: Session) -> list[FrequencyRuleRow]:
    """Only for roles that may see factory classes: the table would let others infer them."""
    if not session.perms.domains("read", "factory.class"):
        raise Forbidden("you may not read the frequency rules")
    return list(await FrequencyRuleRow.all().order_by("classification"))


@command(authorize=at_hq("manage", KIND))
async def update_frequency_rule(
    work: Work,
    *,
    klass: FactoryClass,
    expected_version: int,
    interval_months: int,
    unannounced: bool,
    sampling: bool,
    reason: str | None,
) -> FrequencyRuleRow:
    why = require_reason(reason)
    if not 1 <= interval_months <= 60:
        raise DomainError(ErrorCode.INVALID, "the interval is 1 to 60 months", ("intervalMonths",))
    row = await FrequencyRuleRow.filter(classification=klass.value).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no rule for that class", ("classification",))
    versioning.check_version(row, expected_version, NOUN_RULE)  # no gate opens a rule: checked here
    before = {"intervalMonths": row.interval_months, "unannounced": row.unannounced, "sampling": row.sampling}
    after = {"intervalMonths": interval_months, "unannounced": unannounced, "sampling": sampling}
    await versioning.save_versioned(
        row, NOUN_RULE, interval_months=interval_months, unannounced=unannounced, sampling=sampling
    )
    await audit_log.record(
        AuditAction.REFERENCE_FREQUENCY,
        "FrequencyRule",
        row.id,
        before=before,
        after=after,
        reason=why,
    )
    return row
