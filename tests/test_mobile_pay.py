"""Mobile payments collected through HQ, from the command line and the use cases, against the
real HQ (its payments API on a real HTTP server, tests/support/live.py) and the gateway
simulator behind it, whose amount picks the scenario (docs/payments.md): a sale's mobile
tender matches a paid attempt, failures and an unreachable HQ record nothing, and open
attempts are settled after a crash. Every test ends with the money at the gateway equal to
the journal's mobile tenders."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading

import pytest
from sqlalchemy import select

from pos.cart import Cart, Payment
from pos.errors import Refused
from pos.terminal import Terminal
from pos.usecases import mobile_pay
from sync.client import SyncClient
from sync.server.payments import booths
from sync.server.tables import payment_attempts
from tests.server.payments_support import code, serve_payments, set_up_booth
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, pin_file
from tests.support.pay_hq import enrol_with, start_pay_hq

OIL_FEN = 8800


@pytest.fixture
def db_url(tmp_path, sqlite_template):
    """HQ on SQLite here: the payments API on both engines is HQ's own tests' part."""
    path = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    yield live, token
    http_server[1].app = None


def configure(home, **payments) -> None:
    lines = ["", "[payments]", "poll_ms = 50"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in payments.items()]
    with (home / "booth.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n".join(lines) + "\n")


@pytest.fixture
def till(terminal, home, hq):
    """The test's terminal enrolled at the real HQ (booth B1, both gateways), polling every
    50 ms."""
    live, token = hq
    enrol_with(terminal, live.url, token)
    configure(home)
    return terminal


def sell(cli, *pay: str, code_: str | None = None):
    args = ["sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN), "--item", OIL, "--json"]
    for p in pay:
        args += ["--pay", p]
    if code_ != "":
        args += ["--code", code_ or code("wechat")]
    return cli(*args)


def journal_sales(home) -> list[dict]:
    conn = sqlite3.connect(home / "booth.db")
    try:
        rows = conn.execute("SELECT line FROM journal WHERE type = 'sale' ORDER BY seq").fetchall()
    finally:
        conn.close()
    return [json.loads(r[0]) for r in rows]


def attempts(home) -> list[dict]:
    term = Terminal.open(home)
    try:
        return [vars(a) for a in term.payment_attempts()]
    finally:
        term.close()


def hq_attempts(hq) -> dict[str, tuple]:
    live, _ = hq
    with live.engine.connect() as conn:
        rows = conn.execute(select(payment_attempts)).all()
    return {r.out_trade_no: (r.state, r.amount_fen, r.transaction_id) for r in rows}


def mobile_tenders(home) -> dict[str, int]:
    return {
        p["out_trade_no"]: p["amount_fen"]
        for sale in journal_sales(home)
        for p in sale["body"]["payments"]
        if p.get("out_trade_no")
    }


def money_at_the_gateway(simulator) -> dict[str, int]:
    return {o["out_trade_no"]: o["money_fen"] for o in simulator.ledger()["orders"] if o["money_fen"]}  # fmt: skip


def all_square(home, hq, simulator) -> None:
    """The gateway holds exactly the journal's mobile tenders, each a paid attempt at HQ,
    and nothing is left waiting at the gateway, at HQ or at the till."""
    tenders = mobile_tenders(home)
    assert money_at_the_gateway(simulator) == tenders
    at_hq = hq_attempts(hq)
    assert all(at_hq[n][:2] == ("paid", fen) for n, fen in tenders.items())
    assert [n for n, (state, *_) in at_hq.items() if state in ("waiting", "unknown")] == []
    assert simulator.ledger()["waiting"] == 0
    term = Terminal.open(home)
    try:
        assert term.unsettled_payments() == []
    finally:
        term.close()


def _oil_cart(till):
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    return cart, cashier


@pytest.mark.parametrize("method", ["wechat", "alipay"])
def test_a_paid_code_makes_a_sale_whose_tender_names_the_attempt(till, home, hq, cli, simulator, method):  # fmt: skip
    pay_code = code(method)
    result = sell(cli, code_=pay_code)
    assert result.code == 0, result
    [pay] = json.loads(result.out)["body"]["payments"]
    number = pay["out_trade_no"]
    state, fen, transaction_id = hq_attempts(hq)[number]
    assert pay == {
        "method": method,
        "amount_fen": OIL_FEN,
        "reference": mobile_pay.mask(pay_code),
        "out_trade_no": number,
        "transaction_id": transaction_id,
    }
    assert (state, fen) == ("paid", OIL_FEN)
    assert len(number) <= 32 and number.split("-")[0] == mobile_pay.new_out_trade_no(till)[:10]
    [attempt] = attempts(home)
    assert (attempt["state"], attempt["settled"]) == ("paid", "sale")
    assert attempt["extra"]["sale_seq"] == json.loads(result.out)["seq"]
    all_square(home, hq, simulator)


def test_the_attempt_is_committed_before_hq_hears_of_it(terminal, home, cli):
    """A stand-in HQ (tests/support/pay_hq.py), because the real one cannot show it: the
    stand-in looks into the till's booth.db at the moment the request arrives, before it
    answers, which a real server has no reason to do."""
    stand_in, server = start_pay_hq()
    try:
        enrol_with(terminal, stand_in.url)
        configure(home)
        seen = []

        def look_into_the_till(body):
            conn = sqlite3.connect(home / "booth.db")
            try:
                seen.append(conn.execute(
                    "SELECT state, amount_fen FROM payment_attempts WHERE out_trade_no = ?",
                    (body["out_trade_no"],),
                ).fetchone())  # fmt: skip
            finally:
                conn.close()

        stand_in.on_create = look_into_the_till
        result = sell(cli)
        assert result.code == 0, result
        assert seen == [("created", OIL_FEN)]
    finally:
        server.shutdown()
        server.server_close()


def test_a_password_wait_is_polled_until_paid_and_a_split_collects_what_is_left(till, home, hq, cli, simulator):  # fmt: skip
    result = sell(cli, "cash:8699")  # ￥1.01 left for the phone: 2 queries, then paid
    assert result.code == 0, result
    [order] = simulator.ledger()["orders"]
    assert (order["queries"], order["state"], order["amount_fen"]) == (2, "PAID", 101)
    pays = json.loads(result.out)["body"]["payments"]
    assert [(p["method"], p["amount_fen"]) for p in pays] == [("cash", 8699), ("wechat", 101)]
    all_square(home, hq, simulator)


@pytest.mark.parametrize(
    ("cash", "method", "sentence"),
    [
        ("cash:8697", "wechat", "balance is not enough"),  # ￥1.03
        ("cash:8696", "alipay", "payment code is not valid"),  # ￥1.04
        ("cash:8695", "wechat", "already used"),  # ￥1.05
    ],
)
def test_a_failed_payment_says_why_and_records_nothing(till, home, hq, cli, simulator, cash, method, sentence):  # fmt: skip
    result = sell(cli, cash, code_=code(method))
    assert result.code == 1 and sentence in result.err, result
    assert journal_sales(home) == []
    [attempt] = attempts(home)
    assert (attempt["state"], attempt["settled"]) == ("failed", "failed")
    assert [s for s, *_ in hq_attempts(hq).values()] == ["failed"]
    all_square(home, hq, simulator)


@pytest.mark.parametrize("method", ["wechat", "alipay"])
def test_a_system_error_or_a_lost_answer_at_the_gateway_still_ends_paid(till, home, hq, cli, simulator, method):  # fmt: skip
    """￥1.06: the gateway answers a system error but took the money; ￥1.07: it took the
    money and the answer was lost. HQ asks at once; the till gets paid and sells."""
    for cash in ("cash:8694", "cash:8693"):
        result = sell(cli, cash, code_=code(method))
        assert result.code == 0, result
    assert sorted(mobile_tenders(home).values()) == [106, 107]
    all_square(home, hq, simulator)


def test_a_customer_who_never_confirms_is_cancelled_at_the_limit(till, home, hq, cli, simulator, monkeypatch):  # fmt: skip
    monkeypatch.setitem(mobile_pay.WAIT_LIMIT_S, "alipay", 0.3)
    result = sell(cli, "cash:8698", code_=code("alipay"))  # ￥1.02: never confirms
    assert result.code == 1 and "did not confirm in time" in result.err, result
    assert journal_sales(home) == []
    [attempt] = attempts(home)
    assert attempt["settled"] == "cancelled"
    [order] = simulator.ledger()["orders"]
    assert order["state"] == "REVOKED" and order["money_fen"] == 0
    assert [s for s, *_ in hq_attempts(hq).values()] == ["cancelled"]
    all_square(home, hq, simulator)


def test_a_booth_not_set_up_at_hq_says_so_and_records_nothing(till, home, hq, cli, simulator):
    live, _ = hq
    with live.engine.begin() as conn:
        booths.set_booth(conn, "B1", "cli:test", "", "")  # HQ takes the booth's ids away
    result = sell(cli)
    assert result.code == 1, result
    assert "Mobile payments are not set up for this booth at HQ" in result.err
    assert "HQ cannot be reached" not in result.err
    assert journal_sales(home) == []
    [attempt] = attempts(home)
    assert (attempt["state"], attempt["settled"]) == ("failed", "failed")
    assert hq_attempts(hq) == {} and simulator.ledger()["total_calls"] == 0
    # nothing is left open: the next payment is not held up by this one
    with live.engine.begin() as conn:
        booths.set_booth(conn, "B1", "cli:test", "1900000109", "")
    assert sell(cli).code == 0


def test_hq_unreachable_refuses_mobile_payments_and_records_nothing(terminal, home, cli):
    enrol_with(terminal, "http://127.0.0.1:9")  # nothing listens on the discard port
    configure(home)
    result = sell(cli)
    assert result.code == 1 and "HQ cannot be reached" in result.err, result
    assert journal_sales(home) == []
    # the attempt may have reached HQ: it stays open, and mobile payments stop until settled
    [attempt] = attempts(home)
    assert attempt["settled"] is None
    again = sell(cli)
    assert again.code == 1 and "HQ cannot be reached" in again.err


def test_reference_only_records_the_code_when_hq_is_unreachable(terminal, home, cli):
    configure(home, reference_only=True)  # not enrolled: no HQ at all
    pay_code = code("wechat")
    result = sell(cli, code_=pay_code)
    assert result.code == 0, result
    [pay] = json.loads(result.out)["body"]["payments"]
    assert pay == {"method": "wechat", "amount_fen": OIL_FEN, "reference": pay_code}


def test_a_mobile_reference_alone_is_refused_unless_reference_only(terminal, home, cli):
    result = sell(cli, f"wechat:8800:{code('wechat')}", code_="")
    assert result.code == 1 and "--code" in result.err
    assert journal_sales(home) == []


def test_a_sale_cannot_claim_a_payment_that_was_not_paid(till):
    cart, cashier = _oil_cart(till)
    forged = Payment("wechat", OIL_FEN, "", out_trade_no="0123456789-x", transaction_id="42")
    with pytest.raises(Refused, match="not a paid mobile payment"):
        till.checkout(cart, [forged], cashier)
    assert till.head_seq() == 1  # the shift_open only


def test_a_paid_attempt_without_its_sale_comes_back_as_a_held_sale(till, home, hq, simulator):
    """The till stopped between HQ's "paid" and the sale: at start-up the cart comes back
    with the payment on it, and finishing it settles the attempt."""
    cart, cashier = _oil_cart(till)
    gateway = SyncClient(till)
    pay_code = code("wechat")
    paid = till.begin_mobile_payment(cart, pay_code, OIL_FEN, cashier)
    gateway.create_payment(paid.out_trade_no, "wechat", pay_code, OIL_FEN, "test")  # a crash
    done = till.settle_payments(gateway)
    assert (len(done.restored), done.cancelled, done.still_open) == (1, 0, 0)
    [held] = till.held_sales()
    assert (held["mobile_paid_fen"], held["mobile_methods"]) == (OIL_FEN, ["wechat"])
    resumed = till.resume_sale(held["id"])
    assert [(p.out_trade_no, p.amount_fen) for p in resumed.collected] == [(paid.out_trade_no, OIL_FEN)]  # fmt: skip
    entry = till.checkout(resumed, list(resumed.collected), cashier)
    assert entry["body"]["payments"][0]["out_trade_no"] == paid.out_trade_no
    assert money_at_the_gateway(simulator) == {paid.out_trade_no: OIL_FEN}
    all_square(home, hq, simulator)


def test_a_payment_left_waiting_by_a_crash_is_cancelled_at_start_up(till, home, hq, simulator):
    cart, cashier = _oil_cart(till)
    gateway = SyncClient(till)
    pay_code = code("alipay")
    waiting = till.begin_mobile_payment(cart, pay_code, 102, cashier)  # never confirms
    answer = gateway.create_payment(waiting.out_trade_no, "alipay", pay_code, 102, "t")  # crash
    assert answer["state"] == "waiting"
    done = till.settle_payments(gateway)
    assert (done.restored, done.cancelled) == ([], 1)
    assert hq_attempts(hq)[waiting.out_trade_no][0] == "cancelled"
    assert till.unsettled_payments() == [] and till.held_sales() == []
    all_square(home, hq, simulator)


def test_an_attempt_hq_never_received_ends_as_not_sent_and_stays_dead(till, home, hq, simulator):
    cart, cashier = _oil_cart(till)
    pay_code = code("wechat")
    lost = till.begin_mobile_payment(cart, pay_code, OIL_FEN, cashier)  # killed before the POST
    done = till.settle_payments(SyncClient(till))
    assert done.not_sent == 1 and till.unsettled_payments() == []
    [attempt] = till.payment_attempts()
    assert attempt.settled == "not_sent"
    assert hq_attempts(hq) == {lost.out_trade_no: ("cancelled", 0, None)}
    # the request that was on its way when the till died arrives now: refused
    with pytest.raises(mobile_pay.PaymentRefused, match="cannot be used again"):
        SyncClient(till).create_payment(lost.out_trade_no, "wechat", pay_code, OIL_FEN, "late")
    assert simulator.ledger()["total_calls"] == 0
    all_square(home, hq, simulator)


def test_open_attempts_stop_new_mobile_payments_until_hq_answers(till, home, hq, http_server, simulator):  # fmt: skip
    cart, cashier = _oil_cart(till)
    till.begin_mobile_payment(cart, code("wechat"), OIL_FEN, cashier)
    slot = http_server[1]
    app, slot.app = slot.app, None  # HQ down: the proxy in front of it answers 503
    try:
        with pytest.raises(mobile_pay.HqUnreachable):
            till.settle_payments(SyncClient(till))
        with pytest.raises(Refused, match="still being settled"):
            till.begin_mobile_payment(Cart(cart.lines), code("alipay"), OIL_FEN, cashier)
    finally:
        slot.app = app
    till.settle_payments(SyncClient(till))
    assert till.begin_mobile_payment(Cart(cart.lines), code("alipay"), OIL_FEN, cashier).state == "created"  # fmt: skip


def test_held_sales_with_a_collected_payment_are_not_discarded(till, hq, simulator):
    cart, cashier = _oil_cart(till)
    gateway = SyncClient(till)
    pay_code = code("wechat")
    paid = till.begin_mobile_payment(cart, pay_code, OIL_FEN, cashier)
    gateway.create_payment(paid.out_trade_no, "wechat", pay_code, OIL_FEN, "test")
    till.settle_payments(gateway)
    manager = till.authenticate(MANAGER, MANAGER_PIN)
    with pytest.raises(Refused, match="mobile payment already collected"):
        till.discard_held_sales(manager)
    assert len(till.held_sales()) == 1
    assert money_at_the_gateway(simulator) == {paid.out_trade_no: OIL_FEN}


def test_hq_is_asked_from_a_worker_thread_as_the_window_does(till, hq, simulator):
    """The window asks HQ on its worker threads; the till's database connection belongs to
    the UI thread, so a payment call must not touch it (it once read the unsynced count)."""
    cart, cashier = _oil_cart(till)
    pay_code = code("alipay")
    attempt = till.begin_mobile_payment(cart, pay_code, OIL_FEN, cashier)
    client = SyncClient(till)  # made on this thread, as the window makes it
    outcome: dict = {}

    def ask_hq():
        try:
            outcome["answer"] = client.create_payment(attempt.out_trade_no, "alipay", pay_code, OIL_FEN, "t")  # fmt: skip
            outcome["asked_again"] = client.query_payment(attempt.out_trade_no)
        except Exception as exc:  # noqa: BLE001 (reported below, with its type)
            outcome["error"] = exc

    worker = threading.Thread(target=ask_hq)
    worker.start()
    worker.join(30)
    assert "error" not in outcome, repr(outcome.get("error"))
    assert outcome["answer"]["state"] == outcome["asked_again"]["state"] == "paid"
