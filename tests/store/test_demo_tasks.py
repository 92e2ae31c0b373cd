"""The demo world's tasks: every state the task issue knows, made through the services."""

import pytest

from domain.jurisdiction import DEFAULT_NORTH_CHINA
from server.demo_tasks import seed_demo_tasks
from store.models import AuditEntry, SurveillanceTask

pytestmark = pytest.mark.usefixtures("db")


async def test_demo_tasks_cover_the_lifecycle_and_rerun_changes_nothing(world_url):
    count = await seed_demo_tasks(DEFAULT_NORTH_CHINA)
    assert count == await SurveillanceTask.all().count() > 30
    statuses = set(await SurveillanceTask.all().values_list("status", flat=True))
    assert statuses >= {"DRAFT", "ISSUED", "TEAM_ASSIGNED", "IN_PROGRESS", "EXCEPTION", "CANCELLED"}
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

    audits = await AuditEntry.all().count()
    assert await seed_demo_tasks(DEFAULT_NORTH_CHINA) == 0
    assert await AuditEntry.all().count() == audits
