"""The lock files agree with pyproject.toml: every dependency (and the build backend) is pinned,
with hashes, to a version inside its range. A dependency added without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.paths import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (REPO / "requirements" / name).read_text(encoding="utf-8")
    found = {canonicalize_name(m[1]): m[2] for m in PIN.finditer(text)}
    assert found and text.count("--hash=sha256:") >= len(found), f"{name}: every pin needs a hash"
    return found


def required(extras: bool) -> list[Requirement]:
    project = PYPROJECT["project"]
    lines = project["dependencies"] + PYPROJECT["build-system"]["requires"]
    if extras:
        lines += [line for group in project.get("optional-dependencies", {}).values() for line in group]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize("lock, extras", [("dev.txt", True), ("base.txt", False)])
def test_lock_pins_every_dependency_inside_its_range(lock, extras):
    locked = pins(lock)
    wrong = []
    for req in required(extras):
        version = locked.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{req} -> {version}")
    assert not wrong, f"requirements/{lock} does not fit pyproject.toml (run `make lock`): {wrong}"


def test_runtime_lock_is_the_dev_lock_without_the_extras():
    base, dev = pins("base.txt"), pins("dev.txt")
    assert {name: dev.get(name) for name in base} == base
    assert {"pytest", "ruff"} <= set(dev) - set(base)
