"""Every calendar date the rules use is the certification body's (SURVEIL_TIME_ZONE, China's by
default), not UTC's; timestamps stay stored in UTC. The stored instants are set in the database,
as the production code receives them (time cannot be moved through the API)."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.custody import report_due
from schema.relay import from_global_id
from server.settings import Settings
from services import clock
from services.calendar import default_calendar
from services.certificate_expiry import expire_due
from store.models import Certificate, CertificateStatusChange, InspectionResult, LabReport, Sample
from tests.api.archive_support import STATS
from tests.api.sampling_support import REPORT, _sample_under_test, carried_out
from tests.api.tasks_support import create, issue, ok

BEIJING = ZoneInfo("Asia/Shanghai")
DUE = "{ samples(first: 5) { nodes { reportDueOn } } }"
RELOCATION_CHILDREN = "query($id: ID!) { node(id: $id) { ... on Task { children { kind } } } }"
CERTS = """query($f: CertificateFilter) { certificates(first: 100, filter: $f) {
  nodes { number status statusHistory { fromStatus toStatus actor at } } } }"""


@pytest.mark.parametrize(
    ("received_at", "received_on"),
    [
        pytest.param(datetime(2026, 12, 31, 20, tzinfo=UTC), date(2027, 1, 1), id="new-year-in-beijing"),
        # Both days are working days of a year whose official calendar is known: the dates must differ.
        pytest.param(datetime(2026, 12, 29, 20, tzinfo=UTC), date(2026, 12, 30), id="wednesday-in-beijing"),
    ],
)
async def test_the_lab_deadline_counts_from_the_day_of_receipt_in_china(api, received_at, received_on):
    sample = await _sample_under_test(api)
    await Sample.filter(id=from_global_id(sample["id"])[1]).update(received_at=received_at)
    [node] = (await api.data(DUE, as_user="lab.east2"))["samples"]["nodes"]
    assert node["reportDueOn"] == report_due(received_on, 20, default_calendar().is_workday).isoformat()


@pytest.mark.parametrize(
    ("reported_at", "in_october"),
    [
        pytest.param(datetime(2025, 9, 30, 17, tzinfo=UTC), True, id="01:00-oct-1-in-beijing"),
        pytest.param(datetime(2025, 10, 31, 17, tzinfo=UTC), False, id="01:00-nov-1-in-beijing"),
    ],
)
async def test_a_monitoring_period_runs_from_midnight_to_midnight_in_china(api, reported_at, in_october):
    sample = await _sample_under_test(api)
    sample_id = from_global_id(sample["id"])[1]
    await Sample.filter(id=sample_id).update(received_at=datetime(2025, 9, 29, 1, tzinfo=UTC))
    body = {"sampleId": sample["id"], "expectedVersion": 4, "items": [{"item": "marking", "passed": True}],
            "conclusionPassed": True}  # fmt: skip
    assert (await api.data(REPORT, {"i": body}, as_user="lab.east2"))["submitLabReport"]["userErrors"] == []
    await Sample.filter(id=sample_id).update(reported_at=reported_at)
    await LabReport.filter(sample_id=sample_id).update(reported_at=reported_at)
    october = {"unit": "east", "from": "2025-10-01", "to": "2025-10-31"}
    seen = (await api.data(STATS, october, as_user="east.reviewer"))["monitoring"]["labTurnaround"]
    assert [(t["lab"], t["reports"]) for t in seen] == ([("east-lab-2", 1)] if in_october else [])


async def _relocation_after_a_sampling_submitted_at(api, submitted_at: datetime) -> list[dict]:
    """E006's sampling (a sample taken), its results first submitted at `submitted_at`; then a relocation
    with sampling."""
    task_id = await carried_out(api, "E006", year=submitted_at.astimezone(BEIJING).year)
    await InspectionResult.filter(task_id=task_id).update(submitted_at=submitted_at)
    relocation = ok(await create(api, "E006", "RELOCATION", as_user="east.planner", withSampling=True))
    task = ok(await issue(api, relocation, as_user="east.planner"))
    return (await api.data(RELOCATION_CHILDREN, {"id": task["id"]}, as_user="east.planner"))["node"]["children"]


@pytest.mark.parametrize(
    ("since_new_year", "sampled_this_year"),
    [
        pytest.param(timedelta(hours=1), True, id="01:00-jan-1-in-beijing"),  # e.g. 2025-12-31T17:00Z for 2026
        pytest.param(-timedelta(minutes=1), False, id="23:59-dec-31-in-beijing"),
    ],
)
async def test_relocation_judges_this_year_by_the_year_in_china(api, since_new_year, sampled_this_year):
    new_year = datetime(datetime.now(BEIJING).year, 1, 1, tzinfo=BEIJING)
    children = await _relocation_after_a_sampling_submitted_at(api, (new_year + since_new_year).astimezone(UTC))
    assert children == ([] if sampled_this_year else [{"kind": "SAMPLING"}])


def _zone_apart_from_utc() -> str:
    """A zone whose date is not UTC's right now: 14 hours ahead from 10:00Z on (as Beijing is
    ahead from 16:00Z on), 12 hours behind until 12:00Z."""
    return "Pacific/Kiritimati" if datetime.now(UTC).hour >= 11 else "Etc/GMT+12"


class TestExpiryByTheServiceDate:
    """A certificate is valid through its expiresOn in the service's time zone. The zone is
    chosen so that its date differs from UTC's whenever the test runs."""

    @pytest.fixture
    def settings(self, world_url):
        return dataclasses.replace(Settings(), database_url=world_url, time_zone=_zone_apart_from_utc())

    @pytest.fixture(autouse=True)
    def _default_zone_afterwards(self):
        yield
        clock.use_time_zone(clock.DEFAULT_TIME_ZONE)

    async def test_a_certificate_past_its_date_in_the_service_zone_expires_and_one_still_in_it_does_not(
        self, api, settings
    ):
        zone = ZoneInfo(settings.time_zone)
        today = datetime.now(zone).date()
        assert today != datetime.now(UTC).date()  # otherwise the test could not tell the two apart
        ended, running = await Certificate.filter(factory__code="E002", status="VALID").order_by("id").limit(2)
        await Certificate.filter(id=ended.id).update(expires_on=today - timedelta(days=1))
        await Certificate.filter(id=running.id).update(expires_on=today)

        async def statuses(**flt) -> dict[str, str]:
            nodes = (await api.data(CERTS, {"f": flt}, as_user="hq.auditor"))["certificates"]["nodes"]
            return {c["number"]: c["status"] for c in nodes if c["number"] in (ended.number, running.number)}

        assert await statuses(search=ended.number) == {ended.number: "EXPIRED"}
        assert await statuses(search=running.number) == {running.number: "VALID"}
        assert set(await statuses(status="EXPIRED")) == {ended.number}
        assert set(await statuses(status="VALID")) == {running.number}

        assert await expire_due() == [ended.number]  # the sweep (start-up, hourly, `surveil certificates expire`)
        nodes = (await api.data(CERTS, {"f": {"search": ended.number}}, as_user="hq.auditor"))["certificates"]["nodes"]
        last = nodes[0]["statusHistory"][-1]
        assert (last["fromStatus"], last["toStatus"], last["actor"]) == ("VALID", "EXPIRED", "system")
        # Dated when validity ended: midnight in the service's zone, not midnight UTC.
        assert datetime.fromisoformat(last["at"]) == datetime.combine(today, time(), zone)
        assert not await CertificateStatusChange.filter(certificate_id=running.id, to_status="EXPIRED").exists()
