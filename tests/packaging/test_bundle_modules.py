"""The kiosk bundle is the terminal alone: the central server (sync.server) and its stack
(FastAPI, SQLAlchemy, the PostgreSQL driver...) are neither among the Python modules frozen
into the program (PyInstaller's PYZ archive, read with PyInstaller's own reader) nor among
the bundle's files."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.packaging

SERVER = ("sync.server", "sync.demo", "sync.bench_client", "fastapi", "starlette", "uvicorn",
          "sqlalchemy", "alembic", "psycopg", "psycopg_binary", "pydantic_settings")  # fmt: skip


@pytest.fixture(scope="module")
def frozen_modules(bundle) -> set[str]:
    """The module names in the PYZ archive embedded in the bundle's program."""
    readers = pytest.importorskip("PyInstaller.archive.readers")
    program = readers.CArchiveReader(str(bundle / "booth-pos"))
    names = [name for name in program.toc if name.startswith("PYZ") and name.endswith(".pyz")]
    assert len(names) == 1, list(program.toc)
    return set(program.open_embedded_archive(names[0]).toc)


def _in(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def test_the_terminal_its_sync_client_and_qt_are_frozen_in(frozen_modules):
    for module in ("pos.cli", "pos.terminal", "pos.ui", "sync.client", "sync.protocol",
                   "pos.paper.receipt", "PySide6", "escpos", "serial", "requests"):  # fmt: skip
        assert module in frozen_modules, module


def test_no_server_module_is_frozen_in(frozen_modules):
    assert sorted(name for name in frozen_modules if _in(name, SERVER)) == []


def _server_file(path: str) -> bool:
    """sync/server/..., fastapi/..., SQLAlchemy-2.0.dist-info/... and the like."""
    top = path.split("/")[0]
    if top.endswith(".dist-info"):
        top = top.split("-")[0].lower()
    return _in(path.replace("/", "."), SERVER) or _in(top, SERVER)


def test_no_server_file_is_in_the_bundle(bundle):
    internal = bundle / "_internal"
    paths = sorted(path.relative_to(internal).as_posix() for path in internal.rglob("*"))
    assert [path for path in paths if _server_file(path)] == []
    assert _server_file("sync/server/app.py") and _server_file("SQLAlchemy-2.0.36.dist-info")
