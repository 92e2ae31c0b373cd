"""A sampling task whose sample is still at the lab: its result, review and decision wait for
the lab's report, and once the record is archived it takes no late report.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

from schema.relay import from_global_id
from store.models import Document
from tests.api.archive_support import (
    ARCHIVE,
    attach,
    documents_in_tmp_settings,  # noqa: F401
)
from tests.api.results_support import codes, decide, review, submit
from tests.api.sampling_support import _sample_under_test
from tests.api.tasks_support import get

LAB_REPORT = """mutation($i: SubmitLabReportInput!) { submitLabReport(input: $i) {
  sample { status } userErrors { field code } } }"""


async def _decided_with_sample_at_lab(api):
    """E001's sampling task: result, review and decision while its sample is still under test.
    Returns (task, sample), or None once some step refuses to go on without the lab's report."""
    sample = await _sample_under_test(api, "E001")
    task = (await api.data("{ tasks(first: 5, filter: {status: IN_PROGRESS}) { nodes { id version } } }",
                           as_user="east.inspector1"))["tasks"]["nodes"][0]  # fmt: skip
    task = await get(api, task["id"], as_user="east.planner")
    for step in (lambda t: submit(api, t), lambda t: review(api, t), lambda t: decide(api, t, "MAINTAIN")):
        payload = await step(task)
        if payload["userErrors"]:
            return None
        task = payload["task"]
    return task, sample


async def test_no_decision_while_the_sample_is_still_at_the_lab(api):
    # Regression (fixed in cd0b10e): nothing in submit/review/decide looks at the task's samples: a sampling
    # task is maintained while its sample is still under test, and the failing report that arrives next changes
    # nothing (facts.lab_findings only sees reports already in).
    assert await _decided_with_sample_at_lab(api) is None


async def test_an_archived_record_takes_no_lab_report(api):
    # Regression (fixed in cd0b10e): services/samples.py submit_report never looks at the task's status: the
    # lab adds a report and its document to an ARCHIVED (read-only) record, changing the bundle afterwards.
    found = await _decided_with_sample_at_lab(api)
    if found is None:  # the decision waits for the lab: the record cannot be archived early
        return
    task, sample = found
    for form in ("SAMPLING_TEST_REPORT", "SAMPLING_NOTICE"):
        last = await attach(api, task["id"], form)
    body = {"taskId": task["id"], "expectedVersion": last["task"]["version"]}
    assert (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]["userErrors"] == []
    documents = await Document.filter(task_id=from_global_id(task["id"])[1]).count()
    report = {"sampleId": sample["id"], "expectedVersion": 4, "items": [{"item": "marking", "passed": False}],
              "conclusionPassed": False}  # fmt: skip
    late = (await api.data(LAB_REPORT, {"i": report}, as_user="lab.east2"))["submitLabReport"]
    assert codes(late) == ["CONFLICT"], late
    assert await Document.filter(task_id=from_global_id(task["id"])[1]).count() == documents
