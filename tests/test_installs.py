"""Two installs from one distribution: `pip install booth-pos[terminal]` on a booth's PC and
`pip install booth-pos[server]` for the central server. Each brings only its own stack: the
server no Qt and no printer drivers, the terminal no web framework and no database server
drivers. Read from the installed distributions' metadata (Requires-Dist with their markers),
so it checks pyproject.toml as pip sees it, whatever the code imports."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

QT = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}
TERMINAL_DEVICES = {"python-escpos", "pyserial", "pyusb"}
SERVER_STACK = {"fastapi", "starlette", "sqlalchemy", "psycopg", "psycopg-binary", "uvicorn",
                "alembic", "pydantic-settings"}  # fmt: skip


def _requires(name: str, extras: frozenset[str]) -> list[Requirement]:
    """What the installed distribution ``name`` needs when installed with ``extras``."""
    needed = []
    for line in metadata.requires(name) or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in extras or {""}):
            needed.append(requirement)
    return needed


def closure(name: str, *extras: str) -> set[str]:
    """Every distribution ``pip install name[extras]`` brings in (canonical names)."""
    seen: dict[str, set[str]] = {}
    todo = [(canonicalize_name(name), frozenset(extras))]
    while todo:
        current, wanted = todo.pop()
        if current in seen and wanted <= seen[current]:
            continue
        seen[current] = seen.get(current, set()) | wanted
        try:
            requirements = _requires(current, frozenset(seen[current]))
        except metadata.PackageNotFoundError:
            continue  # needed but not installed here: counted, not followed
        for requirement in requirements:
            todo.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return set(seen)


def _key(requirement: Requirement, extra: str) -> tuple:
    return (canonicalize_name(requirement.name), str(requirement.specifier),
            tuple(sorted(requirement.extras)), extra)  # fmt: skip


def test_the_installed_metadata_is_this_checkouts_pyproject():
    """Otherwise the closures below would check a stale install (make setup reinstalls)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    declared = {_key(Requirement(line), "") for line in project["dependencies"]}
    for extra, lines in project["optional-dependencies"].items():
        declared |= {_key(Requirement(line), extra) for line in lines}
    installed = set()
    for line in metadata.requires("booth-pos") or []:
        requirement = Requirement(line)
        marker = str(requirement.marker or "")
        extra = marker.split("==")[1].strip().strip("'\"") if "extra ==" in marker else ""
        installed.add(_key(requirement, extra))
    assert installed == declared, "pyproject.toml changed: run make setup"


@pytest.fixture(scope="module")
def server() -> set[str]:
    return closure("booth-pos", "server")


@pytest.fixture(scope="module")
def terminal() -> set[str]:
    return closure("booth-pos", "terminal")


def test_the_server_install_has_its_web_and_database_stack(server):
    assert {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg", "psycopg-binary",
            "pydantic-settings", "tzdata"} <= server  # fmt: skip


def test_the_server_install_brings_no_qt_and_no_device_drivers(server):
    assert server & QT == set()
    assert server & TERMINAL_DEVICES == set()


def test_the_terminal_install_has_qt_the_devices_and_the_local_store(terminal):
    assert {"pyside6-essentials", "shiboken6", "python-escpos", "pyserial", "requests",
            "sqlite-utils", "platformdirs", "pypinyin", "tzdata"} <= terminal  # fmt: skip


def test_the_terminal_install_brings_no_web_framework_and_no_database_server(terminal):
    assert terminal & SERVER_STACK == set()


def test_the_base_install_is_what_both_sides_need(server, terminal):
    base = closure("booth-pos")
    assert base == {"booth-pos", "tzdata"}
    assert base <= server & terminal
