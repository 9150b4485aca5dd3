"""Mobile payments through HQ, end to end: a terminal's call, HQ's record, the real SDK
adapters talking to the gateway simulator, every scenario on both gateways, ending with
the money at the gateway equal to what HQ says was paid and nothing left waiting."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from sync.protocol.payments import MESSAGES, make_out_trade_no
from sync.server.tables import payment_attempts, payment_events
from tests.server.payments_support import (
    ask,
    code,
    number,
    pay,
    revoke,
    serve_payments,
    set_up_booth,
)

METHODS = ("wechat", "alipay")


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    yield live, token
    http_server[1].app = None


def _settled(live, simulator) -> None:
    """Money at the gateway == HQ's paid attempts; nothing waiting anywhere."""
    ledger = simulator.ledger()
    with live.engine.connect() as conn:
        paid = conn.execute(
            select(func.coalesce(func.sum(payment_attempts.c.amount_fen), 0)).where(
                payment_attempts.c.state == "paid"
            )
        ).scalar()
        open_ = conn.execute(
            select(func.count()).where(payment_attempts.c.state.in_(("waiting", "unknown")))
        ).scalar()
    assert ledger["money_fen"] == paid, ledger["orders"]
    assert open_ == 0
    assert ledger["waiting"] == 0, ledger["orders"]


@pytest.mark.parametrize("method", METHODS)
def test_a_payment_is_paid_at_once_and_recorded_with_the_gateway_answer(hq, simulator, method):
    live, token = hq
    no = number()
    response = pay(live, token, method, 1580, no)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "paid" and body["amount_fen"] == 1580 and body["out_trade_no"] == no
    assert body["transaction_id"] and body["message"] == MESSAGES["paid"]
    with live.engine.connect() as conn:
        row = conn.execute(select(payment_attempts).where(payment_attempts.c.out_trade_no == no)).one()  # fmt: skip
        actions = conn.execute(
            select(payment_events.c.action).where(payment_events.c.out_trade_no == no)
        ).scalars().all()  # fmt: skip
    assert row.state == "paid" and row.auth_code.startswith("*" * 10) and len(row.auth_code) >= 16
    assert actions == ["create", "pay"]
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
def test_a_customer_confirming_on_the_phone_is_paid_after_queries(hq, simulator, method):
    live, token = hq
    no = number()
    assert pay(live, token, method, 101, no).json()["state"] == "waiting"
    assert ask(live, token, no).json()["state"] == "waiting"
    answer = ask(live, token, no).json()
    assert answer["state"] == "paid" and answer["transaction_id"]
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
def test_a_customer_who_never_confirms_is_revoked_by_hq_at_the_limit(hq, simulator, method):
    live, token = hq
    no = number()
    assert pay(live, token, method, 102, no).json()["state"] == "waiting"
    assert ask(live, token, no).json()["state"] == "waiting"
    with live.engine.begin() as conn:  # the customer's 2 s have passed
        conn.execute(
            update(payment_attempts)
            .where(payment_attempts.c.out_trade_no == no)
            .values(created_at="2020-01-01T00:00:00.000Z")
        )
    answer = ask(live, token, no).json()
    assert answer["state"] == "cancelled" and answer["message"] == MESSAGES["limit_reached"]
    assert simulator.ledger()["calls"][f"{method}.cancel"] == 1
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("amount", "reason"),
    [(103, "insufficient_balance"), (104, "code_invalid"), (105, "code_used")],
)
def test_a_refused_payment_fails_with_a_sentence_and_takes_no_money(hq, simulator, method, amount, reason):  # fmt: skip
    live, token = hq
    if method == "alipay" and reason == "code_used":
        reason = "code_invalid"  # Alipay says the same for a used code as for a wrong one
    answer = pay(live, token, method, amount).json()
    assert answer["state"] == "failed" and answer["message"] == MESSAGES[reason]
    assert answer["transaction_id"] is None
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
def test_a_code_used_twice_is_refused_the_second_time(hq, simulator, method):
    live, token = hq
    customer = code(method)
    assert pay(live, token, method, 500, auth_code=customer).json()["state"] == "paid"
    again = pay(live, token, method, 500, auth_code=customer).json()
    assert again["state"] == "failed"
    assert again["message"] in (MESSAGES["code_used"], MESSAGES["code_invalid"])
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("amount", [106, 107], ids=["system_error", "answer_lost"])
def test_a_payment_whose_answer_went_wrong_is_found_paid_by_asking(hq, simulator, method, amount):
    live, token = hq
    answer = pay(live, token, method, amount).json()
    assert answer["state"] == "paid" and answer["transaction_id"]
    assert simulator.ledger()["calls"][f"{method}.query"] == 1
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
def test_a_revoke_racing_the_customers_confirmation_refunds_the_money(hq, simulator, method):
    live, token = hq
    no = number()
    assert pay(live, token, method, 108, no).json()["state"] == "waiting"
    answer = revoke(live, token, no).json()
    assert answer["state"] == "cancelled"
    order = simulator.ledger()["orders"][0]
    assert order["collected_fen"] == 108 and order["refunded_fen"] == 108
    assert revoke(live, token, no).json()["state"] == "cancelled"  # idempotent
    assert simulator.ledger()["calls"][f"{method}.cancel"] == 1
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
def test_revoking_a_paid_payment_refunds_it(hq, simulator, method):
    live, token = hq
    no = number()
    assert pay(live, token, method, 2500, no).json()["state"] == "paid"
    answer = revoke(live, token, no).json()
    assert answer["state"] == "cancelled"
    assert simulator.ledger()["money_fen"] == 0
    _settled(live, simulator)


@pytest.mark.parametrize("method", METHODS)
def test_the_same_number_twice_is_the_same_payment(hq, simulator, method):
    live, token = hq
    no, customer = number(), code(method)
    first = pay(live, token, method, 880, no, customer).json()
    second = pay(live, token, method, 880, no, customer).json()
    assert first == second and first["state"] == "paid"
    assert simulator.ledger()["calls"][f"{method}.pay"] == 1
    for change in ({"amount_fen": 881}, {"auth_code": code(method)}):
        args = {"amount_fen": 880, "auth_code": customer} | change
        refused = pay(live, token, method, args["amount_fen"], no, args["auth_code"])
        assert refused.status_code == 409
        assert "another" in refused.json()["detail"]
    assert simulator.ledger()["calls"][f"{method}.pay"] == 1
    _settled(live, simulator)


BAD = [
    ({"method": "card"}, 422, "method"),
    ({"amount_fen": 0}, 422, "more than 0"),
    ({"amount_fen": -5}, 422, "more than 0"),
    ({"amount_fen": 500_001}, 422, "at most"),
    ({"amount_fen": 12.5}, 422, "amount_fen"),
    ({"amount_fen": "100"}, 422, "amount_fen"),
    ({"auth_code": "283456789012345678"}, 422, "WeChat Pay payment code"),
    ({"auth_code": "1345678901234567"}, 422, "WeChat Pay payment code"),
    ({"method": "alipay", "auth_code": "134567890123456789"}, 422, "Alipay payment code"),
    ({"out_trade_no": "x" * 33}, 422, "out_trade_no"),
    ({"out_trade_no": "T1-0001"}, 422, "out_trade_no"),
    ({"out_trade_no": make_out_trade_no("T2", "1")}, 403, "not this terminal's"),
    ({"description": "长" * 128}, 422, "description"),
]


@pytest.mark.parametrize(("change", "status", "words"), BAD)
def test_bad_input_is_refused_with_the_reason_and_never_reaches_the_gateway(hq, simulator, change, status, words):  # fmt: skip
    live, token = hq
    args = {"method": "wechat", "amount_fen": 100, "auth_code": code("wechat")} | change
    response = pay(live, token, **args)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert simulator.ledger()["total_calls"] == 0
    with live.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(payment_attempts)).scalar() == 0


def test_a_booth_without_gateway_ids_is_refused_before_the_gateway(hq, simulator):
    live, token = hq
    from tests.support.live import enrol

    other = enrol(live, "B2", "T9")
    response = pay(live, other, "wechat", 100, out_trade_no=number("T9"))
    assert response.status_code == 403 and MESSAGES["not_set_up"] in response.json()["detail"]
    assert simulator.ledger()["total_calls"] == 0


def test_another_terminals_payment_cannot_be_read_or_revoked(hq, simulator):
    live, token = hq
    from tests.support.live import enrol

    no = number()
    assert pay(live, token, "wechat", 300, no).json()["state"] == "paid"
    other = enrol(live, "B1", "T2")
    assert ask(live, other, no).status_code == 403
    assert revoke(live, other, no).status_code == 403
    assert ask(live, token, number()).status_code == 404
    assert simulator.ledger()["calls"].get("wechat.cancel", 0) == 0


def test_payment_events_are_append_only(hq, simulator):
    live, token = hq
    no = number()
    pay(live, token, "alipay", 300, no)
    with pytest.raises(Exception, match="append-only"), live.engine.begin() as conn:
        conn.execute(update(payment_events).values(detail="changed"))
