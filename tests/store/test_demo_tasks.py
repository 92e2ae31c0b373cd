"""The demo world's tasks: every state the task issue knows, made through the services."""

import pytest

from domain.jurisdiction import DEFAULT_NORTH_CHINA
from server.demo_tasks import seed_demo_tasks
from services.archive.completeness import completeness_of
from store.models import (
    AuditEntry,
    Decision,
    Dispute,
    InspectionResult,
    LabReport,
    ProblemReport,
    Purchase,
    Sample,
    SpotCheck,
    SurveillanceTask,
)

pytestmark = pytest.mark.usefixtures("db")


async def test_demo_tasks_cover_the_lifecycle_and_rerun_changes_nothing(world_url, tmp_path):
    count = await seed_demo_tasks(DEFAULT_NORTH_CHINA, str(tmp_path))
    assert count == await SurveillanceTask.all().count() > 30
    statuses = set(await SurveillanceTask.all().values_list("status", flat=True))
    assert statuses >= {"DRAFT", "ISSUED", "TEAM_ASSIGNED", "IN_PROGRESS", "EXCEPTION", "CANCELLED", "DECIDED"}
    units = set(
        await SurveillanceTask.filter(kind__in=["ROUTINE_NOTIFIED", "ROUTINE_UNANNOUNCED"]).values_list(
            "responsible_unit__code", flat=True
        )
    )
    assert units == {"east", "south", "west", "hq"}
    delegated = await SurveillanceTask.filter(executing_unit__code="agency-de").values_list("factory__code", "status")
    assert delegated == [("D001", "TEAM_ASSIGNED")]
    relocation = await SurveillanceTask.get(kind="RELOCATION")
    assert relocation.risk_notice and await SurveillanceTask.filter(parent_id=relocation.id, kind="SAMPLING").exists()
    refused = await SurveillanceTask.get(status="EXCEPTION")
    assert refused.suspension_ground == "REFUSED_UNANNOUNCED_INSPECTION"
    assert await AuditEntry.filter(object_type="SurveillanceTask").count() >= count

    custody = sorted(await Sample.filter(purchase_id__isnull=True).values_list("status", flat=True))
    assert custody == ["RECEIVED", "REPORTED", "REPORTED", "SEALED", "SHIPPED", "TESTING"]
    reports = sorted(await LabReport.all().values_list("passed", "marking_nonconformity"))
    assert reports == [(False, True), (True, False)]
    purchase = await Purchase.get().prefetch_related("assignment", "documents", "samples")
    assert purchase.assignment.status == "ASSIGNED" and len(purchase.documents) == 2 and len(purchase.samples) == 1
    assert all((tmp_path / d.sha256[:2] / d.sha256[2:4] / d.sha256).exists() for d in purchase.documents)

    outcomes = set(await Decision.all().values_list("outcome", flat=True))
    assert outcomes == {"MAINTAIN", "SUSPEND", "REVOKE", "RESTORE", "CANCEL"}
    assert await InspectionResult.filter(number=2, change_reason__isnull=False).count() == 1  # a changed result
    assert await Dispute.filter(status="OPEN").count() == 1
    failures = await SpotCheck.filter(passed=False).values_list("certificate_id", flat=True)
    assert len(failures) == 2 and len(set(failures)) == 1

    assert await SurveillanceTask.filter(status="ARCHIVED").count() == 2
    revoked = await Decision.get(outcome="REVOKE")
    assert (await completeness_of([await SurveillanceTask.get(id=revoked.task_id)]))[revoked.task_id].missing
    assert await ProblemReport.filter(status="ANSWERED").count() == 1

    audits = await AuditEntry.all().count()
    assert await seed_demo_tasks(DEFAULT_NORTH_CHINA) == 0
    assert await AuditEntry.all().count() == audits


async def test_demo_statistics_match_a_hand_count(world_url, tmp_path):
    """The demo's figures that do not move with the calendar, counted by hand from
    server/demo_tasks.py, demo_sampling.py and demo_results.py."""
    from datetime import timedelta

    from services.archive.monitoring import compute
    from services.clock import today

    await seed_demo_tasks(DEFAULT_NORTH_CHINA, str(tmp_path))
    period = (today() - timedelta(days=5 * 365), today() + timedelta(days=5 * 365))
    east = await compute("east", *period)
    assert (east.results, east.results_with_nonconformities) == (2, 0)  # E005 twice: maintained, changed
    assert east.exceptions_by_reason == [("REFUSED_INSPECTION", 1)]  # E004 refused the unannounced team
    e010 = await SurveillanceTask.get(factory__code="E010", kind="SAMPLING").prefetch_related("sample_category")
    assert east.sampling_by_category == [(e010.sample_category.code, 2, 1)]  # one passed, one failed
    assert [(lab, n) for lab, n, _ in east.lab_turnaround] == [("east-lab-1", 2)]
    south = await compute("south", *period)
    assert (south.results, south.results_with_nonconformities, south.nonconformity_rate) == (2, 2, 1.0)  # S001, S002
    hq = await compute("hq", *period)
    assert (hq.results, hq.results_with_nonconformities) == (2, 0)  # N001 cancelled, N002 restored
    everything = await compute(None, *period)
    assert everything.results == 6 and everything.completed == 6 and everything.person_days_actual == 0


async def test_the_demo_holds_the_walk_through_task_and_an_east_file_of_confirmed_forms(world_url, tmp_path):
    """The README's walk-through starts from E002's staffed task; East's archived file is made of
    the forms the system generated and its leader confirmed."""
    from services.forms.generated import GENERATED_DESCRIPTION
    from store.models import ChecklistItem, Document, FormSignoff, TeamAssignment

    await seed_demo_tasks(DEFAULT_NORTH_CHINA, str(tmp_path))
    walk = await SurveillanceTask.get(factory__code="E002", status="TEAM_ASSIGNED")
    assert walk.kind == "ROUTINE_NOTIFIED" and walk.enterprise_unit_id is not None
    team = await TeamAssignment.filter(task_id=walk.id, removed_at__isnull=True).values_list("user__login", "is_leader")
    assert sorted(team) == [("east.inspector1", True), ("east.inspector2", False)]
    items = await ChecklistItem.filter(task_id=walk.id).values_list("answer", flat=True)
    assert len(items) > 10 and set(items) == {None}

    archived = await SurveillanceTask.get(status="ARCHIVED", responsible_unit__code="east")
    signed = await FormSignoff.filter(task_id=archived.id).values_list("form", "signed_by__login")
    assert sorted(signed) == [("INSPECTION_RECORD", "east.inspector1"), ("INSPECTION_REPORT", "east.inspector1")]
    filed = await Document.filter(task_id=archived.id, purpose__in=["INSPECTION_REPORT", "INSPECTION_RECORD"])
    assert len(filed) == 2 and {d.description for d in filed} == {GENERATED_DESCRIPTION}
    assert all((tmp_path / d.sha256[:2] / d.sha256[2:4] / d.sha256).exists() for d in filed)
