"""Attack on issue 15 (F), round 2: settings and commands an operator runs, /metrics labels,
schema governance, the compose files. Settings, config check, schema release and CORS origins: each test pinned a defect, now fixed."""

from __future__ import annotations

from contextlib import suppress

import httpx
import pytest

from server.schema_release import compare
from tests.security.test_configuration import setting_line, surveil

SQLITE = {"DATABASE_URL": "sqlite://db.sqlite3"}


REDIS_URLS = ["redis://cache:notaport/0", "redis://cache:99999/0", "redis://cache:6379/0?socket_timeout=abc"]


@pytest.mark.parametrize("command", [["config", "check"], ["serve", "--port", "0"]])
def test_a_refused_redis_url_never_prints_its_password(tmp_path, command):
    """A REDIS_URL refused for its scheme is echoed whole, password included, to stderr (and the log)."""
    result = surveil(command, tmp_path, **SQLITE, REDIS_URL="http://:redis-secret-77@cache:6379/0")
    assert result.returncode != 0
    assert "redis-secret-77" not in result.stdout + result.stderr, result.stderr


@pytest.mark.parametrize("command", [["config", "check"], ["serve", "--port", "0"]])
def test_an_env_file_that_is_not_utf8_is_one_line_not_a_traceback(tmp_path, command):
    """SURVEIL_ENV_FILE naming a Latin-1 (or binary) file dies with a UnicodeDecodeError traceback."""
    (tmp_path / "legacy.env").write_bytes(b"SMTP_FROM=caf\xe9@example.org\n")
    result = surveil(command, tmp_path, **SQLITE, SURVEIL_ENV_FILE="legacy.env")
    assert "Traceback" not in result.stderr, result.stderr[-300:]
    assert result.returncode in (1, 2) and "legacy.env" in result.stderr


@pytest.mark.parametrize("url", ["", "sqlite://:memory:", "mysql://u@db:3306/surveil", "postgres://u@db:notaport/x"])
def test_config_check_refuses_a_database_url_every_command_refuses(tmp_path, url):
    """`config check` says "settings valid" (exit 0) for a DATABASE_URL that serve/migrate refuse at once."""
    result = surveil(["config", "check"], tmp_path, DATABASE_URL=url)
    assert result.returncode == 1, setting_line(result.stdout, "DATABASE_URL")
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("url", REDIS_URLS)
def test_config_check_refuses_a_redis_url_the_server_cannot_use(tmp_path, url):
    """`config check` says "settings valid" for a REDIS_URL that redis-py refuses when the app is built."""
    result = surveil(["config", "check"], tmp_path, **SQLITE, REDIS_URL=url)
    assert result.returncode == 1 and "REDIS_URL" in result.stderr, setting_line(result.stdout, "REDIS_URL")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_serve_with_a_malformed_redis_url_stops_in_one_line(tmp_path, world_url):
    """`surveil serve` with REDIS_URL=redis://cache:notaport/0 dies with a ValueError traceback (exit 1)."""
    result = surveil(["serve", "--port", "0"], tmp_path, DATABASE_URL=world_url, REDIS_URL=REDIS_URLS[0])
    assert "Traceback" not in result.stderr, result.stderr[-300:]
    assert result.returncode == 2 and "REDIS_URL" in result.stderr


def test_an_input_field_default_change_needs_an_approval():
    """A changed argument default must be approved, but the same change on an input field (or its default
    removed) is only a warning: a client leaving the field out silently gets another answer."""
    released = 'type Query { count(filter: Filter): Int }\ninput Filter { days: Int = 30 kind: String = "all" }\n'
    current = "type Query { count(filter: Filter): Int }\ninput Filter { days: Int = 3000 kind: String }\n"
    result = compare(released, current)
    assert len(result.unapproved) == 2, result


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_non_ascii_metrics_token_can_be_sent(settings):
    """A SURVEIL_METRICS_TOKEN with a non-ASCII character is compared as UTF-8 with a header Starlette
    decodes as Latin-1: no scraper can ever match it, while `config check` calls the settings valid."""
    import dataclasses

    from server.app import create_app

    token = "métriques-2026-jeton-secret"
    app = create_app(dataclasses.replace(settings, metrics_token=token))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            scrape = await http.get("/metrics", headers={"authorization": f"Bearer {token}".encode()})
    assert scrape.status_code == 200, scrape.text


def test_config_check_never_prints_the_password_of_the_identity_providers_url(tmp_path):
    """DATABASE_URL and REDIS_URL are masked, but OIDC_JWKS_URL with basic-auth userinfo (httpx sends it) is
    printed whole by `config check`."""
    oidc = {"OIDC_JWKS_URL": "https://svc:idp-pass-9@idp.example.org/jwks", "OIDC_ISSUER": "i", "OIDC_AUDIENCE": "a"}
    result = surveil(["config", "check"], tmp_path, **SQLITE, **oidc)
    assert "idp-pass-9" not in result.stdout + result.stderr, setting_line(result.stdout, "OIDC_JWKS_URL")


def test_a_release_does_not_bless_an_unapproved_break(tmp_path):
    """`surveil schema release` writes today's schema over the baseline and empties the approvals without
    comparing: a developer whose contract test fails on a break runs it once and the break ships with no
    approval and no reason anywhere. Breaks not in the approval file should stop the release."""
    from server.schema_release import release

    released, approvals = tmp_path / "released.graphql", tmp_path / "approved_breaks.toml"
    released.write_text("type Query { province: String count: Int }\n", encoding="utf-8")
    approvals.write_text("", encoding="utf-8")
    with suppress(ValueError, RuntimeError, SystemExit):
        release("type Query { count: Int }\n", released=released, approvals=approvals)
    assert "province" in released.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "configured, sent",
    [
        ("https://督查.中国", "https://xn--jvvt85a.xn--fiqs8s"),  # browsers send an IDN origin in punycode
        ("https://app.example.org:443", "https://app.example.org"),  # and never the scheme's default port
    ],
)
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_configured_origin_matches_what_browsers_send(settings, configured, sent):
    """SURVEIL_CORS_ORIGINS accepts a Unicode host or an explicit default port and `config check` calls it valid,
    but the Origin header never takes that form: that front end's preflight is refused for ever."""
    import dataclasses

    from server.app import create_app
    from server.settings_source import _origins

    app = create_app(dataclasses.replace(settings, cors_origins=_origins((configured,))))
    headers = {"origin": sent, "access-control-request-method": "POST"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        preflight = await http.options("/graphql", headers=headers)
    assert preflight.status_code == 200, preflight.text
