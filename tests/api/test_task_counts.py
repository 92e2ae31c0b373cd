"""The unfiltered task list's `totalCount` comes from counts kept by triggers (migration 0038):
through the API's own writes, for every kind of viewer, it equals the tasks the list shows, and
an enterprise counts an unannounced task only from its start, as it sees it."""

from tests.api.tasks_support import assign, create, issue, ok, start

LIST = "{ tasks(first: 100) { totalCount nodes { id } } }"
VIEWERS = ("hq.planner", "east.planner", "south.planner", "agency.de.inspector", "ent.E001", "ent.E003", "ent.S001")


async def _counted(api) -> dict[str, int]:
    counts = {}
    for login in VIEWERS:
        tasks = (await api.data(LIST, as_user=login))["tasks"]
        assert tasks["totalCount"] == len(tasks["nodes"]), login
        counts[login] = tasks["totalCount"]
    return counts


async def test_every_viewer_counts_the_tasks_it_is_shown(api):
    before = await _counted(api)
    ok(await issue(api, ok(await create(api, "E001", as_user="east.planner")), as_user="east.planner"))
    ok(await create(api, "S001", as_user="south.planner", window=("2026-12-04", "2026-12-05")))
    hidden = ok(
        await create(api, "E003", "ROUTINE_UNANNOUNCED", as_user="east.planner", window=("2026-12-06", "2026-12-07"))
    )
    hidden = ok(
        await assign(
            api, ok(await issue(api, hidden, as_user="east.planner")), "east.inspector1", as_user="east.planner"
        )
    )
    during = await _counted(api)
    assert during["hq.planner"] == before["hq.planner"] + 3
    assert during["east.planner"] == before["east.planner"] + 2
    assert during["ent.E001"] == before["ent.E001"] + 1  # told when issued
    assert during["ent.S001"] == before["ent.S001"]  # a draft: not yet told
    assert during["ent.E003"] == before["ent.E003"]  # unannounced, not started: unseen, uncounted

    ok(await start(api, hidden, as_user="east.inspector1"))
    after = await _counted(api)
    assert after["ent.E003"] == before["ent.E003"] + 1
