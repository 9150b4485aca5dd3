"""HQ checks a sale's mobile tender against the payment it collected: a tender that names
an out_trade_no must be a paid attempt of this terminal for that method and amount, counted
once; otherwise the sale is quarantined (payment_not_verified). A tender without one is a
reference only: counted, and shown as unverified."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select

from sync.protocol import journal
from sync.server.tables import payment_attempts, payments, quarantine, sales
from tests.server.payments_support import number, pay, serve_payments, set_up_booth
from tests.server.test_quarantine import _line, _sale
from tests.support.live import bearer


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    yield live, token
    http_server[1].app = None


def _chain(written: list[dict], body: dict) -> dict:
    seq = len(written) + 1
    prev = written[-1]["hash"] if written else "0" * 64
    grand = written[-1]["body"]["grand_total_fen"] if written else 0
    body = body | {"grand_total_fen": grand + body["total_fen"]}
    at = journal.utc_timestamp(datetime.now(UTC))
    entry = journal.make_entry("T1", seq, "sale", at, body, prev)
    written.append(entry)
    return entry


def _mobile_sale(method: str, amount: int, **tender) -> dict:
    sale = _sale(_line(qty=1, price=8800))
    rest = sale["total_fen"] - amount
    sale["payments"] = [{"method": method, "amount_fen": amount, **tender}]
    if rest:
        sale["payments"].append({"method": "cash", "amount_fen": rest})
    return sale


def _push(live, token, entries):
    response = requests.post(
        live.api("/journal"), json={"entries": entries}, headers=bearer(token), timeout=30
    )
    assert response.status_code == 200, response.text


def _held(live) -> dict[int, str]:
    with live.engine.connect() as conn:
        return dict(conn.execute(select(quarantine.c.seq, quarantine.c.reason)).all())


def test_a_tender_matching_a_paid_payment_counts_and_claims_it(hq):
    live, token = hq
    no = number()
    paid = pay(live, token, "wechat", 5000, no).json()
    written: list[dict] = []
    tender = {"out_trade_no": no, "transaction_id": paid["transaction_id"]}
    _push(live, token, [_chain(written, _mobile_sale("wechat", 5000, **tender))])
    assert _held(live) == {}
    with live.engine.connect() as conn:
        row = conn.execute(select(payments).where(payments.c.method == "wechat")).one()
        claimed = conn.execute(select(payment_attempts.c.sale_seq)).scalar()
    assert (row.out_trade_no, row.transaction_id) == (no, paid["transaction_id"])
    assert claimed == 1


@pytest.mark.parametrize(
    "case", ["unknown number", "other amount", "other method", "failed payment", "counted twice"]
)
def test_a_tender_hq_did_not_collect_is_quarantined(hq, case):
    live, token = hq
    no = number()
    amount = 103 if case == "failed payment" else 5000  # 103: the simulator's "no balance"
    assert pay(live, token, "wechat", amount, no).status_code == 200
    written: list[dict] = []
    if case == "counted twice":
        _push(live, token, [_chain(written, _mobile_sale("wechat", 5000, out_trade_no=no))])
    sale = {
        "unknown number": _mobile_sale("wechat", 5000, out_trade_no=number()),
        "other amount": _mobile_sale("wechat", 5001, out_trade_no=no),
        "other method": _mobile_sale("alipay", 5000, out_trade_no=no),
        "failed payment": _mobile_sale("wechat", 103, out_trade_no=no),
        "counted twice": _mobile_sale("wechat", 5000, out_trade_no=no),
    }[case]
    entry = _chain(written, sale)
    _push(live, token, [entry])
    with live.engine.connect() as conn:
        rule = conn.execute(
            select(quarantine.c.rule).where(quarantine.c.seq == entry["seq"])
        ).scalar()
        counted = conn.execute(select(sales.c.seq)).scalars().all()
    assert rule == "payment_not_verified"
    assert entry["seq"] not in counted


def test_two_sales_in_one_push_cannot_both_count_one_payment(hq):
    live, token = hq
    no = number()
    pay(live, token, "alipay", 5000, no)
    written: list[dict] = []
    first = _chain(written, _mobile_sale("alipay", 5000, out_trade_no=no))
    second = _chain(written, _mobile_sale("alipay", 5000, out_trade_no=no))
    _push(live, token, [first, second])
    assert list(_held(live)) == [second["seq"]]


def test_a_reference_only_tender_counts_and_shows_as_unverified(hq):
    live, token = hq
    written: list[dict] = []
    _push(live, token, [_chain(written, _mobile_sale("wechat", 5000, reference="手机收款"))])
    assert _held(live) == {}
    with live.engine.connect() as conn:
        row = conn.execute(select(payments).where(payments.c.method == "wechat")).one()
    assert row.out_trade_no is None


def test_the_campaign_report_tells_verified_from_unverified_mobile_tenders(hq, admin_token):
    live, token = hq
    no = number()
    pay(live, token, "wechat", 5000, no)
    written: list[dict] = []
    _push(
        live,
        token,
        [
            _chain(written, _mobile_sale("wechat", 5000, out_trade_no=no)),
            _chain(written, _mobile_sale("alipay", 3000, reference="收款码")),
        ],
    )
    totals = requests.get(
        live.api("/reports/campaign"), headers=bearer(admin_token), timeout=30
    ).json()
    assert (totals["mobile_verified_fen"], totals["mobile_unverified_fen"]) == (5000, 3000)
