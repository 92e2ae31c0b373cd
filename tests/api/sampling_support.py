"""Samplings as they happen through the endpoint: carried out (samples sealed on site or bought,
then the results), or not (refused, nothing taken), for the rules that ask whether a factory
was sampled."""

from schema.relay import from_global_id
from tests.api.purchase_support import assign_buyer, purchase_input, purchase_task, record
from tests.api.results_support import submit
from tests.api.tasks_support import act, assign, create, get, issue, ok, start
from tests.api.test_samples import DETAILS
from tests.api.test_samples import RECORD as RECORD_SAMPLE


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
        assert (await api.data(RECORD_SAMPLE, {"i": body}, as_user="east.inspector1"))["recordSample"][
            "userErrors"
        ] == []
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
