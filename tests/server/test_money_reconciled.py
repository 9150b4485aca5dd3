"""Money reconciled at HQ on SQLite and PostgreSQL: vouchers recorded from the gateway's
answer, refunds returned through the gateway from refund entries (once, whatever is pushed
twice; a refusal raises an alert), the subsidy reports, and a simulated day across three
booths matched against the providers' bills in their own formats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select

from sync.protocol import journal
from sync.protocol.payments import make_out_refund_no
from sync.server.payments import booths, reconcile, refunds
from sync.server.payments.service import Payments
from sync.server.payments.simulator import bill_day
from sync.server.tables import gateway_refunds, quarantine, tamper_alerts
from tests.server.payments_support import code, number, pay, payment_settings
from tests.server.test_quarantine import _line, _sale
from tests.support.live import bearer, enrol, serve_in

BOOTHS = {"B1": ("T1", "1900000201"), "B2": ("T2", "1900000202"), "B3": ("T3", "1900000203")}


class Till:
    """One terminal's journal as the till writes it, pushed to HQ."""

    def __init__(self, live, booth: str, terminal: str):
        self.live, self.terminal = live, terminal
        self.token = enrol(live, booth, terminal)
        self.written: list[dict] = []
        self.refunds = 0

    def entry(self, kind: str, body: dict) -> dict:
        moving = [e for e in self.written if e["type"] in ("sale", "refund")]
        grand = moving[-1]["body"]["grand_total_fen"] if moving else 0
        sign = 1 if kind == "sale" else -1
        body = body | {"grand_total_fen": grand + sign * body["total_fen"]}
        prev = self.written[-1]["hash"] if self.written else "0" * 64
        at = journal.utc_timestamp(datetime.now(UTC))
        entry = journal.make_entry(self.terminal, len(self.written) + 1, kind, at, body, prev)
        self.written.append(entry)
        return entry

    def push(self, entries: list[dict]) -> None:
        answer = requests.post(
            self.live.api("/journal"), json={"entries": entries}, headers=bearer(self.token), timeout=30
        )  # fmt: skip
        assert answer.status_code == 200, answer.text

    def sell(self, method: str, amount: int, vouchers: bool = True) -> tuple[dict, str]:
        """A one-oil sale (8800 fen): ``amount`` through HQ, the rest cash."""
        no = number(self.terminal)
        answer = pay(self.live, self.token, method, amount, no, code(method)).json()
        assert answer["state"] == "paid", answer
        tender = {"method": method, "amount_fen": amount, "out_trade_no": no,
                  "transaction_id": answer["transaction_id"]}  # fmt: skip
        if vouchers and answer["vouchers"]:
            tender |= {"subsidy_fen": answer["subsidy_fen"], "vouchers": answer["vouchers"]}
        body = _sale(_line(qty=1, price=8800))
        body["payments"] = [tender] + ([{"method": "cash", "amount_fen": 8800 - amount}] if amount < 8800 else [])  # fmt: skip
        entry = self.entry("sale", body)
        self.push([entry])
        return entry, no

    def refund(self, sale: dict, no: str, amount: int, kind: str = "refund", refund_no=None) -> dict:  # fmt: skip
        self.refunds += 1
        refund_no = refund_no or make_out_refund_no(self.terminal, f"R{self.refunds:04d}")
        method = next(p["method"] for p in sale["body"]["payments"] if p.get("out_trade_no") == no)  # fmt: skip
        line = sale["body"]["lines"][0] | {"line_no": 1, "amount_fen": amount}
        body = {
            "refund_id": f"{self.terminal}-refund-{self.refunds}", "kind": kind,
            "sale_id": sale["body"]["sale_id"], "sale_seq": sale["seq"], "cashier": "李娜",
            "approved_by": "王强", "reason": "顾客退货", "lines": [line], "total_fen": amount,
            "payments": [{"method": method, "amount_fen": amount, "out_trade_no": no,
                          "out_refund_no": refund_no}],
        }  # fmt: skip
        return self.entry("refund", body)


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    from tests.support.live import hold_demo_catalog

    live = serve_in(http_server, engine, payment_settings(db_url, simulator))
    hold_demo_catalog(engine)
    tills = {}
    for booth, (terminal, sub_mchid) in BOOTHS.items():
        tills[booth] = Till(live, booth, terminal)
        with engine.begin() as conn:
            booths.set_booth(
                conn, booth, "cli:test", sub_mchid, f"202611token-{booth}-x{booth[-1]}"
            )
    yield live, tills
    http_server[1].app = None


def _payments(live) -> Payments:
    return Payments.from_settings(live.settings)


def _refund_state(live, number_) -> str:
    with live.engine.connect() as conn:
        return conn.execute(select(gateway_refunds.c.state).where(gateway_refunds.c.out_refund_no == number_)).scalar()  # fmt: skip


def _held(live) -> dict[tuple[str, int], str]:
    with live.engine.connect() as conn:
        return {(r.terminal_id, r.seq): r.rule for r in conn.execute(select(quarantine))}


def _sim(simulator, path: str, body: dict) -> None:
    assert requests.post(simulator.url + path, json=body, timeout=10).status_code == 200


def test_a_simulated_day_across_three_booths_reconciles_to_the_expected_mismatches(hq, simulator):
    live, tills = hq
    b1, b2, b3 = tills["B1"], tills["B2"], tills["B3"]
    s1, n1 = b1.sell("wechat", 4444)  # a campaign voucher 满40减10
    s2, n2 = b1.sell("alipay", 8800)
    b1.push([b1.refund(s2, n2, 3000)])  # a partial refund, online
    s3, n3 = b2.sell("wechat", 2088)  # campaign 满20减5 and the provider's 立减1元
    s4, n4 = b2.sell("alipay", 4444)  # a campaign voucher on Alipay
    offline = b2.refund(s4, n4, 4444, kind="post_void")  # written offline...
    s5, n5 = b3.sell("wechat", 8800)
    s6, n6 = b3.sell("alipay", 6000)
    b3.push([b3.refund(s6, n6, 1000), b3.refund(s6, n6, 2000)])  # two partial refunds
    b2.push([offline])  # ...pushed once the booth is back online
    assert _held(live) == {}
    # The bill lacks one paid sale; another payment no sale knows of is in it.
    _sim(simulator, "/_sim/drop", {"provider": "wechat", "out_trade_no": n5})
    stranger = "ffffffffff-INJECTED000001"
    _sim(simulator, "/_sim/inject", {"provider": "wechat", "merchant": "1900000203", "out_trade_no": stranger, "amount_fen": 1234})  # fmt: skip
    refunds.carry_out_pending(live.engine, _payments(live))  # whatever is still pending

    with live.engine.connect() as conn:
        states = dict(conn.execute(select(gateway_refunds.c.out_refund_no, gateway_refunds.c.state)).all())  # fmt: skip
    assert sorted(states.values()) == ["done"] * 4
    day = datetime.fromisoformat(bill_day()).date()
    result = reconcile.reconcile(live.engine, _payments(live), day, live.settings.zone, "cli:test")

    # Worked out from what this test did, not from HQ's tables.
    expected = {("money_no_sale", "wechat", stranger, None), ("sale_no_money", "wechat", n5, None)}  # fmt: skip
    found = {(i["kind"], i["provider"], i["out_trade_no"], i["out_refund_no"]) for i in result["mismatches"]}  # fmt: skip
    assert found == expected
    assert result["counts"]["matched"] == 5 + 4  # six payments less the dropped one; four refunds
    booth_of = {i["out_trade_no"]: i["booth_id"] for i in result["mismatches"]}
    assert booth_of == {stranger: "B3", n5: "B3"}
    with live.engine.connect() as conn:
        alerts = conn.execute(select(tamper_alerts.c.reason).where(tamper_alerts.c.kind == "reconcile", tamper_alerts.c.resolved_at.is_(None))).scalars().all()  # fmt: skip
    assert len(alerts) == 2 and any(stranger in a and "money_no_sale" in a for a in alerts)
    # Run again: the same result, the old alerts resolved, no more raised.
    again = reconcile.reconcile(live.engine, _payments(live), day, live.settings.zone, "cli:test")
    assert again["mismatches"] == result["mismatches"]
    with live.engine.connect() as conn:
        open_ = conn.execute(select(tamper_alerts.c.id).where(tamper_alerts.c.kind == "reconcile", tamper_alerts.c.resolved_at.is_(None))).all()  # fmt: skip
    assert len(open_) == 2

    # The report API, JSON and CSV, for one booth.
    admin = _admin(live)
    one = requests.get(live.api("/reports/reconciliation"), params={"date": day.isoformat(), "booth": "B3"}, headers=bearer(admin), timeout=30).json()  # fmt: skip
    assert {i["out_trade_no"] for i in one["mismatches"]} == {stranger, n5}
    assert one["counts"]["matched"] == 1 + 2  # B3's Alipay payment and its two refunds
    csv = requests.get(live.api("/reports/reconciliation"), params={"date": day.isoformat(), "format": "csv"}, headers=bearer(admin), timeout=30)  # fmt: skip
    assert csv.status_code == 200 and stranger in csv.text and "money_no_sale" in csv.text

    # Subsidies: what the simulator granted, by funder, and the county of the oil.
    granted: dict[str, int] = {}
    for order in simulator.ledger()["orders"]:
        for _id, _name, fen, funder in order["vouchers"]:
            granted[funder] = granted.get(funder, 0) + fen
    assert granted == {"campaign": 1000 + 500 + 1000, "provider": 100}
    report = requests.get(live.api("/reports/subsidies"), params={"from": day.isoformat(), "to": day.isoformat(), "group_by": "county"}, headers=bearer(admin), timeout=30).json()  # fmt: skip
    assert report["total"]["campaign_fen"] == granted["campaign"]
    assert report["total"]["provider_fen"] == granted["provider"]
    assert report["total"]["subsidy_fen"] == sum(granted.values())
    assert [r["county"] for r in report["rows"]] == ["酉阳土家族苗族自治县"]
    assert report["total"]["sales"] == 3


def _admin(live) -> str:
    from sync.server import registry

    with live.engine.begin() as conn:
        return registry.add_admin(conn, "hq-office")


def test_a_refund_pushed_twice_is_refunded_once_and_the_feed_tells_the_booth(hq, simulator):
    live, tills = hq
    till = tills["B1"]
    sale, no = till.sell("wechat", 8800)
    entry = till.refund(sale, no, 2000)
    till.push([entry])
    till.push([entry])  # a retry of the same push
    refunds.carry_out_pending(live.engine, _payments(live))
    number_ = entry["body"]["payments"][0]["out_refund_no"]
    ledger = simulator.ledger()
    assert [r["out_refund_no"] for r in ledger["refunds"]] == [number_]
    assert ledger["calls"]["wechat.refund"] == 1
    again = till.refund(sale, no, 1000, refund_no=number_)  # another entry, the same number
    till.push([again])
    assert _held(live) == {("T1", again["seq"]): "refund_not_verified"}
    feed = requests.get(live.api("/payments/refunds"), params={"since": 0}, headers=bearer(till.token), timeout=30).json()  # fmt: skip
    assert [(r["out_refund_no"], r["state"]) for r in feed["refunds"]] == [(number_, "done")]
    assert feed["refunds"][0]["arrival"] == "1-3 working days"
    later = requests.get(live.api("/payments/refunds"), params={"since": feed["cursor"]}, headers=bearer(till.token), timeout=30).json()  # fmt: skip
    assert later == {"refunds": [], "cursor": feed["cursor"]}
    other = tills["B2"].token
    assert requests.get(live.api(f"/payments/refunds/{number_}"), headers=bearer(other), timeout=30).status_code == 404  # fmt: skip


def test_a_refund_the_gateway_refuses_fails_with_an_alert_saying_what_to_do(hq, simulator):
    live, tills = hq
    till = tills["B1"]
    sale, no = till.sell("alipay", 8800)
    entry = till.refund(sale, no, 111)  # the simulator: the customer's account is abnormal
    till.push([entry])
    refunds.carry_out_pending(live.engine, _payments(live))
    number_ = entry["body"]["payments"][0]["out_refund_no"]
    answer = requests.get(live.api(f"/payments/refunds/{number_}"), headers=bearer(till.token), timeout=30).json()  # fmt: skip
    assert (answer["state"], answer["reason"]) == ("failed", "refused")
    assert "买家账户异常" in answer["detail"]
    with live.engine.connect() as conn:
        alert = conn.execute(select(tamper_alerts.c.reason).where(tamper_alerts.c.kind == "refund")).scalar_one()  # fmt: skip
    assert number_ in alert and "give it back in cash" in alert
    assert simulator.ledger()["money_fen"] == 8800  # nothing went back


def test_a_refund_pending_at_the_gateway_is_done_at_the_next_round(hq, simulator):
    live, tills = hq
    till = tills["B2"]
    sale, no = till.sell("wechat", 8800)
    entry = till.refund(sale, no, 112)  # processing at first
    till.push([entry])
    number_ = entry["body"]["payments"][0]["out_refund_no"]
    refunds.carry_out_pending(live.engine, _payments(live))
    assert _refund_state(live, number_) in ("pending", "done")
    refunds.carry_out_pending(live.engine, _payments(live))
    assert _refund_state(live, number_) == "done"


@pytest.mark.parametrize("case", ["more than paid", "another booth's payment"])
def test_a_bad_refund_is_quarantined_with_its_reason_and_never_reaches_the_gateway(hq, simulator, case):  # fmt: skip
    live, tills = hq
    till = tills["B1"]
    sale, no = till.sell("wechat", 4000, vouchers=False)
    if case == "more than paid":
        entry = till.refund(sale, no, 4001)
    else:
        _other_sale, other_no = tills["B2"].sell("wechat", 5000)
        entry = till.refund(sale, no, 1000)
        entry = None
        body = till.written.pop()["body"]
        body["payments"][0]["out_trade_no"] = other_no
        till.refunds += 0
        entry = till.entry("refund", body)
    till.push([entry])
    assert _held(live) == {("T1", entry["seq"]): "refund_not_verified"}
    with live.engine.connect() as conn:
        reason = conn.execute(select(quarantine.c.reason)).scalar_one()
        made = conn.execute(select(gateway_refunds)).all()
    assert ("left of its" in reason) if case == "more than paid" else ("not a paid payment of this booth" in reason)  # fmt: skip
    assert made == [] and "wechat.refund" not in simulator.ledger()["calls"]


def test_the_verified_close_figures_count_paid_payments_only(hq, simulator):
    live, tills = hq
    till = tills["B1"]
    start = journal.utc_timestamp(datetime.now(UTC))
    till.sell("wechat", 8800)
    till.sell("wechat", 4444)
    no = number("T1")
    pay(live, till.token, "alipay", 103, no)  # refused: insufficient balance
    end = journal.utc_timestamp(datetime.now(UTC).replace(year=2100))
    answer = requests.get(live.api("/payments/totals"), params={"from": start, "to": end}, headers=bearer(till.token), timeout=30)  # fmt: skip
    assert answer.json() == {
        "wechat": {"paid_fen": 8800 + 4444, "count": 2, "refunded_fen": 0},
        "alipay": {"paid_fen": 0, "count": 0, "refunded_fen": 0},
    }
    bad = requests.get(live.api("/payments/totals"), params={"from": "yesterday", "to": end}, headers=bearer(till.token), timeout=30)  # fmt: skip
    assert bad.status_code == 422
