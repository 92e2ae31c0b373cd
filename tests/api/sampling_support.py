"""Samplings as they happen through the endpoint: carried out (samples sealed on site or bought,
then the results), or not (refused, nothing taken), for the rules that ask whether a factory
was sampled; and a sample's custody steps up to the lab's testing."""

from schema.relay import from_global_id
from tests.api.purchase_support import assign_buyer, purchase_input, purchase_task, record
from tests.api.results_support import submit
from tests.api.tasks_support import act, assign, create, get, issue, ok, start

DETAILS = """mutation($i: SamplingDetailsInput!) { setSamplingDetails(input: $i) { task { id version } userErrors { field code } } }"""
SAMPLE_FIELDS = "sample { id status version lab { code } reportDueOn overdue takenBy } userErrors { field code }"
RECORD = f"mutation($i: RecordSampleInput!) {{ recordSample(input: $i) {{ {SAMPLE_FIELDS} }} }}"
REPORT = f"mutation($i: SubmitLabReportInput!) {{ submitLabReport(input: $i) {{ {SAMPLE_FIELDS} }} }}"


def step(name: str) -> str:
    return f"mutation($i: SampleStepInput!) {{ {name}(input: $i) {{ {SAMPLE_FIELDS} }} }}"


async def _sampling_task_in_progress(api, code="E001", window=("2026-12-01", "2026-12-03")):
    task = ok(
        await issue(
            api, ok(await create(api, code, "SAMPLING", as_user="east.planner", window=window)), as_user="east.planner"
        )
    )
    details = {"taskId": task["id"], "expectedVersion": task["version"], "site": "FACTORY", "method": "SAMPLING",
               "productCategory": "C01", "quantity": 3, "labCode": "south-lab-1"}  # fmt: skip
    wrong = (await api.data(DETAILS, {"i": details}, as_user="east.planner"))["setSamplingDetails"]
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID"]  # not a lab of the region
    done = (await api.data(DETAILS, {"i": {**details, "labCode": "east-lab-2"}}, as_user="east.planner"))[
        "setSamplingDetails"
    ]
    assert done["userErrors"] == []
    task = ok(
        await assign(api, {**task, "version": done["task"]["version"]}, "east.inspector1", as_user="east.planner")
    )
    return ok(await start(api, task, as_user="east.inspector1"))


async def _sample_under_test(api, code="E001", window=("2026-12-01", "2026-12-03")):
    task = await _sampling_task_in_progress(api, code, window)
    body = {"taskId": task["id"], "identifier": "S-2026-0100", "sealNumber": "F-9", "quantity": 3, "place": "Store"}
    sample = (await api.data(RECORD, {"i": body}, as_user="east.inspector1"))["recordSample"]["sample"]
    await api.data(
        step("shipSample"),
        {"i": {"sampleId": sample["id"], "expectedVersion": 1, "carrier": "EMS", "trackingNumber": "E1"}},
        as_user="east.inspector1",
    )
    await api.data(
        step("receiveSample"),
        {"i": {"sampleId": sample["id"], "expectedVersion": 2, "condition": "intact"}},
        as_user="lab.east2",
    )
    await api.data(
        step("startSampleTesting"), {"i": {"sampleId": sample["id"], "expectedVersion": 3}}, as_user="lab.east2"
    )
    return sample


async def carried_out(api, code: str, kind: str = "SAMPLING", *, year: int, samples: int = 1,
                      submitted: bool = True, **extra) -> int:  # fmt: skip
    """A task of `code` that samples (a sampling task, or an inspection with sampling) run by East's
    team for plan year `year`: `samples` samples sealed on site, then (if `submitted`) its results.
    Returns the task's database id."""
    window, due = (f"{year}-01-05", f"{year}-01-06"), f"{year}-01-20"
    task = ok(await issue(api, ok(await create(api, code, kind, as_user="east.planner", window=window, dueOn=due,
                                               **extra)), as_user="east.planner"))  # fmt: skip
    details = {"taskId": task["id"], "expectedVersion": task["version"], "site": "FACTORY", "method": "SAMPLING",
               "productCategory": "C01", "quantity": 1, "labCode": "east-lab-2"}  # fmt: skip
    done = (await api.data(DETAILS, {"i": details}, as_user="east.planner"))["setSamplingDetails"]
    assert done["userErrors"] == [], done
    task = ok(
        await assign(api, {**task, "version": done["task"]["version"]}, "east.inspector1", as_user="east.planner")
    )
    task = ok(await start(api, task, as_user="east.inspector1"))
    task_id = from_global_id(task["id"])[1]
    for n in range(samples):
        body = {"taskId": task["id"], "identifier": f"R-{task_id}-{n}", "sealNumber": f"F-{n}", "quantity": 1,
                "place": "Finished goods store"}  # fmt: skip
        assert (await api.data(RECORD, {"i": body}, as_user="east.inspector1"))["recordSample"]["userErrors"] == []
    if submitted:
        ok(await submit(api, await get(api, task["id"], as_user="east.planner")))
    return task_id


async def refused_with_sampling(api, code: str) -> None:
    """An unannounced inspection with sampling the factory refused: a fail, and no sample ever taken."""
    task = ok(await create(api, code, "ROUTINE_UNANNOUNCED", as_user="east.planner", withSampling=True))
    task = ok(await assign(api, ok(await issue(api, task, as_user="east.planner")), "east.inspector1",
                           as_user="east.planner"))  # fmt: skip
    task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user="east.inspector1",
                        reason="REFUSED_INSPECTION", details="Entry refused at the gate"))  # fmt: skip
    ok(await submit(api, task, "FAIL", summary="The factory refused the unannounced inspection"))


async def bought(api, code: str) -> None:
    """A market purchase: two samples bought, then the planner submits the result."""
    task = await purchase_task(api, code)
    assignment = (await assign_buyer(api, task))["assignment"]
    assert (await record(api, purchase_input(assignment["id"], "reloc-1")))["data"]["recordPurchase"][
        "userErrors"
    ] == []
    task = await get(api, task["id"], as_user="east.planner")
    ok(await submit(api, task, as_user="east.planner"))
