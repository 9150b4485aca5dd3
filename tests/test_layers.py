"""The layers of docs/architecture.md, checked on the source: what each part may import."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Pure modules: the booth's rules, tested fast and alone.
DOMAIN = [
    "pos/money.py",
    "pos/products.py",
    "pos/cart.py",
    "pos/pins.py",
    "pos/pinyin.py",
    "pos/errors.py",
    "pos/shift.py",
    "pos/refunds.py",
]
#: Packages whose every module is pure.
PURE_PACKAGES = ["sync/protocol", "pos/paper"]
#: What no pure module may import: SQL, Qt, HTTP, serial ports, printers, the server stack.
IO = {
    "sqlite3", "sqlite_utils", "PySide6", "shiboken6", "requests", "http", "urllib", "socket",
    "serial", "escpos", "usb", "sqlalchemy", "fastapi", "starlette", "uvicorn", "psycopg",
}  # fmt: skip


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (functions included), as absolute names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _pure_modules() -> list[Path]:
    paths = [ROOT / module for module in DOMAIN]
    for package in PURE_PACKAGES:
        paths += _modules(package)
    return paths


def test_the_server_imports_nothing_of_the_terminal():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules("sync/server")
        for name in sorted(imported(path))
        if name.split(".")[0] in ("pos", "hardware")
    ]
    assert offenders == []


def test_the_contract_is_standard_library_only():
    stdlib = sys.stdlib_module_names
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules("sync/protocol")
        for name in sorted(imported(path))
        if not (name.split(".")[0] in stdlib or name.startswith("sync.protocol"))
    ]
    assert _modules("sync/protocol"), "the contract package is missing"
    assert offenders == []


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_domain_module_imports_no_io(path: Path):
    assert path.exists(), path
    io = sorted(name for name in imported(path) if name.split(".")[0] in IO)
    assert io == [], f"{path.relative_to(ROOT)} imports {io}"


def test_the_walk_sees_a_forbidden_import(tmp_path):
    """The check itself: an import inside a function is found."""
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    import sqlite3\n    from pos.cart import Cart\n")
    assert imported(module) == {"sqlite3", "pos.cart"}
