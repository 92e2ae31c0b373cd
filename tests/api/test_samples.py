"""Samples and their chain of custody through GraphQL (issue 4, first slice)."""

import dataclasses

import pytest

from domain.custody import add_working_days
from server.settings import Settings
from services import clock
from services.calendar import default_calendar
from store.models import AuditEntry
from tests.api.sampling_support import (
    DETAILS,
    RECORD,
    REPORT,
    _sample_under_test,
    _sampling_task_in_progress,
    step,
)
from tests.api.tasks_support import assign, create, issue, ok, start
from tests.client import error_codes

SAMPLES = "{ samples(first: 10) { totalCount nodes { identifier status } } }"


async def test_custody_from_seal_to_testing(api):
    task = await _sampling_task_in_progress(api)
    body = {
        "taskId": task["id"],
        "identifier": "S-2026-0001",
        "sealNumber": "F-778812",
        "quantity": 3,
        "place": "Finished goods store",
    }
    denied = await api.run(RECORD, {"i": body}, as_user="east.inspector2")  # not on the team
    assert error_codes(denied) == ["FORBIDDEN"]
    sample = (await api.data(RECORD, {"i": body}, as_user="east.inspector1"))["recordSample"]["sample"]
    assert (sample["status"], sample["lab"], sample["takenBy"]) == ("SEALED", None, "east.inspector1")
    assert (await api.data(SAMPLES, as_user="lab.east2"))["samples"]["totalCount"] == 0  # not sent yet

    audits = await AuditEntry.all().count()
    shipped = (
        await api.data(
            step("shipSample"),
            {
                "i": {
                    "sampleId": sample["id"],
                    "expectedVersion": 1,
                    "carrier": "SF Express",
                    "trackingNumber": "SF1234567",
                }
            },
            as_user="east.inspector1",
        )
    )["shipSample"]
    assert shipped["sample"]["status"] == "SHIPPED" and shipped["sample"]["lab"] == {"code": "east-lab-2"}
    assert (await api.data(SAMPLES, as_user="lab.east2"))["samples"]["totalCount"] == 1
    assert (await api.data(SAMPLES, as_user="lab.east1"))["samples"]["totalCount"] == 0

    early = (
        await api.data(
            step("startSampleTesting"), {"i": {"sampleId": sample["id"], "expectedVersion": 2}}, as_user="lab.east2"
        )
    )["startSampleTesting"]
    assert [e["code"] for e in early["userErrors"]] == ["TRANSITION_NOT_ALLOWED"]  # cannot skip receipt
    assert error_codes(
        await api.run(
            step("receiveSample"),
            {"i": {"sampleId": sample["id"], "expectedVersion": 2, "condition": "ok"}},
            as_user="east.inspector1",
        )
    ) == ["FORBIDDEN"]
    other_lab = (
        await api.data(
            step("receiveSample"),
            {"i": {"sampleId": sample["id"], "expectedVersion": 2, "condition": "ok"}},
            as_user="lab.east1",
        )
    )["receiveSample"]
    assert [e["code"] for e in other_lab["userErrors"]] == ["NOT_FOUND"]

    received = (
        await api.data(
            step("receiveSample"),
            {"i": {"sampleId": sample["id"], "expectedVersion": 2, "condition": "Seal intact"}},
            as_user="lab.east2",
        )
    )["receiveSample"]["sample"]
    assert received["status"] == "RECEIVED" and received["reportDueOn"] and received["overdue"] is False
    testing = (
        await api.data(
            step("startSampleTesting"), {"i": {"sampleId": sample["id"], "expectedVersion": 3}}, as_user="lab.east2"
        )
    )["startSampleTesting"]["sample"]
    assert testing["status"] == "TESTING"
    stale = (
        await api.data(
            step("startSampleTesting"), {"i": {"sampleId": sample["id"], "expectedVersion": 3}}, as_user="lab.east2"
        )
    )["startSampleTesting"]
    assert [e["code"] for e in stale["userErrors"]] == ["STALE_VERSION"]
    assert await AuditEntry.all().count() == audits + 3


async def test_samples_need_details_and_a_running_task(api):
    task = ok(
        await issue(api, ok(await create(api, "E002", "SAMPLING", as_user="east.planner")), as_user="east.planner")
    )
    task = ok(
        await start(
            api, ok(await assign(api, task, "east.inspector1", as_user="east.planner")), as_user="east.inspector1"
        )
    )
    body = {"taskId": task["id"], "identifier": "S-X", "sealNumber": "1", "quantity": 1, "place": "x"}
    payload = (await api.data(RECORD, {"i": body}, as_user="east.inspector1"))["recordSample"]
    assert [e["code"] for e in payload["userErrors"]] == ["CONFLICT"]  # no sampling details yet
    not_sampling = ok(await create(api, "E003", as_user="east.planner"))
    details = {
        "taskId": not_sampling["id"],
        "expectedVersion": 1,
        "site": "MARKET",
        "method": "PURCHASE",
        "productCategory": "C01",
        "quantity": 1,
        "labCode": "east-lab-1",
    }
    assert [
        e["code"]
        for e in (await api.data(DETAILS, {"i": details}, as_user="east.planner"))["setSamplingDetails"]["userErrors"]
    ] == ["CONFLICT"]


async def test_other_units_see_no_samples(api):
    task = await _sampling_task_in_progress(api)
    body = {"taskId": task["id"], "identifier": "S-2026-0002", "sealNumber": "F-1", "quantity": 3, "place": "Store"}
    ok_payload = (await api.data(RECORD, {"i": body}, as_user="east.inspector1"))["recordSample"]
    assert ok_payload["userErrors"] == []
    for login in ("south.planner", "agency.de.inspector", "ent.E001", "lab.south1", "buyer.east"):
        assert (await api.data(SAMPLES, as_user=login))["samples"]["totalCount"] == 0, login
    assert (await api.data(SAMPLES, as_user="hq.auditor"))["samples"]["totalCount"] == 1


READ_REPORT = "{ samples(first: 5) { nodes { status report { passed markingNonconformity items { item passed } documentUrl } } } }"


async def test_lab_report_with_items_conclusion_marking_and_document(api):
    import json

    sample = await _sample_under_test(api)
    items = [{"item": "conductor resistance", "passed": True}, {"item": "marking durability", "passed": False}]
    inconsistent = (
        await api.data(
            REPORT,
            {"i": {"sampleId": sample["id"], "expectedVersion": 4, "items": items, "conclusionPassed": True}},
            as_user="lab.east2",
        )
    )["submitLabReport"]
    assert [(e["code"], e["field"]) for e in inconsistent["userErrors"]] == [("INVALID", ["input", "conclusionPassed"])]
    assert error_codes(
        await api.run(
            REPORT,
            {"i": {"sampleId": sample["id"], "expectedVersion": 4, "items": items, "conclusionPassed": False}},
            as_user="east.inspector1",
        )
    ) == ["FORBIDDEN"]

    pdf = b"%PDF-1.7 lab report"
    operations = {"query": REPORT, "variables": {"i": {"sampleId": sample["id"], "expectedVersion": 4, "items": items,
                  "conclusionPassed": False, "markingNonconformity": True, "file": None}}}  # fmt: skip
    response = await api.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.i.file"]})},
        files={"0": ("report.pdf", pdf, "application/pdf")},
        headers={"authorization": f"Bearer {await api.token('lab.east2')}"},
    )
    payload = response.json()["data"]["submitLabReport"]
    assert payload["userErrors"] == [] and payload["sample"]["status"] == "REPORTED"
    seen = (await api.data(READ_REPORT, as_user="east.reviewer"))["samples"]["nodes"][0]["report"]
    assert seen["passed"] is False and seen["markingNonconformity"] is True
    assert seen["items"] == items
    got = await api.http.get(
        seen["documentUrl"], headers={"authorization": f"Bearer {await api.token('east.reviewer')}"}
    )
    assert got.status_code == 200 and got.content == pdf
    again = (
        await api.data(
            REPORT,
            {"i": {"sampleId": sample["id"], "expectedVersion": 5, "items": items, "conclusionPassed": False}},
            as_user="lab.east2",
        )
    )["submitLabReport"]
    assert [e["code"] for e in again["userErrors"]] == ["TRANSITION_NOT_ALLOWED"]  # reported once


class TestConfiguredTurnaround:
    """SURVEIL_LAB_TURNAROUND_DAYS sets the lab's deadline (default 20 working days)."""

    @pytest.fixture
    def settings(self, world_url):
        return dataclasses.replace(Settings(), database_url=world_url, lab_turnaround_working_days=3)

    async def test_due_date_follows_the_setting(self, api):
        await _sample_under_test(api)
        node = (await api.data("{ samples(first: 1) { nodes { reportDueOn overdue } } }", as_user="lab.east2"))[
            "samples"
        ]["nodes"][0]
        due = add_working_days(clock.today(), 3, default_calendar().is_workday)
        assert node == {"reportDueOn": due.isoformat(), "overdue": False}
