"""The surveilled registry: product categories, factories, certificates."""

from tortoise import fields
from tortoise.functions import Upper
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import CertificateStatus, FactoryClass, FactoryStatus


class ProductCategory(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    name_zh = fields.CharField(max_length=200)
    implementation_rule = fields.CharField(max_length=64)  # e.g. CNCA-C01-01:2014

    class Meta:
        table = "product_category"


class Factory(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    address = fields.CharField(max_length=500)
    country = fields.CharField(max_length=2, db_index=True)
    province = fields.CharField(max_length=40, null=True, db_index=True)
    classification = fields.CharEnumField(FactoryClass, max_length=1, db_index=True)
    status = fields.CharEnumField(FactoryStatus, max_length=24, db_index=True)
    # Domains this factory belongs to, derived from its location when written:
    # the responsible unit (jurisdiction), the foreign agency serving its country and the
    # enterprise that runs it. Authorization scopes filter on these columns.
    responsible_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="responsible_for", db_index=True, on_delete=fields.RESTRICT
    )
    agency_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="agency_for", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    enterprise_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="enterprise_factories", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    # Set when this factory was a duplicate merged into another (status MERGED); kept, never deleted.
    merged_into = fields.ForeignKeyField(
        "models.Factory", related_name="merged_duplicates", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "factory"


class Certificate(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True)
    holder = fields.CharField(max_length=200)
    factory = fields.ForeignKeyField(
        "models.Factory", related_name="certificates", db_index=True, on_delete=fields.RESTRICT
    )
    product_category = fields.ForeignKeyField(
        "models.ProductCategory", related_name="certificates", db_index=True, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(CertificateStatus, max_length=16, db_index=True)
    issued_on = fields.DateField()
    expires_on = fields.DateField(db_index=True)
    # End of the initial factory inspection: the first surveillance falls within 12 months
    # of it, or of the issue date where there was none (docs/domain.md, Numbers and defaults).
    initial_inspection_end = fields.DateField(null=True)
    # The implementation rule (实施规则) the certificate was issued under; its category's rule
    # when not given. Older certificates have none recorded: their category's rule applies.
    implementation_rule = fields.CharField(max_length=64, null=True)
    suspended_until = fields.DateField(null=True)  # end of the current suspension period
    suspension_ground = fields.CharField(max_length=32, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "certificate"
        # The public page's look-up by number whatever its case (services/public_status.py; 0032).
        indexes = (Index(Upper("number"), name="idx_certificate_number_upper"),)


class CertificateStatusChange(Model):
    id = fields.IntField(primary_key=True)
    certificate = fields.ForeignKeyField(
        "models.Certificate", related_name="status_history", db_index=True, on_delete=fields.RESTRICT
    )
    from_status = fields.CharEnumField(CertificateStatus, max_length=16, null=True)
    to_status = fields.CharEnumField(CertificateStatus, max_length=16)
    reason = fields.TextField()
    actor = fields.CharField(max_length=64)
    at = fields.DatetimeField()

    class Meta:
        table = "certificate_status_change"
