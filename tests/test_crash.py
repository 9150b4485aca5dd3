"""Power cuts: SIGKILL a process in the middle of checkouts, again and again.

Afterwards: no partial sale, no gap, a valid chain, and every sale whose checkout
reported success is present.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from pos.store import DB_NAME
from sync.protocol import journal
from tests import crash_worker

pytestmark = pytest.mark.slow  # SIGKILL loops: make test-fast leaves them out

KILLS = int(os.environ.get("BOOTH_POS_CRASH_KILLS", "200"))


def _run_and_kill(home: Path, seed: int, delay: float, *mode: str) -> list[tuple[str, int]]:
    """Fork a worker, let it sell for ``delay`` seconds after it is ready, then SIGKILL it.

    The worker is a real process of its own with its own connection to booth.db; it is
    forked from this one so that it starts without importing everything again."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: sell until killed; any error is reported on the pipe
        os.close(read_fd)
        out = os.fdopen(write_fd, "w", encoding="utf-8")
        try:
            crash_worker.main([str(home), str(seed), *mode], out)
        except BaseException as exc:  # noqa: BLE001 - the test reads it and fails
            print(f"error {exc!r}", file=out, flush=True)
        finally:
            os._exit(1)
    os.close(write_fd)
    reported: list[tuple[str, int]] = []
    errors: list[str] = []
    ready = threading.Event()

    def read() -> None:
        with os.fdopen(read_fd, encoding="utf-8") as lines:
            for line in lines:
                if line.strip() == "ready":
                    ready.set()
                elif line.startswith("error "):
                    errors.append(line)
                elif line.strip():
                    sale_id, seq = line.split()
                    reported.append((sale_id, int(seq)))
        ready.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert ready.wait(30), "worker never became ready"
    time.sleep(delay)  # the random moment of the power cut
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    reader.join()
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL and not errors, errors
    return reported


def test_sigkill_during_checkouts_never_loses_or_half_writes_a_sale(terminal, home):
    terminal.close()
    rng = random.Random(20261129)
    reported: list[tuple[str, int]] = []
    for kill in range(KILLS):
        reported += _run_and_kill(home, seed=kill, delay=rng.uniform(0, 0.05))

    conn = sqlite3.connect(home / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lines = [line for (line,) in conn.execute("SELECT line FROM journal ORDER BY seq")]
    verdict = journal.verify(lines, "T1")
    assert verdict.ok, verdict
    entries = [json.loads(line) for line in lines]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    # The manager's shift_open (seq 1, written by the fixture), then nothing but sales.
    assert [e["type"] for e in entries[:1]] == ["shift_open"]
    opened, entries = entries[0], entries[1:]
    assert {e["type"] for e in entries} == {"sale"}

    # Every sale the worker reported is there, with the seq it reported.
    by_sale = {e["body"]["sale_id"]: e for e in entries}
    for sale_id, seq in reported:
        assert by_sale[sale_id]["seq"] == seq
    # Sales committed but killed before printing may exist; never more than one per kill.
    assert len(reported) <= len(entries) <= len(reported) + KILLS

    # No partial sale: each journal sale has its row, all its lines, payments and movements.
    sales = dict(conn.execute("SELECT sale_id, seq FROM sales"))
    assert sales == {e["body"]["sale_id"]: e["seq"] for e in entries}
    line_counts = dict(conn.execute("SELECT sale_id, count(*) FROM sale_lines GROUP BY sale_id"))
    pay_counts = dict(conn.execute("SELECT sale_id, count(*) FROM payments GROUP BY sale_id"))
    move_counts = dict(conn.execute("SELECT seq, count(*) FROM stock_movements GROUP BY seq"))
    assert opened["seq"] not in move_counts  # opening the shift moved no stock
    for e in entries:
        body = e["body"]
        assert line_counts[body["sale_id"]] == len(body["lines"])
        assert pay_counts[body["sale_id"]] == len(body["payments"])
        assert move_counts[e["seq"]] == len(body["lines"])
    totals = conn.execute("SELECT sum(total_fen) FROM sales").fetchone()[0]
    assert totals == verdict.grand_total_fen
    conn.close()
    assert len(reported) > KILLS  # the kills really landed among checkouts
    print(f"{KILLS} kills, {len(reported)} sales reported, {len(entries)} in the journal")


Z_KEYS = {
    "shift_id", "opened_seq", "by", "float_fen", "sales_count", "sales_fen", "voided_lines",
    "voided_fen", "refunds_count", "refunds_fen", "post_voids_count", "post_voids_fen",
    "discount_fen", "cash_in_fen", "cash_out_fen", "counts", "tenders", "suppliers", "counties",
    "grand_total_fen", "rounding_fen",
}  # fmt: skip


def test_sigkill_during_shift_closes_leaves_no_z_or_a_complete_one(terminal, home):
    terminal.close()
    rng = random.Random(7)
    reported = []
    for kill in range(max(KILLS // 8, 5)):
        reported += _run_and_kill(home, kill, rng.uniform(0, 0.08), "shifts")
    conn = sqlite3.connect(home / DB_NAME)
    lines = [row[0] for row in conn.execute("SELECT line FROM journal ORDER BY seq")]
    conn.close()
    assert journal.verify(lines).ok
    entries = [json.loads(line) for line in lines]
    closes = [e for e in entries if e["type"] == "z_close"]
    assert {seq for _, seq in reported} <= {e["seq"] for e in closes}  # every reported Z is there
    open_shift = None
    for entry in entries:
        if entry["type"] == "shift_open":
            assert open_shift is None, "a shift opened while another was open"
            open_shift = entry["body"]["shift_id"]
        elif entry["type"] == "z_close":
            assert entry["body"]["shift_id"] == open_shift, "a Z without its shift"
            assert set(entry["body"]) == Z_KEYS
            cash = entry["body"]["tenders"]["cash"]
            assert cash["variance_fen"] == cash["counted_fen"] - cash["expected_fen"] == 0
            open_shift = None
    assert len(closes) >= 1  # the kills landed among closes
