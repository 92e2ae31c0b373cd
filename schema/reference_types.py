"""Yearly surveillance clauses and sampling test schemes in GraphQL."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema import enums, task_enums
from schema.relay import to_global_id


@strawberry.type(description="年度监督检查条款 A yearly surveillance focus item, general or for one product category.")
class SurveillanceClause:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")
    year: int = strawberry.field(description="The year it applies to.")
    code: str = strawberry.field(description="Clause code, unique in its year.")
    title: str = strawberry.field(description="Title.")
    text: str = strawberry.field(description="The clause in full.")
    product_category_code: str | None = strawberry.field(description="Null: applies to every category")
    version: int
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    title_en: str | None = strawberry.field(description="English title")
    text_en: str | None = strawberry.field(description="English text")
    focus: bool = strawberry.field(description="年度重点 HQ's focus item of the year")

    @classmethod
    def from_model(cls, m, category_code: str | None) -> SurveillanceClause:
        return cls(
            id=to_global_id("SurveillanceClause", m.id), year=m.year, code=m.code, title=m.title, text=m.text,
            product_category_code=category_code, version=m.version, updated_at=m.updated_at,
            title_en=m.title_en, text_en=m.text_en, focus=m.focus,
        )  # fmt: skip


@strawberry.type(description="监督抽样检测方案 What to test, how many samples, where — per product category.")
class SamplingScheme:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")
    product_category_code: str = strawberry.field(description="Code of the product category.")
    title: str = strawberry.field(description="Title of the scheme.")
    test_items: list[str] = strawberry.field(description="检测项目")
    sample_quantity: int = strawberry.field(description="抽样数量")
    sites: list[task_enums.SamplingSite] = strawberry.field(description="抽样地点")
    version: int
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, m, category_code: str) -> SamplingScheme:
        return cls(
            id=to_global_id("SamplingScheme", m.id), product_category_code=category_code, title=m.title,
            test_items=m.test_items, sample_quantity=m.sample_quantity,
            sites=[task_enums.SamplingSite(s) for s in m.sites], version=m.version, updated_at=m.updated_at,
        )  # fmt: skip


@strawberry.type(description="监督频次规则 How often a class of enterprise is surveilled (configuration).")
class FrequencyRule:
    classification: enums.FactoryClass = strawberry.field(description="分类企业管理 The class the rule applies to.")
    interval_months: int = strawberry.field(description="Months between routine surveillances")
    unannounced: bool = strawberry.field(description="不通知检查 Routine inspections are unannounced")
    sampling: bool = strawberry.field(description="监督抽样 Sampling with each routine surveillance")
    version: int

    @classmethod
    def from_model(cls, m) -> FrequencyRule:
        return cls(
            classification=enums.FactoryClass(m.classification), interval_months=m.interval_months,
            unannounced=m.unannounced, sampling=m.sampling, version=m.version,
        )  # fmt: skip
