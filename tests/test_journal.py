"""The journal contract of DESIGN.md, and verification catching every kind of tampering."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pos.cart import Cart, Payment
from pos.store import DB_NAME
from sync.protocol import journal
from tests.support import CASHIER, CASHIER_PIN, DEMO_CATALOG, OIL, RICE, fingerprint


def _sell(terminal, codes, pay):
    cart = Cart()
    for code in codes:
        terminal.add_to_cart(cart, code)
    return terminal.checkout(cart, pay, terminal.authenticate(CASHIER, CASHIER_PIN))


@pytest.fixture
def journal_with_sales(terminal):
    terminal.receive_stock(OIL, 10)
    _sell(terminal, [OIL], [Payment("cash", 10000)])
    _sell(terminal, [RICE, OIL], [Payment("wechat", 15780, "134567890123456789")])
    _sell(terminal, [RICE], [Payment("cash", 6980)])
    return terminal


def test_hash_is_sha256_of_canonical_json_without_hash_key():
    entry = journal.make_entry(
        "T1", 1, "sale", "2026-11-28T09:15:02.120Z", {"total_fen": 5, "名": "橙"}, journal.GENESIS
    )
    unhashed = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(unhashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry["hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert entry["prev"] == "0" * 64
    assert sorted(entry) == ["at", "body", "hash", "prev", "seq", "terminal", "type", "v"]


def test_exported_entries_follow_the_contract(journal_with_sales, cli):
    result = cli("journal", "export")
    assert result.code == 0
    entries = [json.loads(line) for line in result.out.splitlines()]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert [e["type"] for e in entries] == ["shift_open", "stock_receive", "sale", "sale", "sale"]
    assert entries[0]["prev"] == "0" * 64
    for before, after in zip(entries, entries[1:], strict=False):
        assert after["prev"] == before["hash"]
    for line, entry in zip(result.out.splitlines(), entries, strict=True):
        assert line == journal.canonical(entry)  # exported exactly as hashed
        assert entry["at"].endswith("Z") and len(entry["at"]) == 24
    sales = [e for e in entries if e["type"] == "sale"]
    assert [s["body"]["grand_total_fen"] for s in sales] == [
        8800,
        8800 + 15780,
        8800 + 15780 + 6980,
    ]
    first = sales[0]["body"]
    assert first["lines"][0]["unit_price_fen"] == 8800
    assert first["payments"] == [{"method": "cash", "amount_fen": 10000}]
    assert first["change_fen"] == 1200 and first["cashier"] == CASHIER
    assert not journal.floats_in(entries)


def test_export_since_gives_only_later_entries(journal_with_sales, cli):
    result = cli("journal", "export", "--since", "3")  # 1 shift_open, 2 stock_receive, 3-5 sales
    assert [json.loads(line)["seq"] for line in result.out.splitlines()] == [4, 5]


def test_verify_passes_on_an_untouched_journal(journal_with_sales, cli):
    result = cli("journal", "verify", "--json")
    assert result.code == 0
    verdict = json.loads(result.out)
    assert verdict["ok"] is True and verdict["entries"] == 1 + 4  # the shift_open, then 4
    assert verdict["grand_total_fen"] == 8800 + 15780 + 6980


# --- tampering ---------------------------------------------------------------------------


# The fixture's journal: seq 1 shift_open, seq 2 stock_receive, seq 3-5 the three sales
# (entries[0] is seq 1, so entries[2] is the first sale).


def _tamper(home, change):
    """Edit the journal table directly, as someone with the database file could."""
    conn = sqlite3.connect(home / DB_NAME)
    conn.execute("DROP TRIGGER journal_no_update")
    conn.execute("DROP TRIGGER journal_no_delete")
    entries = [
        json.loads(line) for (line,) in conn.execute("SELECT line FROM journal ORDER BY seq")
    ]
    change(conn, entries)
    conn.commit()
    conn.close()


def _store(conn, seq, entry):
    conn.execute("UPDATE journal SET line = ? WHERE seq = ?", (journal.canonical(entry), seq))


def _reseal_from(conn, entries, start_index):
    """Recompute prev and hash from an index on, hiding an edit from the hash checks."""
    prev = entries[start_index - 1]["hash"] if start_index else journal.GENESIS
    for entry in entries[start_index:]:
        entry["prev"] = prev
        entry["hash"] = journal.entry_hash(entry)
        prev = entry["hash"]
        _store(conn, entry["seq"], entry)


def _assert_broken(cli, seq, words):
    result = cli("journal", "verify")
    assert result.code == 1, result
    assert f"journal broken at seq {seq}:" in result.err
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_verify_catches_an_altered_amount(journal_with_sales, home, cli):
    def change(conn, entries):
        entries[2]["body"]["lines"][0]["amount_fen"] = 100
        entries[2]["body"]["total_fen"] = 100
        _store(conn, 3, entries[2])

    _tamper(home, change)
    _assert_broken(cli, 3, "hash mismatch")


def test_verify_catches_an_altered_amount_even_when_resealed(journal_with_sales, home, cli):
    def change(conn, entries):
        entries[3]["body"]["payments"][0]["amount_fen"] -= 100
        entries[3]["hash"] = journal.entry_hash(entries[3])
        _store(conn, 4, entries[3])

    _tamper(home, change)
    _assert_broken(cli, 4, "payments")


def test_verify_catches_a_deleted_entry(journal_with_sales, home, cli):
    _tamper(home, lambda conn, entries: conn.execute("DELETE FROM journal WHERE seq = 4"))
    _assert_broken(cli, 4, "missing or out of order")


def test_verify_catches_a_deleted_last_entry_by_the_grand_total_seen_elsewhere(
    journal_with_sales, home
):
    # Removing the newest entry leaves a valid shorter chain; the perpetual grand total
    # on the last receipt and at HQ no longer matches the journal's.
    before = journal_with_sales.verify_journal()
    _tamper(home, lambda conn, entries: conn.execute("DELETE FROM journal WHERE seq = 5"))
    after = journal_with_sales.verify_journal()
    assert after.ok and after.grand_total_fen < before.grand_total_fen
    assert after.head_hash != before.head_hash


def test_verify_catches_swapped_entries(journal_with_sales, home, cli):
    def change(conn, entries):
        _store(conn, 3, entries[3])
        _store(conn, 4, entries[2])

    _tamper(home, change)
    _assert_broken(cli, 3, "missing or out of order")


def test_verify_catches_an_edited_hash(journal_with_sales, home, cli):
    def change(conn, entries):
        entries[2]["hash"] = "f" * 64
        _store(conn, 3, entries[2])

    _tamper(home, change)
    _assert_broken(cli, 3, "hash mismatch")


def test_verify_catches_a_rehashed_entry_by_the_broken_chain(journal_with_sales, home, cli):
    def change(conn, entries):
        entries[2]["body"]["cashier"] = "someone else"
        entries[2]["hash"] = journal.entry_hash(entries[2])
        _store(conn, 3, entries[2])

    _tamper(home, change)
    _assert_broken(cli, 4, "broken chain")


def test_verify_catches_a_wrong_grand_total_with_valid_hashes(journal_with_sales, home, cli):
    def change(conn, entries):
        entries[3]["body"]["grand_total_fen"] += 1000
        _reseal_from(conn, entries, 3)

    _tamper(home, change)
    _assert_broken(cli, 4, "grand total off")


def test_verify_of_an_exported_file_catches_a_changed_line(journal_with_sales, cli, tmp_path):
    out = tmp_path / "export.jsonl"
    assert cli("journal", "export", "--out", str(out)).code == 0
    assert cli("journal", "verify", "--file", str(out)).code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    changed = lines[4].replace('"total_fen":6980', '"total_fen":698')
    assert changed != lines[4]  # the last sale (seq 5) really was changed
    lines[4] = changed
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("journal", "verify", "--file", str(out))
    assert result.code == 1 and "seq 5" in result.err


def test_the_database_refuses_to_change_or_delete_entries(journal_with_sales, home):
    conn = sqlite3.connect(home / DB_NAME)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE journal SET line = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM journal WHERE seq = 1")
    conn.close()


def test_a_twenty_line_auditor_verifier_agrees(journal_with_sales, cli):
    """The verifier docs/journal.md describes, written independently of sync.protocol.journal."""
    lines = cli("journal", "export").out.splitlines()
    prev, seq, grand = "0" * 64, 0, 0
    for line in lines:
        e = json.loads(line)
        h = e.pop("hash")
        canon = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(canon.encode()).hexdigest() == h
        assert e["prev"] == prev and e["seq"] == seq + 1
        if e["type"] == "sale":
            grand += e["body"]["total_fen"]
            assert e["body"]["grand_total_fen"] == grand
        prev, seq = h, e["seq"]
    assert seq == 1 + 4  # the shift_open, then the stock receipt and three sales


def _chain(bodies: list[tuple[str, dict]]) -> list[str]:
    """A sealed journal of the given (type, body) entries, as exported lines."""
    lines, prev = [], journal.GENESIS
    for seq, (kind, body) in enumerate(bodies, start=1):
        entry = journal.make_entry("T9", seq, kind, "2026-11-28T09:15:02.120Z", body, prev)
        lines.append(journal.canonical(entry))
        prev = entry["hash"]
    return lines


def _auditor(tmp_path, lines: list[str]) -> subprocess.CompletedProcess:
    path = tmp_path / "journal.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "sync.protocol", "verify", str(path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )


SHIFT = ("shift_open", {"shift_id": "s1", "by": "王强", "float_fen": 10000})
SALE = {
    "sale_id": "a1",
    "cashier": "李娜",
    "lines": [
        {"product_id": "P1", "barcode": "6970006000011", "name": "茶油", "qty": 2,
         "unit_price_fen": 8800, "amount_fen": 17600},
    ],
    "total_fen": 17600,
    "payments": [{"method": "cash", "amount_fen": 20000}],
    "change_fen": 2400,
    "grand_total_fen": 17600,
}  # fmt: skip


def test_the_contracts_auditor_command_accepts_a_sound_journal(tmp_path):
    result = _auditor(tmp_path, _chain([SHIFT, ("sale", SALE)]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: 2 entries") and "grand total 17600 fen" in result.stdout


def test_the_contracts_auditor_command_names_a_body_the_contract_refuses(tmp_path):
    """A chain sealed over a sale with no cashier is intact but not a valid sale."""
    nameless = {key: value for key, value in SALE.items() if key != "cashier"}
    result = _auditor(tmp_path, _chain([SHIFT, ("sale", nameless)]))
    assert result.returncode == 1
    assert result.stdout.strip() == "BROKEN at seq 2: a sale needs sale_id and cashier"


# --- HQ's business checks, run by the terminal before it writes ------------------------------


def _oil_at(price_fen: int) -> bytes:
    """The demo catalog with 酉阳茶油 repriced, as HQ would send it."""
    text = DEMO_CATALOG.read_text(encoding="utf-8")
    return text.replace(",piece,8800,粮油,", f",piece,{price_fen},粮油,").encode("utf-8")


def test_a_line_scanned_before_a_reprice_still_sells_at_the_price_it_was_scanned(terminal):
    cart = Cart()
    terminal.add_to_cart(cart, OIL)  # ￥88.00
    terminal.import_catalog(_oil_at(9900))  # a catalog pull reprices it while the customer waits
    sale = terminal.checkout(
        cart, [Payment("cash", 8800)], terminal.authenticate(CASHIER, CASHIER_PIN)
    )
    assert sale["body"]["lines"][0]["unit_price_fen"] == 8800
    cart = Cart()
    terminal.add_to_cart(cart, OIL)
    assert cart.lines[0].product.price_fen == 9900  # the next customer pays the new price
    terminal.import_catalog(_oil_at(10500))  # and HQ reprices again before they pay
    sale = terminal.checkout(
        cart, [Payment("cash", 9900)], terminal.authenticate(CASHIER, CASHIER_PIN)
    )
    assert sale["body"]["lines"][0]["unit_price_fen"] == 9900


@pytest.mark.parametrize(
    ("product", "price", "rule"),
    [("6970006000011", 1, "price_not_in_catalog"), ("NEVER-SOLD-HERE", 8800, "unknown_product")],
)
def test_an_entry_hq_would_quarantine_is_never_written(terminal, home, product, price, rule):
    from pos.store import journal as journal_db

    sale = _sell(terminal, [OIL], [Payment("cash", 8800)])  # a real body to bend
    line = sale["body"]["lines"][0]
    if product == "6970006000011":
        product = line["product_id"]
    line.update(product_id=product, unit_price_fen=price, amount_fen=price)
    body = {k: v for k, v in sale["body"].items() if k != "grand_total_fen"}
    body.update(sale_id="S-BENT", total_fen=price)
    body["payments"] = [{"method": "cash", "amount_fen": price}]
    before = fingerprint(home / DB_NAME)
    with pytest.raises(ValueError, match=rule), terminal.store.write() as conn:
        journal_db.append(conn, "T1", "sale", body, sale["at"])
    assert fingerprint(home / DB_NAME) == before
