"""Queries and mutations of HQ's reference data (clauses, sampling schemes)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.enums import FactoryClass
from domain.tasks import SamplingSite
from resolvers.plumbing import mutation, run
from resolvers.query import page_request
from schema import enums, reference_types, task_enums
from schema.idempotency import idempotency_key_field
from schema.relay import Connection, build_connection
from schema.types import UserError
from services import reference


@strawberry.input(description="新增或修改年度监督检查条款 Create or update a yearly clause (HQ).")
class SurveillanceClauseInput:
    year: int = strawberry.field(description="The year it applies to.")
    code: str = strawberry.field(description="Clause code; an existing code is updated.")
    title: str = strawberry.field(description="Title.")
    text: str = strawberry.field(description="The clause in full.")
    product_category: str | None = strawberry.field(default=None, description="Category code; none for all")
    reason: str
    idempotency_key: str | None = idempotency_key_field()
    title_en: str | None = strawberry.field(
        default=None, description="English title of the clause; omitted on an update: kept as it is"
    )
    text_en: str | None = strawberry.field(
        default=None, description="English text of the clause; omitted on an update: kept as it is"
    )
    focus: bool | None = strawberry.field(
        default=None,
        description="年度重点 HQ's focus item of the year; omitted: false for a new clause, kept on an update",
    )


@strawberry.input(description="新增或修改监督抽样检测方案 Create or update a category's sampling scheme (HQ).")
class SamplingSchemeInput:
    product_category: str = strawberry.field(description="Code of the product category.")
    title: str = strawberry.field(description="Title of the scheme.")
    test_items: list[str] = strawberry.field(description="检测项目 Test items.")
    sample_quantity: int = strawberry.field(description="Units per sample.")
    sites: list[task_enums.SamplingSite] = strawberry.field(description="Sites where samples may be taken.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="调整监督频次 Change the frequency rule of one class (HQ), with a reason.")
class FrequencyRuleInput:
    classification: enums.FactoryClass = strawberry.field(description="The class whose rule changes.")
    expected_version: int
    interval_months: int = strawberry.field(description="Months between routine inspections.")
    unannounced: bool = strawberry.field(description="Whether routine inspections are unannounced 不通知.")
    sampling: bool = strawberry.field(description="Whether routine inspections also sample 抽样.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class FrequencyRulePayload:
    rule: reference_types.FrequencyRule | None = strawberry.field(
        description="The rule as saved; null when nothing changed."
    )
    user_errors: list[UserError]


@strawberry.type
class ClausePayload:
    clause: reference_types.SurveillanceClause | None = strawberry.field(
        description="The clause as saved; null when nothing changed."
    )
    user_errors: list[UserError]


@strawberry.type
class SchemePayload:
    scheme: reference_types.SamplingScheme | None = strawberry.field(
        description="The scheme as saved; null when nothing changed."
    )
    user_errors: list[UserError]


@strawberry.type
class ReferenceQuery:
    @strawberry.field(description="监督频次规则 The frequency table in force (staff and agencies).")
    async def frequency_rules(self, info: strawberry.Info) -> list[reference_types.FrequencyRule]:
        rows = await reference.list_frequency_rules(info.context.require_session)
        return [reference_types.FrequencyRule.from_model(r) for r in rows]

    @strawberry.field(description="年度监督检查条款 The yearly clauses (staff and agencies).")
    async def surveillance_clauses(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        year: Annotated[int | None, strawberry.argument(description="Only the clauses of this year.")] = None,
    ) -> Connection[reference_types.SurveillanceClause]:
        page = await reference.list_clauses(
            info.context.require_session, year, page_request(info, first, after, None, None)
        )
        presented = iter(await info.context.present.clauses(page.items))
        return build_connection(page.items, lambda _: next(presented), page.total, page.has_next, page.has_previous)

    @strawberry.field(description="监督抽样检测方案 The sampling test schemes (staff and agencies).")
    async def sampling_schemes(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[reference_types.SamplingScheme]:
        page = await reference.list_schemes(info.context.require_session, page_request(info, first, after, None, None))
        presented = iter(await info.context.present.schemes(page.items))
        return build_connection(page.items, lambda _: next(presented), page.total, page.has_next, page.has_previous)


@strawberry.type
class ReferenceMutation:
    @mutation(description="调整监督频次 Change how often a class is surveilled (HQ planners).")
    async def update_frequency_rule(self, info: strawberry.Info, input: FrequencyRuleInput) -> FrequencyRulePayload:
        row, errors = await run(
            reference.update_frequency_rule(
                info.context.require_session,
                klass=FactoryClass(input.classification.value),
                expected_version=input.expected_version,
                interval_months=input.interval_months,
                unannounced=input.unannounced,
                sampling=input.sampling,
                reason=input.reason,
            )
        )
        return FrequencyRulePayload(
            rule=reference_types.FrequencyRule.from_model(row) if row else None, user_errors=errors
        )

    @mutation(description="维护年度监督检查条款 Create or update a yearly clause (HQ planners).")
    async def upsert_surveillance_clause(self, info: strawberry.Info, input: SurveillanceClauseInput) -> ClausePayload:
        clause, errors = await run(
            reference.upsert_clause(
                info.context.require_session,
                year=input.year,
                code=input.code,
                title=input.title,
                text=input.text,
                category=input.product_category,
                reason=input.reason,
                title_en=input.title_en,
                text_en=input.text_en,
                focus=input.focus,
            )
        )
        return ClausePayload(
            clause=(await info.context.present.clauses([clause]))[0] if clause else None, user_errors=errors
        )

    @mutation(description="维护监督抽样检测方案 Create or update a sampling scheme (HQ planners).")
    async def upsert_sampling_scheme(self, info: strawberry.Info, input: SamplingSchemeInput) -> SchemePayload:
        scheme, errors = await run(
            reference.upsert_scheme(
                info.context.require_session,
                category=input.product_category,
                title=input.title,
                test_items=input.test_items,
                quantity=input.sample_quantity,
                sites=[SamplingSite(s.value) for s in input.sites],
                reason=input.reason,
            )
        )
        return SchemePayload(
            scheme=(await info.context.present.schemes([scheme]))[0] if scheme else None, user_errors=errors
        )
