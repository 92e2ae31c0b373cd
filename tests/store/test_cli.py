"""The `surveil` command line on a demo world (SQLite)."""

import jwt
import pytest

from server.cli import main
from server.settings import DEV_SECRET


@pytest.fixture
def cli_db(sqlite_worlds, monkeypatch):
    url = sqlite_worlds.fresh()
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    sqlite_worlds.dispose(url)


def test_token_audit_verify_and_idempotent_seed(cli_db, capsys):
    assert main(["token", "--user", "east.planner"]) == 0
    token = capsys.readouterr().out.strip()
    claims = jwt.decode(token, DEV_SECRET, algorithms=["HS256"], audience="surveil-api")
    assert claims["login"] == "east.planner" and claims["sub"].startswith("user:")

    assert main(["token", "--user", "nobody"]) == 1

    assert main(["seed", "--demo"]) == 0  # the test world has no tasks yet: they are added
    assert "tasks" in capsys.readouterr().out
    assert main(["seed", "--demo"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert main(["audit", "verify"]) == 0
    assert "audit chain intact" in capsys.readouterr().out


def test_audit_verify_reports_the_broken_link(cli_db, capsys):
    import sqlite3

    path = cli_db.removeprefix("sqlite://")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET reason = 'forged' WHERE seq = 1")
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at seq 1" in capsys.readouterr().out


def test_certificates_expire_moves_those_past_their_date_once(cli_db, capsys):
    import sqlite3

    assert main(["certificates", "expire"]) == 0  # the seed already expired the demo's
    assert capsys.readouterr().out.startswith("0 certificate(s)")
    with sqlite3.connect(cli_db.removeprefix("sqlite://")) as conn:
        conn.execute("UPDATE certificate SET expires_on = '2026-01-01' WHERE number = '20220020001000'")
    assert main(["certificates", "expire"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 certificate(s) past their expiry date moved to EXPIRED (过期)",
        "20220020001000",
    ]
    assert main(["certificates", "expire"]) == 0
    assert capsys.readouterr().out.startswith("0 certificate(s)")
    assert main(["audit", "verify"]) == 0
