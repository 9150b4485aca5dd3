"""Journal ingest over real HTTP: exactly once, verified, tamper and gaps refused."""

from __future__ import annotations

import json
import threading

import pytest
import requests
from sqlalchemy import func, select, text

from pos.cart import Cart, Payment
from sync.protocol import journal
from sync.server import journal_store, stock_reports
from sync.server.cli import main as server_main
from sync.server.tables import journal as journal_table
from sync.server.tables import payments, sale_lines, sales, stock_movements, tamper_alerts
from tests.support import OIL, RICE, scale_label
from tests.support.live import bearer, enrol


@pytest.fixture
def entries(terminal):
    """A real terminal's journal: the shift opened, a delivery, eight sales, an adjustment."""
    cashier = terminal.authenticate("李娜", "2468")
    terminal.receive_stock(OIL, 24, "HQ delivery")
    for n in range(8):
        cart = Cart()
        terminal.add_to_cart(cart, OIL, 1 + n % 3)
        terminal.add_to_cart(cart, scale_label("21", "10001", 500 + 37 * n))
        if n % 2:
            terminal.add_to_cart(cart, RICE)
        pay = [Payment("wechat", 1000, "134567890123456789"), Payment("cash", cart.total_fen)]
        terminal.checkout(cart, pay, cashier)
    terminal.adjust_stock(OIL, -1, "bottle broken")
    return [json.loads(line) for line in terminal.export_journal()]


def push(server, token, batch, **kwargs):
    return requests.post(
        server.api("/journal"), json={"entries": batch}, headers=bearer(token), timeout=30, **kwargs
    )


def _count(server, table) -> int:
    with server.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_pushed_journal_is_stored_exactly_as_received_with_projections(
    server, entries, db_url, capsys
):
    token = enrol(server, "B1", "T1")
    response = push(server, token, entries)
    assert response.status_code == 200, response.text
    assert len(entries) == 11 and entries[0]["type"] == "shift_open"
    assert response.json() == {"acked_through": 11, "head": entries[-1]["hash"]}
    assert _count(server, journal_table) == 11
    assert _count(server, sales) == 8
    sale_entries = [e for e in entries if e["type"] == "sale"]
    assert _count(server, sale_lines) == sum(len(e["body"]["lines"]) for e in sale_entries)
    assert _count(server, payments) == 16
    # The stock ledger: the receipt and the adjustment, and each sale line (stored once).
    assert _count(server, stock_movements) == 2
    with server.engine.connect() as conn:
        ledger = stock_reports.ledger(conn)
    assert ledger["row_count"] == 2 + _count(server, sale_lines) == len(ledger["moves"])
    with server.engine.connect() as conn:
        total = conn.execute(select(func.sum(sales.c.total_fen))).scalar_one()
    assert total == sale_entries[-1]["body"]["grand_total_fen"]
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "export", "--terminal", "T1"]) == 0
    exported = capsys.readouterr().out.splitlines()
    assert exported == [journal.canonical(e) for e in entries]
    assert server_main(["--db", db_url, "journal", "verify"]) == 0


def test_a_replayed_batch_gets_the_same_ack_and_stores_nothing_twice(server, entries):
    token = enrol(server, "B1", "T1")
    first = push(server, token, entries[:6]).json()
    again = push(server, token, entries[:6])
    assert again.status_code == 200 and again.json() == first
    overlapping = push(server, token, entries[3:])
    assert overlapping.status_code == 200 and overlapping.json()["acked_through"] == 11
    assert _count(server, journal_table) == 11 and _count(server, sales) == 8


def test_entries_out_of_order_within_a_batch_are_stored_in_order(server, entries, db_url, capsys):
    token = enrol(server, "B1", "T1")
    shuffled = entries[1::2][::-1] + entries[0::2]  # reversed odds, then the evens
    assert [e["seq"] for e in shuffled] != sorted(e["seq"] for e in shuffled)
    response = push(server, token, shuffled)
    assert response.status_code == 200, response.text
    assert response.json() == {"acked_through": 11, "head": entries[-1]["hash"]}
    # Each seq holds its own entry, exactly as the terminal wrote it: nothing swapped.
    with server.engine.connect() as conn:
        stored = [
            (seq, json.loads(line)["type"], json.loads(line)["hash"], line)
            for seq, line in journal_store.walk(conn, "T1")
        ]
        # Stock moved in chain order: the movements, in the order they were written, follow seq.
        moved = [move["seq"] for move in reversed(stock_reports.ledger(conn)["moves"])]
    assert [tuple(row) for row in stored] == [
        (e["seq"], e["type"], e["hash"], journal.canonical(e)) for e in entries
    ]
    assert moved == sorted(moved) and (moved[0], moved[-1]) == (2, 11)  # receipt .. adjustment
    # The chain over the stored order verifies, and the export gives the terminal's order back.
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "export", "--terminal", "T1"]) == 0
    assert capsys.readouterr().out.splitlines() == [journal.canonical(e) for e in entries]
    assert server_main(["--db", db_url, "journal", "verify"]) == 0


def test_a_gap_is_refused_naming_the_expected_seq(server, entries):
    token = enrol(server, "B1", "T1")
    push(server, token, entries[:3])
    response = push(server, token, entries[4:])
    assert response.status_code == 409
    body = response.json()
    assert (
        body["expected_seq"] == 4 and body["reason"] == "gap" and "expects seq 4" in body["detail"]
    )
    assert _count(server, journal_table) == 3


def test_same_seq_with_a_different_hash_is_a_tamper_alert_and_overwrites_nothing(server, entries):
    token = enrol(server, "B1", "T1")
    push(server, token, entries)
    forged = json.loads(json.dumps(entries[2]))
    forged["body"]["payments"][1]["amount_fen"] -= 100
    forged["body"]["change_fen"] -= 100
    forged["hash"] = journal.entry_hash(forged)
    response = push(server, token, [forged])
    assert response.status_code == 409
    assert response.json()["reason"] == "tamper" and "seq 3" in response.json()["detail"]
    with server.engine.connect() as conn:
        stored = journal_store.lines(conn, "T1", [3])[3]
        alert = conn.execute(select(tamper_alerts)).mappings().one()
    assert stored == journal.canonical(entries[2])
    assert (
        alert["seq"] == 3
        and alert["received_hash"] == forged["hash"]
        and alert["stored_hash"] == entries[2]["hash"]
    )


def test_a_rechained_history_with_a_wrong_grand_total_is_refused(server, entries):
    token = enrol(server, "B1", "T1")
    push(server, token, entries[:2])
    rest = json.loads(json.dumps(entries[2:]))
    rest[0]["body"]["grand_total_fen"] += 500
    prev = entries[1]["hash"]
    for entry in rest:
        entry["prev"] = prev
        entry["hash"] = journal.entry_hash(entry)
        prev = entry["hash"]
    response = push(server, token, rest)
    assert response.status_code == 409 and "grand total off" in response.json()["detail"]
    assert _count(server, journal_table) == 2 and _count(server, tamper_alerts) == 1


def test_an_entry_whose_hash_does_not_match_its_content_is_422(server, entries):
    token = enrol(server, "B1", "T1")
    broken = json.loads(json.dumps(next(e for e in entries if e["type"] == "stock_receive")))
    broken["body"]["delta"] = 240
    response = push(server, token, [broken])
    assert response.status_code == 422 and "does not match its content" in response.json()["detail"]
    assert _count(server, journal_table) == 0


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"{not json", "not valid"),
        (b'{"entries": "x"}', "not valid"),
        (b'{"entries": [1, 2]}', "not a JSON object"),
        (b'{"entries": [{"v": 1}]}', "entry keys"),
        (b"[]", "not valid"),
    ],
)
def test_malformed_bodies_are_422_with_a_reason(server, payload, words):
    token = enrol(server, "B1", "T1")
    response = requests.post(
        server.api("/journal"),
        data=payload,
        headers={**bearer(token), "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


def test_floats_in_an_entry_are_refused(server, entries):
    token = enrol(server, "B1", "T1")
    entry = json.loads(json.dumps(next(e for e in entries if e["type"] == "sale")))
    entry["body"]["lines"][0]["amount_fen"] = 8800.0
    entry["hash"] = journal.entry_hash(entry)
    entry["seq"] = 1
    entry["prev"] = journal.GENESIS
    entry["hash"] = journal.entry_hash(entry)
    response = push(server, token, [entry])
    assert response.status_code == 422 and "not an integer" in response.json()["detail"]


def test_oversized_bodies_and_batches_are_413(server, entries):
    token = enrol(server, "B1", "T1")
    huge = b'{"entries": ["' + b"x" * (server.settings.max_body_bytes + 10) + b'"]}'
    response = requests.post(
        server.api("/journal"),
        data=huge,
        headers={**bearer(token), "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413 and "larger than" in response.json()["detail"]
    too_many = [entries[0]] * (server.settings.max_batch + 1)
    response = push(server, token, too_many)
    assert response.status_code == 413 and "at most 500" in response.json()["detail"]
    assert _count(server, journal_table) == 0


def test_concurrent_pushes_of_the_same_batch_store_it_once(server, entries):
    token = enrol(server, "B1", "T1")
    results = []
    barrier = threading.Barrier(6)

    def go():
        barrier.wait()
        response = push(server, token, entries)
        results.append((response.status_code, response.json()))

    threads = [threading.Thread(target=go) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in results] == [200] * 6, results
    assert {body["acked_through"] for _, body in results} == {11}
    assert _count(server, journal_table) == 11 and _count(server, sales) == 8


def test_head_reports_what_the_server_holds(server, entries):
    token = enrol(server, "B1", "T1")
    empty = requests.get(server.api("/journal/head"), headers=bearer(token), timeout=10).json()
    assert empty == {"acked_through": 0, "head": journal.GENESIS}
    push(server, token, entries[:4])
    head = requests.get(server.api("/journal/head"), headers=bearer(token), timeout=10).json()
    assert head == {"acked_through": 4, "head": entries[3]["hash"]}


def test_server_journal_verify_catches_a_row_edited_in_the_database(
    server, entries, db_url, capsys
):
    token = enrol(server, "B1", "T1")
    push(server, token, entries)
    with server.engine.begin() as conn:
        line = journal_store.lines(conn, "T1", [5])[5]
        edited = line.replace('"cashier":"李娜"', '"cashier":"某人"')
        assert edited != line
        conn.execute(
            text("UPDATE journal SET line = :line WHERE seq = 5"),
            {"line": journal_store.encode(edited, json.loads(line)["hash"])},
        )
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "verify"]) == 1
    assert "T1: BROKEN at seq 5: hash mismatch" in capsys.readouterr().out


def test_health_and_time(server):
    health = requests.get(f"{server.url}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["ok"] is True
    now = requests.get(server.api("/time"), timeout=10).json()
    assert now["utc"].endswith("Z") and now["epoch_ms"] > 1_700_000_000_000
