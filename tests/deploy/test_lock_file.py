"""requirements.lock (the image's) and requirements-test.lock pin every dependency of
pyproject.toml to a version its range allows, each with hashes. Refresh them with the
commands in README "Deploying" when pyproject.toml changes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def pins(name: str) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes)"""
    found: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            found[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{name}: unexpected line {line!r} (an index URL or a local path?)")
    return found


def _check(requirements: list[str], locked: dict[str, tuple[str, int]], lock: str) -> None:
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{lock} lacks {requirement.name}: refresh it (README, Deploying)"
        version, _ = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version} outside {requirement.specifier}: refresh it"
        )


def test_every_requirement_has_an_upper_bound():
    for text in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]:
        assert any(spec.operator in ("<", "<=", "==", "~=") for spec in Requirement(text).specifier), text


def test_the_image_lock_covers_the_dependencies():
    locked = pins("requirements.lock")
    _check(PROJECT["dependencies"], locked, "requirements.lock")
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    _check(build, locked, "requirements.lock")  # the image builds the project without the network


def test_the_test_lock_covers_the_test_dependencies_with_the_same_pins():
    image, test = pins("requirements.lock"), pins("requirements-test.lock")
    _check(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"], test, "requirements-test.lock")
    build = {canonicalize_name(Requirement(r).name) for r in ("setuptools", "wheel")}
    shared = {name for name in image if name not in build}
    assert {name: image[name][0] for name in shared} == {name: test[name][0] for name in shared}


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_pin_has_hashes(lock):
    missing = [name for name, (_, hashes) in pins(lock).items() if hashes == 0]
    assert missing == []
