"""Power cuts during a count and during a check-in: a real process SIGKILLed at random
moments, then the terminal opened again. Nothing counted or scanned is lost, a count or a
delivery moves stock once or not at all, and stock on hand is the journal's moves."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from pos.terminal import Terminal
from sync.protocol.stock import stock_moves
from tests.support import MANAGER, MANAGER_PIN, ROOT

KILLS = int(os.environ.get("BOOTH_POS_STOCK_KILLS", "5"))


def _run_and_kill(home: Path, mode: str, seed: int, steps: int) -> list[str]:
    """Start the worker, SIGKILL it as soon as it has reported ``steps`` steps (it is then
    in the middle of the next one); the lines it printed."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.stock_worker", str(home), mode, str(seed)],
        cwd=ROOT,
        stdin=subprocess.PIPE,  # held open: a worker waiting on it waits until killed
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    enough = threading.Event()

    def read() -> None:
        for line in worker.stdout:
            lines.append(line.strip())
            if len(lines) > steps:  # "ready", then the steps
                enough.set()
        enough.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert enough.wait(120), "the worker did not get going"
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    reader.join(10)
    errors = worker.stderr.read()
    assert "Traceback" not in errors, errors
    return lines


def _stock_is_the_journals_moves(terminal: Terminal) -> list[dict]:
    entries = [json.loads(line) for line in terminal.export_journal()]
    moved: Counter = Counter()
    for entry in entries:
        for product_id, delta in stock_moves(entry):
            moved[product_id] += delta
    held = {row[0]: row[3] for row in terminal.stock()}
    assert {k: v for k, v in held.items() if v} == {k: v for k, v in moved.items() if v}
    assert terminal.verify_journal().ok
    return entries


def test_a_count_survives_sigkill_and_moves_stock_once(terminal, home):
    terminal.close()
    rng = random.Random(11)
    for kill in range(KILLS):
        lines = _run_and_kill(home, "count", kill, rng.randint(1, 20))
        after = Terminal.open(home)
        try:
            entries = _stock_is_the_journals_moves(after)
            count_ids = [e["body"]["count_id"] for e in entries if e["type"] == "stock_count"]
            assert len(count_ids) == len(set(count_ids)), "a count was finished twice"
            finished = {int(line.split()[1]) for line in lines if line.startswith("finished")}
            assert finished <= {e["seq"] for e in entries if e["type"] == "stock_count"}
            # What was reported counted since the last reported finish is still there.
            tail = lines[max((i for i, ln in enumerate(lines) if ln.startswith("finished")), default=-1) + 1 :]  # fmt: skip
            reported = {}
            for line in tail:
                if line.startswith("counted"):
                    _, product_id, counted = line.split()
                    reported[product_id] = int(counted)
            count = after.booth_stock.current_count()
            if reported and count is not None:
                held = {line.product_id: line.counted for line in count.lines}
                for product_id, counted in reported.items():
                    assert held[product_id] >= counted
        finally:
            after.close()
    assert any(e["type"] == "stock_count" for e in entries)


def test_a_check_in_survives_sigkill_and_moves_stock_once(terminal, home):
    """...and keeps the scans and the reasons chosen for a check-in not yet confirmed."""
    terminal.close()
    rng = random.Random(12)
    for kill in range(KILLS):
        lines = _run_and_kill(home, "check-in", kill, rng.randint(1, 12))
        after = Terminal.open(home)
        try:
            entries = _stock_is_the_journals_moves(after)
            ids = [e["body"]["delivery_id"] for e in entries if e["type"] == "delivery_received"]
            assert len(ids) == len(set(ids)), "a delivery was checked in twice"
            for delivery in after.booth_stock.deliveries(include_checked_in=True):
                assert (delivery.checked_in_seq is not None) == (delivery.delivery_id in ids)
            checked = {line.split()[1] for line in lines if line.startswith("checked")}
            assert checked <= set(ids)
            scanned, reasons = {}, {}
            for line in lines:
                if line.startswith("scanned"):
                    _, delivery_id, product_id, received = line.split()
                    scanned[(delivery_id, product_id)] = int(received)
                elif line.startswith("reason"):
                    _, delivery_id, product_id, reason = line.split()
                    reasons[(delivery_id, product_id)] = reason
            for delivery in after.booth_stock.deliveries():
                for line in delivery.lines:
                    got = scanned.get((delivery.delivery_id, line.product_id))
                    if got is not None:
                        assert (line.received or 0) >= got
                    # A reason chosen (after the last scan) is still there after the kill.
                    chosen = reasons.get((delivery.delivery_id, line.product_id))
                    if chosen is not None:
                        assert line.reason == chosen, (delivery.delivery_id, line)
            # A check-in confirmed without reasons took the ones chosen.
            for entry in entries:
                if entry["type"] == "delivery_received":
                    for line in entry["body"]["lines"]:
                        chosen = reasons.get((entry["body"]["delivery_id"], line["product_id"]))
                        if chosen is not None:
                            assert line["reason"] == chosen
        finally:
            after.close()
    assert ids


def test_reasons_chosen_for_a_check_in_survive_sigkill(terminal, home):
    """The manager has scanned a delivery and chosen why lines differ, and the till dies
    before the check-in is confirmed: the scans and the reasons are there after the restart,
    and confirming takes them without choosing again."""
    terminal.close()
    lines = _run_and_kill(home, "reasons", 0, 1)  # killed while it waits for the confirm
    [chosen] = [line for line in lines if line.startswith("chosen")]
    wanted = dict(pair.split("=") for pair in chosen.split()[2:])
    after = Terminal.open(home)
    try:
        delivery = after.booth_stock.delivery(chosen.split()[1])
        assert delivery.checked_in_seq is None
        assert {line.product_id: line.reason for line in delivery.lines} == wanted
        assert all(line.received is not None for line in delivery.lines)
        manager = after.authenticate(MANAGER, MANAGER_PIN)
        entry = after.booth_stock.check_in(delivery.delivery_id, manager)
        assert {line["product_id"]: line["reason"] for line in entry["body"]["lines"]} == wanted
        _stock_is_the_journals_moves(after)
    finally:
        after.close()
