"""HQ's reference data for surveillance: yearly clauses and sampling test schemes (§3.1)."""

from tortoise import fields
from tortoise.models import Model


class SurveillanceClause(Model):
    """年度监督检查条款: a focus item for the year, for one product category or for all."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField(db_index=True)
    code = fields.CharField(max_length=32)
    title = fields.CharField(max_length=200)
    text = fields.TextField()
    title_en = fields.CharField(max_length=200, null=True)
    text_en = fields.TextField(null=True)
    focus = fields.BooleanField(default=False)  # 年度重点: HQ's focus item of the year
    product_category = fields.ForeignKeyField(
        "models.ProductCategory", related_name="clauses", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "surveillance_clause"
        unique_together = (("year", "code"),)


class SamplingScheme(Model):
    """监督抽样检测方案: what to test, how many samples, where to take them, per category."""

    id = fields.IntField(primary_key=True)
    product_category = fields.ForeignKeyField(
        "models.ProductCategory", related_name="sampling_schemes", db_index=True, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    test_items = fields.JSONField(default=list)
    sample_quantity = fields.IntField()
    sites = fields.JSONField(default=list)  # FACTORY / MARKET / USAGE_SITE
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sampling_scheme"
        unique_together = (("product_category",),)


class FrequencyRuleRow(Model):
    """监督频次: one row per enterprise class — configuration HQ edits, not code."""

    id = fields.IntField(primary_key=True)
    classification = fields.CharField(max_length=1, unique=True)
    interval_months = fields.IntField()
    unannounced = fields.BooleanField()
    sampling = fields.BooleanField()
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "frequency_rule"
