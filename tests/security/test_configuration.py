"""Settings as an operator meets them: the installed `surveil` command in a folder of its own, the
environment over a .env file over the defaults, and a bad value refused in one line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.settings import DEV_SECRET, Settings, load_settings
from server.settings_source import read_settings

ROOT = Path(__file__).resolve().parents[2]  # this checkout's code, whichever one is installed as `surveil`


def surveil(args: list[str], cwd: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SURVEIL_", "SMTP_", "JWT"))}
    env.update(variables, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def setting_line(output: str, variable: str) -> str:
    return next(line for line in output.splitlines() if line.split()[:1] == [variable])


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"], ["token", "--user", "hq.admin"]])
def test_a_malformed_number_stops_every_command_in_one_line(command, tmp_path):
    result = surveil(command, tmp_path, SURVEIL_MAX_DEPTH="twelve")
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"surveil {command[0]}: SURVEIL_MAX_DEPTH='twelve': Input should be a valid integer, "
        "unable to parse string as an integer"
    ]
    assert list(tmp_path.iterdir()) == []  # refused before anything was opened or created


def test_an_unknown_environment_is_refused_naming_the_known_ones(tmp_path):
    result = surveil(["serve"], tmp_path, SURVEIL_ENV="staging")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "SURVEIL_ENV='staging'" in result.stderr
    assert "'development', 'test' or 'production'" in result.stderr


def test_config_check_shows_values_their_sources_and_masks_secrets(tmp_path):
    env_file = tmp_path / "surveil.env"
    env_file.write_text(
        "# a comment\nSURVEIL_MAX_DEPTH=7\nSMTP_PASSWORD=hunter2-smtp\nSURVEIL_CORS_ORIGINS=https://App.example.org/\n"
        "SMTP_HOST=mail.from-file.example\nPOSTGRES_PASSWORD=for-compose-not-us\n",
        encoding="utf-8",
    )
    result = surveil(
        ["config", "check"],
        tmp_path,
        SURVEIL_ENV_FILE=str(env_file),
        SMTP_HOST="mail.from-env.example",  # the environment wins over the file
        JWT_SECRET="a-real-secret-that-must-not-show",
        DATABASE_URL="postgres://surveil:db-pass-word@db.example:5432/surveil",
    )
    assert result.returncode == 0, result
    out = result.stdout
    for secret in ("hunter2-smtp", "a-real-secret-that-must-not-show", "db-pass-word", DEV_SECRET):
        assert secret not in out + result.stderr
    assert f".env file: {env_file}" in out
    assert setting_line(out, "SURVEIL_MAX_DEPTH").split()[1:] == ["7", f"[{env_file}]"]
    assert setting_line(out, "SMTP_HOST").split()[1:] == ["mail.from-env.example", "[environment]"]
    assert setting_line(out, "SMTP_PASSWORD").split()[1:] == ["****", f"[{env_file}]"]
    assert setting_line(out, "JWT_SECRET").split()[1:] == ["****", "[environment]"]
    assert setting_line(out, "DATABASE_URL").split()[1:] == [
        "postgres://surveil:***@db.example:5432/surveil",
        "[environment]",
    ]
    assert setting_line(out, "SURVEIL_CORS_ORIGINS").split()[1:] == ["https://app.example.org", f"[{env_file}]"]
    assert setting_line(out, "SURVEIL_MAX_COST").split()[1:] == ["20000", "[default]"]
    assert out.rstrip().endswith("settings valid")


def test_a_dot_env_in_the_current_folder_is_read_by_default(tmp_path):
    (tmp_path / ".env").write_text("SURVEIL_LOG_LEVEL=debug\n", encoding="utf-8")
    result = surveil(["config", "check"], tmp_path)
    assert result.returncode == 0, result
    assert setting_line(result.stdout, "SURVEIL_LOG_LEVEL").split()[1:] == ["DEBUG", "[.env]"]


def test_config_check_lists_every_problem_and_exits_non_zero(tmp_path):
    bad = surveil(
        ["config", "check"], tmp_path, SURVEIL_MAX_DEPTH="twelve", SMTP_PORT="99999", SURVEIL_GRAPHIQL="maybe"
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "settings invalid (3 problems)" in bad.stderr
    assert "SURVEIL_MAX_DEPTH='twelve'" in bad.stderr and "SMTP_PORT='99999'" in bad.stderr
    assert "SURVEIL_GRAPHIQL='maybe'" in bad.stderr
    production = surveil(["config", "check"], tmp_path, SURVEIL_ENV="production")
    assert production.returncode == 1
    assert setting_line(production.stdout, "SURVEIL_GRAPHIQL").split()[1:] == ["off", "[production", "default]"]
    assert "production with RS256 needs" in production.stderr
    missing = surveil(["config", "check"], tmp_path, SURVEIL_ENV_FILE=str(tmp_path / "nope.env"))
    assert missing.returncode == 1 and "SURVEIL_ENV_FILE: " in missing.stderr and "does not exist" in missing.stderr


def test_values_are_typed_and_empty_variables_keep_the_default(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SURVEIL_MAX_DEPTH", "")
    monkeypatch.setenv("SURVEIL_TRUSTED_PROXIES", " 10.0.0.0/8, 127.0.0.1 ,")
    monkeypatch.setenv("SURVEIL_CORS_ORIGINS", "https://a.example.org,http://localhost:5173")
    monkeypatch.setenv("SURVEIL_NOTICE_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("SMTP_STARTTLS", "yes")
    settings = load_settings()
    assert settings.max_depth == Settings().max_depth == 12
    assert settings.trusted_proxies == ("10.0.0.0/8", "127.0.0.1")
    assert settings.cors_origins == ("https://a.example.org", "http://localhost:5173")
    assert (settings.notice_timeout_seconds, settings.smtp_starttls) == (2.5, True)
    monkeypatch.setenv("SURVEIL_MAX_UPLOAD_BYTES", "0")
    with pytest.raises(RuntimeError, match="SURVEIL_MAX_UPLOAD_BYTES='0': Input should be greater than or equal to 1"):
        load_settings()
    monkeypatch.delenv("SURVEIL_MAX_UPLOAD_BYTES")
    monkeypatch.setenv("SURVEIL_CORS_ORIGINS", "https://a.example.org/app")
    with pytest.raises(RuntimeError, match=r"SURVEIL_CORS_ORIGINS.*not an origin"):
        load_settings()


def test_production_defaults_apply_unless_a_variable_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SURVEIL_ENV", "production")
    monkeypatch.setenv("SURVEIL_GRAPHIQL", "on")
    loaded = read_settings()
    assert (loaded.settings.graphiql, loaded.sources["graphiql"]) == (True, "environment")
    assert (loaded.settings.introspection, loaded.sources["introspection"]) == (False, "production default")
    assert (loaded.settings.jwt_algorithm, loaded.settings.jwt_secret) == ("RS256", "")
    monkeypatch.setenv("SURVEIL_ENV", "test")
    assert read_settings().settings.jwt_secret == DEV_SECRET


ODD_PASSWORD = "p@ss/w:rd#?%20&[x] 密码"


def test_a_database_password_of_any_characters_reaches_the_driver_intact(monkeypatch, tmp_path):
    from tortoise.backends.base.config_generator import expand_db_url

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgres://surveil@db:5432/surveil")
    monkeypatch.setenv("DATABASE_PASSWORD", ODD_PASSWORD)
    settings = load_settings()
    credentials = expand_db_url(settings.database_url)["credentials"]
    assert credentials["password"] == ODD_PASSWORD
    assert (credentials["user"], credentials["host"], credentials["port"], credentials["database"]) == (
        "surveil", "db", 5432, "surveil"
    )  # fmt: skip


@pytest.mark.parametrize(
    "url", ["sqlite://data/x.sqlite3", "postgres://surveil:Zq9inurl@db:5432/surveil"], ids=["sqlite", "two-passwords"]
)
def test_a_database_password_needs_a_postgres_url_without_one(monkeypatch, tmp_path, url):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_PASSWORD", "secret-value")
    with pytest.raises(RuntimeError, match=r"^DATABASE_PASSWORD: ") as refused:
        load_settings()
    assert "secret-value" not in str(refused.value) and "Zq9inurl" not in str(refused.value)


def test_config_check_masks_the_database_password(tmp_path):
    done = surveil(
        ["config", "check"], tmp_path, DATABASE_URL="postgres://surveil@db:5432/surveil", DATABASE_PASSWORD=ODD_PASSWORD
    )
    assert "p@ss" not in done.stdout + done.stderr and "%20" not in done.stdout + done.stderr
    assert "****" in setting_line(done.stdout, "DATABASE_PASSWORD")
