"""docker-compose.yml and compose.dev.yml, read as data (no docker daemon runs here): the
services and their order, secrets only from the env file, production by default, the API on
loopback, named volumes for PostgreSQL and documents, restart policies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = "/var/lib/surveil/documents"
SECRET_KEY = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE|_KEY\b", re.IGNORECASE)
REFERENCE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def resolved(value: str, env: dict | None = None) -> str:
    """Compose's interpolation with an env file that sets only `env`: defaults apply."""
    env = env or {}

    def one(match: re.Match) -> str:
        name, kind, default = match.groups()
        if name in env:
            return env[name]
        if kind == "-":
            return default
        return f"<{name}>"

    return REFERENCE.sub(one, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return load("docker-compose.yml")


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_the_services(services):
    assert set(services) == {"db", "redis", "migrate", "api", "worker"}
    assert services["migrate"]["command"] == ["surveil", "migrate"]
    assert services["api"]["command"][:2] == ["surveil", "serve"]
    assert services["worker"]["command"] == ["surveil", "worker"]
    for name in ("migrate", "api", "worker"):
        assert services[name]["env_file"] == ".env"
    for name in ("api", "worker"):  # never a migration at a server's start
        assert "migrate" not in " ".join(services[name]["command"]), name


def test_api_and_worker_wait_for_the_migrate_job(services):
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert "healthcheck" in services["db"]


def test_two_api_processes_told_of_policy_changes_through_redis(services):
    for name in ("migrate", "api", "worker"):
        environment = services[name]["environment"]
        assert resolved(environment["REDIS_URL"]) == "redis://redis:6379/0", name
        assert resolved(environment["SURVEIL_WORKERS"]) == "2", name
    assert services["api"]["depends_on"]["redis"] == {"condition": "service_started"}  # it serves without Redis
    redis = services["redis"]
    assert "ports" not in redis  # the compose network only
    assert redis["command"] == ["redis-server", "--save", "", "--appendonly", "no"]  # messages only: nothing kept
    assert "healthcheck" in redis


def test_restart_policies(services):
    assert services["migrate"]["restart"] == "no"  # a one-shot job
    for name in ("db", "redis", "api", "worker"):
        assert services[name]["restart"] in ("unless-stopped", "always"), name


def test_the_api_stops_gracefully_within_its_grace_period(services):
    command = services["api"]["command"]
    graceful = float(command[command.index("--graceful-seconds") + 1])
    for name in ("api", "worker"):
        period = services[name]["stop_grace_period"]
        assert period.endswith("s") and float(period[:-1]) > graceful, name
        assert services[name]["init"] is True  # an init forwards SIGTERM and reaps


def test_ports_are_on_loopback_unless_configured(compose):
    published = [(name, port) for name, service in compose["services"].items() for port in service.get("ports", [])] + [
        (name, port)
        for name, service in load("compose.dev.yml")["services"].items()
        for port in service.get("ports", [])
    ]
    assert [name for name, _ in published] == ["api"]
    for _, port in published:
        assert resolved(port).startswith("127.0.0.1:"), port
        assert resolved(port, {"SURVEIL_BIND": "0.0.0.0"}).startswith("0.0.0.0:"), port


def _environments(document: dict):
    for name, service in document["services"].items():
        environment = service.get("environment") or {}
        assert isinstance(environment, dict), f"{name}: use the mapping form"
        yield name, environment


@pytest.mark.parametrize("name", ["docker-compose.yml", "compose.dev.yml"])
def test_no_secret_is_written_in_compose(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    for service, environment in _environments(load(name)):
        for key, value in environment.items():
            value = str(value)
            if SECRET_KEY.search(key):
                assert re.fullmatch(r"\$\{\w+:\?[^}]*\}", value), f"{service}.{key} must come from .env, required"
            for reference in REFERENCE.finditer(value):  # no default for a secret inside a value either
                if SECRET_KEY.search(reference.group(1)):
                    assert reference.group(2) == "?", f"{service}.{key}: {reference.group(0)} has a default"
    assert "change-me" not in text.lower() and "JWT_SECRET" not in text


def test_production_is_the_default(services):
    for _, environment in _environments({"services": services}):
        assert environment.get("SURVEIL_ENV", "production") == "production"
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^SURVEIL_ENV=production$", env_example, re.MULTILINE)


def test_the_demo_is_development_on_top(services):
    dev = load("compose.dev.yml")["services"]
    assert dev["api"]["environment"]["SURVEIL_ENV"] == "development"
    assert dev["demo"]["command"][:3] == ["surveil", "seed", "--demo"]
    assert dev["demo"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert set(dev) - {"demo", "mail"} <= set(services)  # it only adjusts the production services


def test_named_volumes_for_the_database_and_documents(compose, services):
    assert set(compose["volumes"]) >= {"pgdata", "documents"}
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    for name in ("migrate", "api", "worker"):
        assert f"documents:{DOCUMENTS}" in services[name]["volumes"], name
        assert services[name]["environment"]["SURVEIL_DOCUMENT_DIR"] == DOCUMENTS


def test_env_example_has_no_secret_values_and_env_is_ignored():
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, _, value = line.partition("=")
        if SECRET_KEY.search(key):
            assert value == "", f"{key} has a value in .env.example"
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


def test_the_database_password_is_passed_apart_from_the_url(services):
    """Any characters in POSTGRES_PASSWORD: the service percent-encodes it (DATABASE_PASSWORD)."""
    for name in ("migrate", "api", "worker"):
        environment = services[name]["environment"]
        assert "POSTGRES_PASSWORD" not in environment["DATABASE_URL"]
        assert "POSTGRES_PASSWORD" in environment["DATABASE_PASSWORD"]
