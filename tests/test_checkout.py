"""Checkout: one transaction for the sale, its lines, payments, stock and journal entry."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from pos import pins
from pos.cart import Cart, Payment
from pos.errors import NotFound, Refused
from pos.store import sales as sales_db
from pos.terminal import Terminal
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    EXPIRED,
    OIL,
    ORANGES_PLU,
    RICE,
    pin_file,
    scale_label,
)


def _cashier(terminal):
    return terminal.authenticate(CASHIER, CASHIER_PIN)


def _counts(terminal):
    conn = terminal.store.conn
    return {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("journal", "sales", "sale_lines", "payments", "stock_movements")
    }


def test_checkout_writes_sale_lines_payments_stock_and_journal_together(terminal):
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 2)
    terminal.add_to_cart(cart, scale_label("21", ORANGES_PLU, 1234))
    terminal.add_to_cart(cart, RICE)
    terminal.add_to_cart(cart, "20001", 3)  # quick-key PLU of a piece product
    entry = terminal.checkout(
        cart,
        [Payment("alipay", 20000, "281234567890123456"), Payment("cash", 10000)],
        _cashier(terminal),
    )
    assert _counts(terminal) == {
        "journal": 1 + 1,  # the shift_open at seq 1, then the sale
        "sales": 1,
        "sale_lines": 4,
        "payments": 2,
        "stock_movements": 4,
    }
    body = entry["body"]
    assert body["total_fen"] == 17600 + 1580 + 6980 + 750
    assert body["change_fen"] == 30000 - body["total_fen"]
    assert [line.get("qty") for line in body["lines"]] == [2, None, 1, 3]
    assert body["lines"][1]["weight_g"] == 1234 and body["lines"][1]["unit_price_fen"] == 1280
    assert body["payments"][0] == {
        "method": "alipay",
        "amount_fen": 20000,
        "reference": "281234567890123456",
    }
    assert entry["seq"] == 2  # seq 1 is the shift_open the manager wrote
    stored = terminal.store.conn.execute("SELECT line FROM journal WHERE seq = 2").fetchone()[0]
    assert json.loads(stored) == entry
    moves = dict(terminal.store.conn.execute("SELECT product_id, delta FROM stock_movements"))
    assert moves["PLU10001"] == -1234 and moves["06970006000011"] == -2
    assert terminal.receipt_no(entry["seq"]) == "T1-000002"


def test_a_failure_inside_checkout_leaves_nothing_and_uses_no_seq(terminal, monkeypatch):
    cart = Cart()
    terminal.add_to_cart(cart, OIL)

    def broken(conn, entry):
        conn.execute(
            "INSERT INTO sales (sale_id, seq, at, cashier, total_fen, change_fen) VALUES ('x', 1, '', '', 0, 0)"
        )
        raise OSError("power cut while writing")

    monkeypatch.setattr(sales_db, "insert_sale", broken)
    before = _counts(terminal)
    assert before == {"journal": 1, "sales": 0, "sale_lines": 0, "payments": 0, "stock_movements": 0}  # fmt: skip
    with pytest.raises(OSError):
        terminal.checkout(cart, [Payment("cash", 8800)], _cashier(terminal))
    assert _counts(terminal) == before  # only the shift_open at seq 1
    monkeypatch.undo()
    entry = terminal.checkout(cart, [Payment("cash", 8800)], _cashier(terminal))
    assert entry["seq"] == 2 and terminal.verify_journal().ok


def test_priced_scale_label_charges_the_printed_price(terminal):
    cart = Cart()
    line = terminal.add_to_cart(cart, scale_label("20", "10003", 1590))
    assert line.amount_fen == 1590 and line.product.name == "巫山脆李"


def test_scale_label_with_unknown_plu_is_refused(terminal):
    with pytest.raises(NotFound, match="PLU 99999, which is not in the catalog"):
        terminal.add_to_cart(Cart(), scale_label("21", "99999", 500))


def test_expired_certificate_warns_by_default_and_is_recorded(terminal):
    cart = Cart()
    line = terminal.add_to_cart(cart, EXPIRED)
    assert line.certificate == "expired"
    entry = terminal.checkout(cart, [Payment("cash", 5000)], _cashier(terminal))
    assert entry["body"]["lines"][0]["certificate_expired"] is True


def test_expired_certificate_is_blocked_when_the_booth_says_block(terminal, home):
    (home / "booth.toml").write_text('[sale]\ncertificate_policy = "block"\n', encoding="utf-8")
    blocking = Terminal.open(home)
    with pytest.raises(Refused, match="expired on 2026-10-31: it cannot be sold"):
        blocking.add_to_cart(Cart(), EXPIRED)
    blocking.close()


def test_certificate_expiry_follows_the_booths_local_date(terminal, home):
    # 2026-10-31T16:30Z is already 1 November in Chongqing (UTC+8).
    late = Terminal.open(home, clock=lambda: datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
    assert late.add_to_cart(Cart(), EXPIRED).certificate == "expired"
    early = Terminal.open(home, clock=lambda: datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    assert early.add_to_cart(Cart(), EXPIRED).certificate == "expiring"


def test_stock_on_hand_is_the_sum_of_movements(terminal, cli):
    terminal.receive_stock(OIL, 24, "HQ delivery")
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 3)
    terminal.checkout(cart, [Payment("cash", 30000)], _cashier(terminal))
    terminal.adjust_stock(OIL, -1, "bottle broken")
    shown = json.loads(cli("stock", "show", OIL, "--json").out)
    assert shown == [
        {
            "product_id": "06970006000011",
            "name": "酉阳茶油500ml",
            "unit": "piece",
            "on_hand": 20,
            "movements": 3,
        }
    ]
    types = [json.loads(line)["type"] for line in terminal.export_journal()]
    assert types == ["shift_open", "stock_receive", "sale", "stock_adjust"]
    assert terminal.verify_journal().ok


def test_stock_changes_need_a_sensible_quantity_and_a_reason(terminal, cli):
    assert "positive" in cli("stock", "receive", OIL, "0").err
    result = cli("stock", "adjust", OIL, "-2", "--reason", " ")
    assert result.code == 1 and "Say why" in result.err
    # only the shift_open the fixture wrote: neither refused change reached the journal
    assert terminal.store.conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 1


def test_cli_sale_prints_the_journal_entry_it_wrote(terminal, cli):
    label = scale_label("21", ORANGES_PLU, 800)
    result = cli("sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN), "--item", f"{OIL}*2", "--item", label,
                 "--pay", "card:10000:POS-778812", "--pay", "cash:10000", "--json")  # fmt: skip
    assert result.code == 0, result
    entry = json.loads(result.out)
    assert entry["body"]["total_fen"] == 17600 + 1024
    assert entry["body"]["change_fen"] == 20000 - 18624
    assert entry["seq"] == 2  # after the shift_open at seq 1
    assert list(terminal.export_journal())[-1] == result.out.strip()


def test_cli_sale_warns_about_an_expired_certificate(terminal, cli):
    result = cli(
        "sale",
        "--cashier",
        CASHIER,
        *pin_file(CASHIER_PIN),
        "--item",
        EXPIRED,
        "--pay",
        "cash:3980",
    )
    assert result.code == 0
    assert (
        "warning: the certificate CQFP-2024-013621 of 黔江鸡杂350g expired on 2026-10-31"
        in result.err
    )
    assert "Sale T1-000002: ￥39.80" in result.out  # T1-000001 is the shift_open


def test_init_refuses_another_terminal_id_and_is_safe_to_repeat(terminal, cli):
    result = cli("init", "--terminal", "T2", "--booth-name", "别的专柜")
    assert result.code == 1 and "already belongs to terminal T1" in result.err
    again = cli("init", "--terminal", "T1", "--booth-name", "奉节县扶贫产品专柜", "--json")
    assert again.code == 0 and json.loads(again.out)["created"] is False


def test_pins_are_stored_only_as_salted_hashes(terminal, home):
    raw = (home / "booth.db").read_bytes()
    for pin in (b"2468", b"1357"):  # not as a value of its own (random hex may hold the digits)
        assert re.search(rb"(?<![0-9a-f])" + pin + rb"(?![0-9a-f])", raw) is None
    hashes = [u.pin_hash for u in terminal.users()]
    assert all(h.startswith("scrypt$") for h in hashes) and len(set(hashes)) == 2


def test_outside_the_tests_pins_are_hashed_at_the_strong_scrypt_cost():
    # The tests lower the cost (tests/conftest.py); a fresh interpreter has pos/pins.py's own.
    made = subprocess.run(
        [sys.executable, "-c", "from pos import pins; print(pins.hash_pin('2468'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    scheme, n, r, p, salt, digest = made.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    # A hash carries its cost: a strong one verifies here, a cheap one verifies anywhere.
    assert pins.pin_matches("2468", made) and not pins.pin_matches("2469", made)
    cheap = pins.hash_pin("2468")
    assert cheap.split("$")[1:4] != made.split("$")[1:4]
    assert pins.pin_matches("2468", cheap) and not pins.pin_matches("1357", cheap)


def test_wrong_pins_lock_the_user_out_for_longer_each_time(home, terminal):
    now = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    clocked = Terminal.open(home, clock=lambda: now)
    for left in (4, 3, 2, 1):
        with pytest.raises(Refused, match=f"{left} more tries"):
            clocked.authenticate(CASHIER, "0000")
    with pytest.raises(Refused, match="Locked for 60 s"):
        clocked.authenticate(CASHIER, "0000")
    with pytest.raises(Refused, match="Too many wrong PINs"):
        clocked.authenticate(CASHIER, CASHIER_PIN)  # even the right PIN waits
    now += timedelta(seconds=61)
    with pytest.raises(Refused, match="Locked for 120 s"):
        clocked.authenticate(CASHIER, "1111")
    now += timedelta(seconds=121)
    assert clocked.authenticate(CASHIER, CASHIER_PIN).name == CASHIER
    assert {u.name: u.failed_attempts for u in clocked.users()}[CASHIER] == 0


def test_quick_keys_follow_the_booths_list_or_a_per_category_limit(terminal, home):
    automatic = terminal.quick_keys()
    assert [p.plu for p in automatic["水果"]][:2] == ["10001", "10002"]
    (home / "booth.toml").write_text("[sale]\nquick_keys_per_category = 1\n", encoding="utf-8")
    limited = Terminal.open(home).quick_keys()
    assert all(len(products) == 1 for products in limited.values())
    (home / "booth.toml").write_text(
        '[sale]\nquick_keys = ["10003", "20001", "99999"]\n', encoding="utf-8"
    )
    chosen = Terminal.open(home).quick_keys()
    assert {cat: [p.plu for p in ps] for cat, ps in chosen.items()} == {
        "水果": ["10003"],
        "调味品": ["20001"],
    }


def test_bad_scanner_and_quick_key_settings_are_named(terminal, home, cli):
    (home / "booth.toml").write_text('[scanner]\nsuffix = "space"\n', encoding="utf-8")
    result = cli("stock", "show")
    assert result.code == 1 and "scanner.suffix must be 'enter' or 'tab'" in result.err
    (home / "booth.toml").write_text("[sale]\nquick_keys = [10001]\n", encoding="utf-8")
    result = cli("stock", "show")
    assert result.code == 1 and "sale.quick_keys should be a list of text" in result.err
