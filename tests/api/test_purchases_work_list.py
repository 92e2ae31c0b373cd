"""The buyer's work list: cancelling the task closes the open work, and the list (and the
assignments by node) load in a constant number of queries.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

from store.models import PurchaseAssignment
from tests.api.purchase_support import (
    WORK,
    _bought,
    _db_id,
    assign_buyer,
    purchase_settings,  # noqa: F401
    purchase_task,
)
from tests.api.tasks_support import act, get


async def test_cancelling_the_task_closes_the_buyers_open_work(api):
    # Regression: services/tasks/lifecycle.cancel_task (and handleTaskException CANCEL/RESCHEDULE)
    # leave the PurchaseAssignment ASSIGNED: the buyer's app keeps listing work for a
    # cancelled task that can no longer take a purchase, a problem report, or a completion.
    task = await purchase_task(api)
    assignment = (await assign_buyer(api, task))["assignment"]
    task = await get(api, task["id"], as_user="east.planner")
    cancelled = await act(api, "cancelTask", "TaskActionInput", task, as_user="east.planner", reason="not needed")
    assert cancelled["userErrors"] == [] and cancelled["task"]["status"] == "CANCELLED"
    open_work = await api.data(WORK, {"status": "ASSIGNED"}, as_user="buyer.east")
    assert open_work["purchaseAssignments"]["nodes"] == [], "cancelled task still listed as open work"
    assert (await PurchaseAssignment.get(id=_db_id(assignment["id"]))).status != "ASSIGNED"


def _work_statements(counter) -> int:
    """SQL sent for the request itself (the policy cache's periodic revision check aside)."""
    return len([s for s in counter.statements if "policy" not in s.lower()])


async def test_purchase_assignments_load_in_constant_queries(api):
    async def statements(login: str) -> tuple[int, int]:
        with api.count_queries() as counter:
            work = await api.data(WORK, as_user=login)
        return work["purchaseAssignments"]["totalCount"], _work_statements(counter)

    await _bought(api, "E001")
    one = {login: await statements(login) for login in ("buyer.east", "east.planner")}
    for code in ("E002", "E003", "E004"):
        await _bought(api, code)
    four = {login: await statements(login) for login in ("buyer.east", "east.planner")}
    for login in one:
        assert (one[login][0], four[login][0]) == (1, 4)
        assert one[login][1] == four[login][1], (login, one[login], four[login])
    assert one["buyer.east"][1] <= 20
    ids = [a["id"] for a in (await api.data(WORK, as_user="buyer.east"))["purchaseAssignments"]["nodes"]]
    by_nodes = []
    for some in (ids[:1], ids):
        with api.count_queries() as counter:
            nodes = await api.data(
                "query($ids: [ID!]!) { nodes(ids: $ids) { ... on PurchaseAssignment { id purchases { id } } } }",
                {"ids": some},
                as_user="buyer.east",
            )
        assert len(nodes["nodes"]) == len(some)
        by_nodes.append(_work_statements(counter))
    assert by_nodes[0] == by_nodes[1], by_nodes
