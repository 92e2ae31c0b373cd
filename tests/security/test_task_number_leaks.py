"""An outside attack on task numbers (任务编号, docs/domain.md, Task numbers): what an
enterprise, any signed-in user and the operator's CLI can do with them. Each test here failed
when it was written, for a defect found through the endpoint, the CLI or the bundle file:

- a sub-task's number tells the enterprise that an unannounced part of its task is still to come;
- `taskByNumber` answers INTERNAL_SERVER_ERROR to any signed-in user for text that grows when
  upper-cased ("ß" → "SS"), though it stays within the 64 characters checked;
- `surveil archive export` dies with a traceback on an over-long id or a non-UTF-8 argument;
- `surveil archive verify` calls a bundle intact whose manifest names another task's number
  than its own audit trail does.

(That an enterprise reads its unit's yearly count off its own task's number was also found, and
accepted: docs/domain.md, Task numbers.)

What held (partial and exact look-ups scoped like `node`, LIKE wildcards, NUL and control
characters, concurrent creation and plans, rolled-back splits) is in the report, not here."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

from tests.api.archive_support import documents_in_tmp_settings  # noqa: F401  (the settings fixture)
from tests.api.tasks_support import assign, create, issue, ok, start
from tests.api.test_archive import _archived
from tests.client import error_codes

BY_NUMBER = "query($n: String!) { taskByNumber(number: $n) { id number } }"
NUMBERS = "{ tasks(first: 100) { nodes { number } } }"
NUMBER = "query($id: ID!) { node(id: $id) { ... on Task { id number version } } }"
SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) {
  task { number } children { id number kind } userErrors { code } } }"""


async def visible_numbers(api, login: str) -> set[str]:
    return {n["number"] for n in (await api.data(NUMBERS, as_user=login))["tasks"]["nodes"]}


async def test_a_sub_task_number_does_not_tell_the_enterprise_of_an_unannounced_part_still_to_come(api):
    """An unannounced routine task for E003 is split into the inspection and the sampling; the
    sampling team arrives first. The enterprise then sees the sampling part's number, which must
    say nothing of the part it may not see yet (it once read EAST-2026-0001-2: so a part -1
    existed and had not happened)."""
    task = ok(await create(api, "E003", "ROUTINE_UNANNOUNCED", as_user="east.planner"))
    task = ok(await issue(api, task, as_user="east.planner"))
    body = {"taskId": task["id"], "expectedVersion": task["version"], "reason": "Sampling team goes first",
            "parts": [{"kind": "ROUTINE_UNANNOUNCED"}, {"kind": "SAMPLING"}]}  # fmt: skip
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert split["userErrors"] == []
    inspection, sampling = split["children"]
    assert inspection["kind"] == "ROUTINE_UNANNOUNCED"
    number = sampling["number"]
    sampling = (await api.data(NUMBER, {"id": sampling["id"]}, as_user="east.planner"))["node"]
    sampling = ok(await assign(api, sampling, "east.inspector1", as_user="east.planner"))
    ok(await start(api, sampling, as_user="east.inspector1"))

    assert await visible_numbers(api, "ent.E003") == {number}
    hidden = await api.data(BY_NUMBER, {"n": inspection["number"]}, as_user="ent.E003")
    assert hidden["taskByNumber"] is None  # the unannounced inspection is not its to see yet
    assert re.fullmatch(r"EAST-2026-\d{4}", number), "a plain number: no place under a parent"
    assert not number.startswith(split["task"]["number"])


# Fewer than 64 characters as typed, more once upper-cased (the stored form is compared).
GROWING = ["ß" * 33, "ﬃ" * 22, "east-2026-0001" + "ŉ" * 26]


@pytest.mark.parametrize("text", GROWING, ids=["sharp-s", "ffi-ligature", "n-apostrophe"])
async def test_task_by_number_with_text_that_grows_when_upper_cased_is_not_a_server_error(api, text):
    """Low-medium: any signed-in user, the enterprise included, gets INTERNAL_SERVER_ERROR (and a
    logged traceback): the length is checked before upper-casing, then tortoise refuses a value
    longer than the column in the exact look-up. The partial search does not fail."""
    assert len(text) <= 64 < len(text.upper())
    ok(await create(api, "E001", as_user="east.planner"))
    for login in ("ent.E003", "hq.planner"):
        body = await api.run(BY_NUMBER, {"n": text}, as_user=login)
        assert "INTERNAL_SERVER_ERROR" not in error_codes(body), (login, body)
        assert body["data"]["taskByNumber"] is None
    searched = await api.run("query($f: TaskFilter) { tasks(first: 5, filter: $f) { totalCount } }",
                             {"f": {"number": text}}, as_user="hq.planner")  # fmt: skip
    assert "errors" not in searched


def _cli(world_url: str, settings, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": world_url, "SURVEIL_DOCUMENT_DIR": settings.document_dir}
    argv = [os.fsencode(a) if isinstance(a, str) else a for a in (sys.executable, "-m", "server.cli", *args)]
    return subprocess.run(argv, env=env, capture_output=True, check=False)


@pytest.mark.parametrize(
    "target",
    ["1" * 5000, b"EAST-2026-0001\xff"],
    ids=["5000-digit-id", "non-utf8-bytes"],
)
async def test_archive_export_with_a_weird_argument_says_no_task_without_a_traceback(api, settings, world_url, target):
    """Low (the CLI is trusted, but must not crash): all digits is taken as a database id and
    int() refuses more than 4300 digits (ValueError); an argument that is not UTF-8 reaches the
    database driver as a lone surrogate (UnicodeEncodeError on SQLite, OperationalError on
    PostgreSQL). Either way a traceback instead of "no task ..."."""
    ok(await create(api, "E001", as_user="east.planner"))
    done = _cli(world_url, settings, "archive", "export", target)
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-600:]
    assert done.returncode == 1 and b"no task" in done.stderr


async def test_bundle_verify_notices_a_manifest_relabelled_with_another_tasks_number(
    api, settings, world_url, tmp_path
):
    """Low. The number is the bundle's name on paper (task-<number>-<factory>.zip, the
    manifest's task.number) and the bundle's own audit trail records it (task.create's
    `after.number`). Relabel the manifest as EAST-2026-0099 and `surveil archive verify` still
    says "bundle intact", as it would not for a changed decision or file."""
    task = await _archived(api)
    headers = {"authorization": f"Bearer {await api.token('east.archivist')}"}
    original = (await api.http.get(f"/archive/{task['id']}.zip", headers=headers)).content
    relabelled = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(relabelled, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                trail_numbers = [r["after"]["number"] for r in manifest["auditTrail"] if r["action"] == "task.create"]
                assert trail_numbers == [manifest["task"]["number"]]  # the trail names the task
                manifest["task"]["number"] = "EAST-2026-0099"
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            dst.writestr(name, data)
    bundle = tmp_path / "task-EAST-2026-0099-E001.zip"
    bundle.write_bytes(relabelled.getvalue())
    original_path = tmp_path / "as-exported.zip"
    original_path.write_bytes(original)
    assert _cli(world_url, settings, "archive", "verify", str(original_path)).returncode == 0  # intact as exported
    done = _cli(world_url, settings, "archive", "verify", str(bundle), "--against-db")
    assert done.returncode == 1, done.stdout.decode()
