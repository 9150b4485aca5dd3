"""HQ refuses what it cannot collect before any gateway hears of it: a method not set up
for the booth (or for HQ) is a 403 with one fixed sentence the till translates, and a number
the terminal cancelled before HQ received its request stays dead, so the request arriving
late cannot take the customer's money."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync.protocol.payments import MESSAGES
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
from tests.support.live import enrol


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    yield live, token
    http_server[1].app = None


def _attempts(live) -> int:
    with live.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(payment_attempts)).scalar()


def _not_set_up(response) -> None:
    assert response.status_code == 403, response.text
    assert response.json() == {"detail": MESSAGES["not_set_up"], "reason": "not_set_up"}


@pytest.mark.parametrize("method", ["wechat", "alipay"])
def test_a_booth_without_ids_at_the_gateway_gets_the_fixed_sentence(hq, simulator, method):
    live, _ = hq
    other = enrol(live, "B2", "T9")  # booth B2 has no sub-merchant id, no app auth token
    _not_set_up(pay(live, other, method, 100, out_trade_no=number("T9")))
    assert simulator.ledger()["total_calls"] == 0 and _attempts(live) == 0


def test_a_method_left_out_of_hqs_settings_gets_the_fixed_sentence(
    http_server, engine, db_url, simulator, tmp_path
):
    """HQ set up for WeChat Pay only: an Alipay code is a 403 with the sentence, not a 503
    (which a till would take for HQ being down, and keep asking)."""
    text = simulator.config.read_text(encoding="utf-8").split("[alipay]")[0]
    folder = simulator.config.parent
    for name in ("wechat_merchant_key.pem", "wechat_apiv3_key.txt", "wechat_platform_public.pem"):
        text = text.replace(f'"{name}"', f'"{folder / name}"')
    wechat_only = tmp_path / "payments.toml"
    wechat_only.write_text(text, encoding="utf-8")
    live = serve_payments(http_server, engine, db_url, simulator, payments_config=str(wechat_only))
    try:
        token = set_up_booth(live)
        _not_set_up(pay(live, token, "alipay", 100))
        assert _attempts(live) == 0 and simulator.ledger()["total_calls"] == 0
        assert pay(live, token, "wechat", 100).json()["state"] == "paid"
    finally:
        http_server[1].app = None


@pytest.mark.parametrize("method", ["wechat", "alipay"])
def test_a_number_cancelled_before_hq_received_it_cannot_collect_later(hq, simulator, method):
    live, token = hq
    no = number()
    gave_up = revoke(live, token, no)  # the till gave up; its request is still on the way
    assert gave_up.status_code == 200, gave_up.text
    assert gave_up.json() == {
        "out_trade_no": no,
        "state": "cancelled",
        "transaction_id": None,
        "amount_fen": 0,
        "message": MESSAGES["never_received"],
        "customer_paid_fen": None,
        "subsidy_fen": 0,
        "vouchers": [],
    }
    late = pay(live, token, method, 2500, no, code(method))  # the delayed request arrives
    assert late.status_code == 409, late.text
    assert late.json()["reason"] == "never_received"
    assert "cannot be used again" in late.json()["detail"]
    assert simulator.ledger()["total_calls"] == 0, "the gateway heard of it"
    assert simulator.ledger()["money_fen"] == 0
    # asked again, it stays what it is; the cancel is idempotent
    assert ask(live, token, no).json()["state"] == "cancelled"
    assert revoke(live, token, no).json() == gave_up.json()
    with live.engine.connect() as conn:
        [attempt] = conn.execute(select(payment_attempts)).all()
        events = conn.execute(select(payment_events.c.action, payment_events.c.state)).all()
    assert (attempt.state, attempt.reason, attempt.amount_fen) == ("cancelled", "never_received", 0)
    assert events == [("cancel", "cancelled")]


def test_another_terminal_cannot_kill_a_number_that_is_not_its(hq, simulator):
    live, token = hq
    other = enrol(live, "B1", "T2")
    no = number("T1")
    assert revoke(live, other, no).status_code == 403
    assert _attempts(live) == 0
    assert pay(live, token, "wechat", 100, no).json()["state"] == "paid"
