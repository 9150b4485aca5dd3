"""What the tests share, imported one way: ``from tests.support import CASHIER, scale_label``.

Fixtures live in the conftest.py files; this package holds plain names and helpers. Qt
helpers are in ``tests.support.ui`` (they import PySide6), the live test server in
``tests.support.live`` and PostgreSQL access in ``tests.support.pg``.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_CATALOG = ROOT / "assets" / "demo" / "catalog.csv"

# The demo booth's people (tests/conftest.py creates them) and some demo products.
CASHIER, CASHIER_PIN = "李娜", "2468"
MANAGER, MANAGER_PIN = "王强", "1357"
OIL = "6970006000011"  # 酉阳茶油500ml, ￥88.00, also sold as 6970006009014
RICE = "6970005000012"  # 秀山土家米5kg装, ￥69.80
GIFT_BOX = "6970001000016"  # 奉节脐橙礼盒5kg, ￥68.80
ORANGES_PLU = "10001"  # 奉节脐橙, ￥12.80 per kg
PLUMS_PLU = "10003"  # 巫山脆李, sold by weight
EXPIRED = "6970015000019"  # 黔江鸡杂350g, certificate expired 2026-10-31


@cache
def _pin_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="booth-pos-pins-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def pin_file(pin: str) -> tuple[str, str]:
    """``--pin-file PATH`` for ``pin``: booth-pos refuses a PIN on its command line."""
    path = _pin_folder() / f"pin-{pin}"
    path.write_text(pin + "\n", encoding="utf-8")
    path.chmod(0o600)
    return "--pin-file", str(path)


def ean13_check_digit(body: str) -> int:
    """The EAN-13 check digit of 12 digits, worked out here so tests do not trust pos/."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10


def scale_label(prefix: str, plu: str, value: int) -> str:
    """A scale label: prefix 20 carries the price in fen, 21 the weight in grams."""
    body = f"{prefix}{int(plu):05d}{value:05d}"
    return body + str(ean13_check_digit(body))


def open_shift(terminal, float_fen: int = 0) -> dict:
    """The manager opens a shift with its float."""
    return terminal.open_shift(terminal.authenticate(MANAGER, MANAGER_PIN), float_fen)


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out!r}, err={self.err!r})"


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
