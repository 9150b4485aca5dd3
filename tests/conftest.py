"""Shared fixtures: real terminal databases in temporary data directories."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from hardware.sim_printer import PrinterSimulator
from pos.cli import main
from pos.terminal import Terminal
from sync.protocol.barcodes import ean_check_digit

ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = ROOT / "assets" / "demo" / "catalog.csv"
CASHIER, CASHIER_PIN = "李娜", "2468"
MANAGER, MANAGER_PIN = "王强", "1357"
OIL = "6970006000011"  # 酉阳茶油500ml, ￥88.00, also sold as 6970006009014
RICE = "6970005000012"  # 秀山土家米5kg装, ￥69.80
ORANGES_PLU = "10001"  # 奉节脐橙, ￥12.80 per kg
EXPIRED = "6970015000019"  # 黔江鸡杂350g, certificate expired 2026-10-31


def scale_label(prefix: str, plu: str, value: int) -> str:
    body = f"{prefix}{int(plu):05d}{value:05d}"
    return body + str(ean_check_digit(body))


@pytest.fixture
def printer():
    """The simulated network receipt printer: a real TCP listener on 127.0.0.1."""
    sim = PrinterSimulator()
    yield sim
    sim.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "booth"


@pytest.fixture
def new_terminal(home: Path) -> Terminal:
    """A terminal with the demo catalog, one cashier and one manager, and no shift open."""
    term, _ = Terminal.init(home, "T1", "奉节县扶贫产品专柜")
    term.import_catalog(DEMO_CATALOG.read_bytes())
    term.add_user(CASHIER, "cashier", CASHIER_PIN)
    term.add_user(MANAGER, "manager", MANAGER_PIN)
    yield term
    term.close()


@pytest.fixture
def terminal(new_terminal: Terminal) -> Terminal:
    """The same terminal ready to sell: the manager opened a shift with a ￥0 float."""
    open_shift(new_terminal)
    return new_terminal


def open_shift(terminal: Terminal, float_fen: int = 0) -> dict:
    return terminal.open_shift(terminal.authenticate(MANAGER, MANAGER_PIN), float_fen)


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def cli(home: Path, capsys):
    """Run booth-pos in-process against the test's data directory."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(["--home", str(home), *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def fingerprint(db_path: Path, skip: tuple[str, ...] = ()) -> str:
    """A digest of every row of every table: equal digests mean nothing changed."""
    conn = sqlite3.connect(db_path)
    try:
        digest = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for table in tables:
            if table in skip:
                continue
            digest.update(table.encode())
            for row in sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()
