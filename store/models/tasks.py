"""Surveillance tasks and what hangs off them: certificates, team history, exceptions."""

from tortoise import fields
from tortoise.models import Model

from domain.tasks import (
    ExceptionHandling,
    ExceptionReason,
    SamplingMethod,
    SamplingSite,
    SpecialTrigger,
    TaskKind,
    TaskStatus,
)


class SurveillanceTask(Model):
    id = fields.IntField(primary_key=True)
    # 任务编号, e.g. EAST-2026-0042 (domain/task_numbers.py): given once, at creation, by
    # services/tasks/numbers.py; never changed. NOT NULL on PostgreSQL; on SQLite triggers
    # refuse a missing one (migration 0024_task_numbers says why).
    number = fields.CharField(max_length=64, unique=True)
    kind = fields.CharEnumField(TaskKind, max_length=24, db_index=True)
    status = fields.CharEnumField(TaskStatus, max_length=24, db_index=True)
    factory = fields.ForeignKeyField("models.Factory", related_name="tasks", db_index=True, on_delete=fields.RESTRICT)
    parent = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="children", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    # Domains for authorization scopes: the responsible unit (jurisdiction), the executing
    # unit (itself, or a foreign agency HQ delegated to) and the enterprise, set only from
    # the moment the enterprise may know of the task (notified, or an unannounced one started).
    responsible_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="tasks_responsible", db_index=True, on_delete=fields.RESTRICT
    )
    executing_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="tasks_executing", db_index=True, on_delete=fields.RESTRICT
    )
    enterprise_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="tasks_notified", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    year = fields.IntField(db_index=True)
    plan_sequence = fields.IntField(null=True)  # n-th planned routine surveillance in the year
    planned_start = fields.DateField(null=True, db_index=True)
    planned_end = fields.DateField(null=True, db_index=True)
    due_on = fields.DateField(db_index=True)
    special_trigger = fields.CharEnumField(SpecialTrigger, max_length=24, null=True)
    trigger_details = fields.TextField(null=True)
    with_sampling = fields.BooleanField(default=False)
    # Unannounced (不通知): the enterprise learns of the task only when the team starts it.
    # Kept on the task (not derived from the kind) so sub-tasks and conversions keep it.
    unannounced = fields.BooleanField(default=False)
    # Hidden because its samples are bought (买样, domain/tasks.py `purchase_hides`): set and
    # cleared with the method, apart from `unannounced`, which stays the planner's (or plan's).
    purchase_secret = fields.BooleanField(default=False, db_default=False)
    complex = fields.BooleanField(default=False)  # 复杂或特殊: risk assessment before the decision
    escalated = fields.BooleanField(default=False)  # an exception HQ must handle
    # Sampling details (issue 4): where and how, which category, how many, which lab.
    sampling_site = fields.CharEnumField(SamplingSite, max_length=16, null=True)
    sampling_method = fields.CharEnumField(SamplingMethod, max_length=16, null=True)
    sample_category = fields.ForeignKeyField(
        "models.ProductCategory", related_name="sampling_tasks", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    sample_quantity = fields.IntField(null=True)
    lab = fields.ForeignKeyField(
        "models.OrgUnit", related_name="tasks_tested", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    requirements = fields.TextField(default="")
    risk_notice = fields.TextField(null=True)  # relocation: the risk told to the enterprise
    # §4.1: the labs told to the enterprise, as they were at issue, when several serve the region.
    disclosed_labs = fields.JSONField(default=list)
    suspension_ground = fields.CharField(max_length=48, null=True)  # e.g. refused unannounced inspection
    notified_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    planned_person_days = fields.FloatField(null=True)  # 计划人日数
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "surveillance_task"
        unique_together = (("factory", "year", "plan_sequence"),)


class TaskNumberCounter(Model):
    """The last sequence number given to a top-level task, per (number prefix, year)."""

    # The prefix is the responsible unit's code, upper-case; store/task_numbers.py bumps it.

    id = fields.IntField(primary_key=True)
    unit_code = fields.CharField(max_length=32)
    year = fields.IntField()
    last_sequence = fields.IntField()

    class Meta:
        table = "task_number_counter"
        unique_together = (("unit_code", "year"),)


class TaskCertificate(Model):
    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="certificate_links", db_index=True, on_delete=fields.RESTRICT
    )
    certificate = fields.ForeignKeyField(
        "models.Certificate", related_name="task_links", db_index=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "task_certificate"
        unique_together = (("task", "certificate"),)


class TeamAssignment(Model):
    """One person on one task's inspection team. Removal ends it, nothing is deleted."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="team", db_index=True, on_delete=fields.RESTRICT
    )
    user = fields.ForeignKeyField(
        "models.User", related_name="team_assignments", db_index=True, on_delete=fields.RESTRICT
    )
    is_leader = fields.BooleanField(default=False)
    assigned_at = fields.DatetimeField()
    removed_at = fields.DatetimeField(null=True, db_index=True)
    reason = fields.TextField(null=True)

    class Meta:
        table = "team_assignment"


class TaskException(Model):
    """A task that cannot be executed or completed as planned (§4.3), and how it was handled."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="exceptions", db_index=True, on_delete=fields.RESTRICT
    )
    reason = fields.CharEnumField(ExceptionReason, max_length=24)
    details = fields.TextField()
    reported_by = fields.ForeignKeyField(
        "models.User", related_name="exceptions_reported", db_index=True, on_delete=fields.RESTRICT
    )
    reported_at = fields.DatetimeField()
    handling = fields.CharEnumField(ExceptionHandling, max_length=24, null=True)
    handling_note = fields.TextField(null=True)
    handled_by = fields.ForeignKeyField(
        "models.User", related_name="exceptions_handled", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    handled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "task_exception"


class LabRequest(Model):
    """An enterprise's request about which lab tests its samples (§4.1), and the decision."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="lab_requests", db_index=True, on_delete=fields.RESTRICT
    )
    requested_by = fields.ForeignKeyField(
        "models.User", related_name="lab_requests", db_index=True, on_delete=fields.RESTRICT
    )
    preferred_lab = fields.ForeignKeyField(
        "models.OrgUnit", related_name="lab_requests", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    accepted = fields.BooleanField(null=True)
    decision_reason = fields.TextField(null=True)
    decided_by = fields.ForeignKeyField(
        "models.User", related_name="lab_decisions", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "lab_request"


class TaskScopeCount(Model):
    """How many tasks have each (responsible, executing, enterprise) unit triple: the scoped
    `totalCount` of an unfiltered task list sums these few rows instead of counting tasks.
    Kept by triggers on surveillance_task (migration 0038), in the writing transaction, so it
    is exact; enterprise 0 stands for none (no unit has id 0, so no scope ever matches it)."""

    id = fields.IntField(primary_key=True)
    responsible_unit_id = fields.IntField()
    executing_unit_id = fields.IntField()
    enterprise_unit_id = fields.IntField()
    tasks = fields.IntField()

    class Meta:
        table = "task_scope_count"
        unique_together = (("responsible_unit_id", "executing_unit_id", "enterprise_unit_id"),)
        table_description = "Tasks per scope-unit triple, kept by triggers on surveillance_task."
