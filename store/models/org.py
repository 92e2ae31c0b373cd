"""Organisation: units, people, role assignments and the policy lines Casbin enforces."""

from tortoise import fields
from tortoise.models import Model

from domain.enums import UnitKind


class OrgUnit(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    name_zh = fields.CharField(max_length=200)
    kind = fields.CharEnumField(UnitKind, max_length=16, db_index=True)
    # Sub-centres: provinces of their jurisdiction; agencies: ISO country codes;
    # labs: the sub-centre regions they serve. Small lists, read whole.
    provinces = fields.JSONField(default=list)
    countries = fields.JSONField(default=list)
    regions = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "org_unit"

    @property
    def domain(self) -> str:
        return f"unit:{self.code}"


class User(Model):
    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=200)
    unit = fields.ForeignKeyField("models.OrgUnit", related_name="members", db_index=True, on_delete=fields.RESTRICT)
    active = fields.BooleanField(default=True)
    email = fields.CharField(max_length=254, null=True)  # for notices; shown to who may read people
    language = fields.CharField(max_length=8, null=True)  # zh / en (errors, notices); else Accept-Language, zh
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app_user"


class RoleAssignment(Model):
    """g, user:<id>, <role>, unit:<code> — a role held inside a unit."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="roles", db_index=True, on_delete=fields.RESTRICT)
    role = fields.CharField(max_length=32)
    unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="role_holders", db_index=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "role_assignment"
        unique_together = (("user", "role", "unit"),)


class PolicyRule(Model):
    """A Casbin policy line (p or g2). Seeded from policies/policy.csv, edited via GraphQL."""

    id = fields.IntField(primary_key=True)
    ptype = fields.CharField(max_length=4)
    v0 = fields.CharField(max_length=64)
    v1 = fields.CharField(max_length=64)
    v2 = fields.CharField(max_length=64, default="")
    v3 = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "policy_rule"
        unique_together = (("ptype", "v0", "v1", "v2", "v3"),)

    def values(self) -> list[str]:
        return [v for v in (self.v0, self.v1, self.v2, self.v3) if v != ""]


class PolicyRevision(Model):
    """One row, bumped on every policy or role change so that every process reloads."""

    id = fields.IntField(primary_key=True)
    revision = fields.IntField(default=0)

    class Meta:
        table = "policy_revision"
