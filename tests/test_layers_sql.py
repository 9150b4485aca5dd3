"""Every SQL statement of the terminal lives in pos/store/: no other module of pos/ imports
sqlite3 or sqlite_utils or runs a statement itself, and pos/terminal.py is only a facade
over the use cases of pos/usecases/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POS = ROOT / "pos"
STORE = POS / "store"
SQL_MODULES = {"sqlite3", "sqlite_utils"}
SQL_CALLS = {"execute", "executemany", "executescript"}
FACADE_MAX_LINES = 300


def _modules() -> list[Path]:
    return sorted(path for path in POS.rglob("*.py") if STORE not in path.parents)


def _sql_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            names = []
        found += [
            f"line {node.lineno}: import {n}" for n in names if n.split(".")[0] in SQL_MODULES
        ]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}(...)")
    return found


def test_the_walk_sees_the_modules_it_guards():
    names = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert {"pos/terminal.py", "pos/print_queue.py", "pos/doctor.py", "pos/ui/session.py"} <= names
    assert any(name.startswith("pos/usecases/") for name in names)
    assert not any(name.startswith("pos/store/") for name in names)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_sql_outside_the_store(path: Path):
    assert _sql_uses(path) == [], f"{path.relative_to(ROOT)} runs SQL: move it to pos/store/"


def test_the_walk_catches_sql(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\nfrom sqlite_utils import Database\n"
        "def f(conn):\n    conn.execute('SELECT 1')\n    conn.executemany('x', [])\n",
        encoding="utf-8",
    )
    assert len(_sql_uses(sample)) == 4


def test_the_terminal_is_a_thin_facade():
    source = (POS / "terminal.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) < FACADE_MAX_LINES
    tree = ast.parse(source)
    terminal = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Terminal")
    for method in terminal.body:
        if isinstance(method, ast.FunctionDef):
            statements = [s for s in method.body if not _is_docstring(s)]
            assert len(statements) <= 2, f"Terminal.{method.name} does more than delegate"


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
