"""Issue 12's "done when", on SQLite and PostgreSQL: a freshly migrated, empty database and the
example files imported with `surveil import` (no `seed --demo`) give a working registry: HQ's and
East's planners sign in and see the factories routed to them, and a routine task can be created
for an imported factory. The CLI's exit codes, reports and reruns are checked on the way."""

from __future__ import annotations

import shutil

import pytest

from server.cli import main
from store.models import Certificate, Factory, User
from tests.api.tasks_support import create, ok
from tests.databases import empty_database, reset_orm_caches
from tests.services.import_support import EXAMPLES

ORDER = [("units", "units.csv"), ("factories", "factories.csv"), ("factories", "factories-north.csv"),
         ("certificates", "certificates.xlsx"), ("people", "people.csv")]  # fmt: skip
# The bad rows of each example (examples/README.md): the report lists them, one line each.
BAD_ROWS = {"units.csv": 4, "factories.csv": 7, "factories-north.csv": 1, "certificates.xlsx": 6, "people.csv": 5}
COUNT = "query { factories(first: 1) { totalCount } }"


@pytest.fixture
def fresh_registry(worlds, tmp_path, monkeypatch, capsys):
    """An empty database migrated by `surveil migrate`, then the examples imported in order
    (copies in tmp_path, so their reports land there). Yields (url, {file: (exit, output)})."""
    with empty_database(worlds, tmp_path, "import") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["migrate"]) == 0
        results = {}
        for kind, file in ORDER:
            shutil.copy(EXAMPLES / file, tmp_path / file)
            code = main(["import", kind, str(tmp_path / file), "--quiet"])
            results[file] = (code, capsys.readouterr().out)
        reset_orm_caches()
        yield url, results


@pytest.fixture
def world_url(fresh_registry):
    return fresh_registry[0]


async def _total(api, login: str) -> int:
    return (await api.data(COUNT, as_user=login))["factories"]["totalCount"]


async def test_the_example_registry_works_without_the_demo_world(api, fresh_registry, tmp_path):
    _, results = fresh_registry
    for file, (code, out) in results.items():
        assert code == 1, (file, out)  # every example holds deliberately bad rows
        assert f"{BAD_ROWS[file]} bad" in out.splitlines()[-1], out
        report = next(tmp_path.glob(f"{file.rsplit('.', 1)[0]}.errors.*"))
        assert report.stat().st_size > 0
    assert not await User.exists(login="ent.E001")  # nothing of the demo world
    assert await Factory.all().count() == 360 and await Certificate.all().count() == 3200

    assert await _total(api, "hq.planner") == 360
    east = await Factory.filter(responsible_unit__code="east").count()
    assert 0 < east == await _total(api, "east.planner") < 360
    assert await _total(api, "agency.de.inspector") == await Factory.filter(country="DE").count() > 0

    task = ok(await create(api, "F0001", as_user="east.planner"))
    assert (task["factory"]["code"], task["responsibleUnit"]["code"], task["status"]) == ("F0001", "east", "DRAFT")
    assert len(task["certificates"]) == 10


def test_a_rerun_of_the_examples_changes_nothing(fresh_registry, tmp_path, monkeypatch, capsys):
    url, _ = fresh_registry
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["audit", "verify"]) == 0
    before = capsys.readouterr().out
    for kind, file in ORDER:
        assert main(["import", kind, str(tmp_path / file), "--quiet"]) == 1
        assert capsys.readouterr().out.splitlines()[-1].startswith("nothing to change.")
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == before  # the same number of records, intact


def test_a_dry_run_and_all_or_nothing_from_the_command_line(fresh_registry, tmp_path, monkeypatch, capsys):
    url, _ = fresh_registry
    monkeypatch.setenv("DATABASE_URL", url)
    rows = "code,name,address,country,province,class\nF7777,New Works,1 Rd,CN,Jiangsu,A\nF7778,Bad,2 Rd,CN,Mars,A\n"
    path = tmp_path / "new.csv"
    path.write_text(rows, encoding="utf-8")
    for flag in ("--dry-run", "--all-or-nothing"):
        assert main(["import", "factories", str(path), flag]) == 1
        out = capsys.readouterr().out
        assert "row 3, province ('Mars')" in out and ("dry run" in out or "nothing imported" in out)
    assert main(["import", "factories", str(path), "--report", str(tmp_path / "r.csv")]) == 1
    assert "imported factories" in capsys.readouterr().out and (tmp_path / "r.csv").exists()
    assert main(["import", "factories", str(tmp_path / "missing.csv")]) == 2
    path.write_bytes(b"\x00\x01")
    assert main(["import", "factories", str(path)]) == 2
    assert "not a text file" in capsys.readouterr().err
    assert main(["audit", "verify"]) == 0
