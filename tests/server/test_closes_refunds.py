"""Shifts and end of day at HQ, over real HTTP: Z reports, refunds and post-voids.

Three real terminals (T1 and T2 at booth B1, T3 at B2) open shifts, sell, take cash in and
out, refund (one refund of a sale from an earlier day, to a card), post-void a sale and
close their shifts blind, one of them after local midnight, on fixed clocks. Their
exported journals are pushed to the server, and the Z report list, the net sales and the
stock ledger are compared with figures this file works out from the JSON lines on its own.
Then real entries are bent, resealed and pushed: malformed bodies are refused with a reason
(422), contradictions with what HQ holds are tamper alerts (409); nothing is stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from alembic import command
from sqlalchemy import func, insert, select

from pos.cart import Cart, Payment
from pos.shift import DENOMINATIONS
from pos.terminal import Terminal
from sync.protocol import entries as contract
from sync.protocol.journal import parse_utc
from sync.server import stock_reports
from sync.server.db import alembic_config, make_engine, migrate
from sync.server.tables import (
    booths,
    journal,
    refund_lines,
    refund_payments,
    refunds,
    sales,
    stock_movements,
    tamper_alerts,
    terminals,
    z_close_tenders,
    z_closes,
)
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    DEMO_CATALOG,
    MANAGER,
    MANAGER_PIN,
    OIL,
    RICE,
    scale_label,
)
from tests.support.live import bearer, enrol
from tests.support.pg import pg_admin_conn, pg_url

ZONE = ZoneInfo("Asia/Shanghai")
BOOTH_OF = {"T1": "B1", "T2": "B1", "T3": "B2"}
BOOTH_NAMES = {"B1": "奉节县扶贫专柜", "B2": "巫山县扶贫专柜"}
OIL_ID, RICE_ID, ORANGES_ID = f"0{OIL}", f"0{RICE}", "PLU10001"
#: A Z's own figures as the API gives them (the added ones default to 0).
Z_FIGURES = (*contract.Z_FIGURES, "grand_total_fen")
SUMMED = tuple(key for key in contract.Z_FIGURES if key not in ("float_fen", *contract.Z_VOIDED))
TENDER = contract.TENDER_FIGURES


# --- building real journals ----------------------------------------------------------------


class Booth:
    """A real terminal on a clock the test moves by hand, with a cashier and a manager."""

    def __init__(self, home: Path, terminal_id: str):
        self.moment = datetime(2026, 11, 1, tzinfo=UTC)
        term, _ = Terminal.init(home, terminal_id, BOOTH_NAMES[BOOTH_OF[terminal_id]])
        term.import_catalog(DEMO_CATALOG.read_bytes())
        term.add_user(CASHIER, "cashier", CASHIER_PIN)
        term.add_user(MANAGER, "manager", MANAGER_PIN)
        term.close()
        self.term = Terminal.open(home, clock=lambda: self.moment)

    def at(self, stamp: str) -> Terminal:
        self.moment = parse_utc(stamp)
        return self.term

    @property
    def cashier(self):
        return self.term.authenticate(CASHIER, CASHIER_PIN)

    @property
    def manager(self):
        return self.term.authenticate(MANAGER, MANAGER_PIN)

    def open(self, stamp: str, float_fen: int) -> None:
        self.at(stamp).open_shift(self.manager, float_fen, _notes(float_fen))

    def sell(self, stamp: str, items: list, pay, adjust=None) -> int:
        cart = Cart()
        for code, qty in items:
            self.at(stamp).add_to_cart(cart, code, qty)
        if adjust:  # discounts and price changes, approved by the manager
            adjust(self.term, cart, self.cashier, self.manager)
        return self.term.checkout(cart, pay(cart.total_fen), self.cashier)["seq"]

    def refund(self, stamp: str, sale_seq: int, items) -> None:
        self.at(stamp).refund(sale_seq, items, "顾客退货", self.cashier, self.manager)

    def post_void(self, stamp: str, sale_seq: int) -> None:
        self.at(stamp).post_void(sale_seq, "rung up twice", self.cashier, self.manager)

    def cash(self, stamp: str, kind: str, amount_fen: int, reason: str) -> None:
        self.at(stamp).move_cash(kind, amount_fen, reason, self.manager)

    def close(self, stamp: str, short_fen: int = 0, confirmed=None, reason: str = "") -> None:
        """Count the drawer ``short_fen`` below what it should hold, and close the shift."""
        expected = self.at(stamp).x_report()["expected_cash_fen"]
        self.term.close_shift(self.manager, _notes(expected - short_fen), confirmed, reason)


def _notes(fen: int) -> dict[int, int]:
    """Banknotes and coins making up ``fen`` (whole jiao), largest first."""
    counts = {}
    for value in DENOMINATIONS:
        counts[value], fen = divmod(fen, value)
    assert fen == 0, "counted cash is whole jiao"
    return {value: n for value, n in counts.items() if n}


def _exact(method: str):
    return lambda total: [Payment(method, total)]


def _build_t1(b: Booth) -> None:
    # The 28th (local): a shift with a refund, a post-void, cash in and out, 18 yuan short.
    b.open("2026-11-28T00:30:00Z", 50000)
    oil = b.sell("2026-11-28T00:40:00Z", [(OIL, 2)], lambda t: [Payment("cash", 20000)])
    rice = b.sell("2026-11-28T01:00:00Z", [(RICE, 1)], _exact("wechat"))
    oranges = b.sell(
        "2026-11-28T01:20:00Z", [(scale_label("21", "10001", 1234), 1)], _exact("card")
    )
    b.cash("2026-11-28T02:00:00Z", "cash_in", 20000, "change from the bank")
    b.refund("2026-11-28T03:00:00Z", oil, {1: 1})  # one bottle back, in cash
    b.post_void("2026-11-28T03:10:00Z", rice)  # the whole sale, back to WeChat
    b.cash("2026-11-28T05:00:00Z", "cash_out", 30000, "banked at noon")
    card = b.at("2026-11-28T09:00:00Z").x_report()["tenders"]["card"]
    reason = "a ￥20 note given as change for ￥2"
    b.close("2026-11-28T09:00:00Z", 1800, {"card": card + 100}, reason)  # card settled +1 yuan
    # A second shift the same day, closed at 23:30 local, counted exactly, no reason.
    b.open("2026-11-28T09:30:00Z", 30000)
    b.sell("2026-11-28T10:00:00Z", [(RICE, 1)], lambda t: [Payment("cash", 10000)])
    b.close("2026-11-28T15:30:00Z")
    # The 29th: a sale, and the oranges of the 28th refunded to the card; closed at 00:30
    # local on the 30th, so that Z belongs to the 30th.
    b.open("2026-11-29T00:30:00Z", 50000)
    b.sell("2026-11-29T01:00:00Z", [(OIL, 1)], _exact("alipay"))
    b.refund("2026-11-29T02:00:00Z", oranges, {1: None})
    b.close("2026-11-29T16:30:00Z")


def _build_t2(b: Booth) -> None:
    b.open("2026-11-28T01:00:00Z", 20000)
    b.sell("2026-11-28T02:00:00Z", [(RICE, 2)], _exact("wechat"))
    b.close("2026-11-28T10:00:00Z", 0, {"wechat": 13960 - 60}, "WeChat settlement 0.60 short")


def _build_t3(b: Booth) -> None:
    b.open("2026-11-28T01:00:00Z", 10000)
    oil = b.sell("2026-11-28T02:00:00Z", [(OIL, 1)], lambda t: [Payment("cash", 10000)])
    b.refund("2026-11-28T03:00:00Z", oil, None)  # all of it

    def discount_and_reprice(term, cart, cashier, manager):
        term.discount_line(cart, 0, 2400, cashier, manager)  # ￥24.00 off three bottles
        term.override_price(cart, 1, 5980, "包装破损", cashier, manager)

    # Three bottles less ￥24.00, and rice at a changed price; two bottles come back in cash,
    # carrying their share of the discount.
    mixed = b.sell("2026-11-28T04:00:00Z", [(OIL, 3), (RICE, 1)], _exact("cash"), discount_and_reprice)  # fmt: skip
    b.refund("2026-11-28T05:00:00Z", mixed, {1: 2})
    b.close("2026-11-28T11:00:00Z")


@pytest.fixture(scope="session")
def journals(tmp_path_factory) -> dict[str, list[dict]]:
    """Each terminal's exported journal: {terminal id: [entry, ...]} (built once)."""
    result = {}
    for terminal_id, build in {"T1": _build_t1, "T2": _build_t2, "T3": _build_t3}.items():
        booth = Booth(tmp_path_factory.mktemp(terminal_id), terminal_id)
        try:
            build(booth)
            result[terminal_id] = [json.loads(line) for line in booth.term.export_journal()]
        finally:
            booth.term.close()
    return result


def _push(server, token: str, entries: list[dict]) -> requests.Response:
    return requests.post(
        server.api("/journal"), json={"entries": entries}, headers=bearer(token), timeout=30
    )


@pytest.fixture
def loaded(server, journals, admin_token) -> dict:
    """The server after every terminal pushed its journal."""
    tokens = {t: enrol(server, booth, t, BOOTH_NAMES[booth]) for t, booth in BOOTH_OF.items()}
    for terminal_id, entries in journals.items():
        response = _push(server, tokens[terminal_id], entries)
        assert response.status_code == 200, response.text
    return {"tokens": tokens, "admin": bearer(admin_token)}


def _get(server, path: str, headers: dict, **params) -> requests.Response:
    return requests.get(server.api(path), params=params, headers=headers, timeout=30)


def _closes(server, loaded, first: str, last: str, **params) -> dict:
    response = _get(server, "/reports/closes", loaded["admin"], **{"from": first, "to": last}, **params)  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


# --- independent figures from the journal lines --------------------------------------------


def _local_day(at: str) -> str:
    moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return moment.astimezone(ZONE).date().isoformat()


def _entries(journals, kind: str):
    """(terminal, booth, local day, entry) of every entry of one type."""
    for terminal, entries in journals.items():
        for entry in entries:
            if entry["type"] == kind:
                yield terminal, BOOTH_OF[terminal], _local_day(entry["at"]), entry


def _sums(zs: list[dict]) -> dict:
    tenders: dict = {}
    for z in zs:
        for method, figures in z["tenders"].items():
            summed = tenders.setdefault(method, dict.fromkeys(TENDER, 0))
            for key in TENDER:
                summed[key] += figures[key]
    said = [figures for z in zs for figures in z["tenders"].values()]
    return {
        "z_count": len(zs),
        **{key: sum(z[key] for z in zs) for key in SUMMED},
        "tenders": tenders,
        "variance_fen": sum(figures["variance_fen"] for figures in tenders.values()),
        "closed_verified_fen": sum(f["counted_fen"] for f in said if f["verified"] is True),
        "closed_unverified_fen": sum(f["counted_fen"] for f in said if f["verified"] is False),
    }


def expected_closes(journals, first: str, last: str, booth: str | None = None) -> dict:
    """The Z report list as this test works it out from the z_close entries."""
    groups: dict[tuple, list] = defaultdict(list)
    for terminal, booth_id, day, entry in _entries(journals, "z_close"):
        if not first <= day <= last or booth not in (None, booth_id):
            continue
        body = entry["body"]
        groups[(day, booth_id)].append(
            {
                "terminal_id": terminal,
                "seq": entry["seq"],
                "shift_id": body["shift_id"],
                "opened_seq": body["opened_seq"],
                "closed_at": entry["at"],
                "closed_by": body["by"],
                **{key: body.get(key, 0) for key in Z_FIGURES},
                "reason": body.get("reason", ""),
                # verified as the terminal said it; not said (cash, older Zs): None
                "tenders": {m: {"verified": None} | f for m, f in body["tenders"].items()},
                "variance_fen": sum(f["variance_fen"] for f in body["tenders"].values()),
            }
        )
    days = [
        {
            "business_day": day,
            "booth_id": booth_id,
            "booth_name": BOOTH_NAMES[booth_id],
            **_sums(zs),
            "closes": sorted(zs, key=lambda z: z["closed_at"]),
        }
        for (day, booth_id), zs in sorted(groups.items())
    ]
    everything = [z for zs in groups.values() for z in zs]
    return {
        "from": first,
        "to": last,
        "booth": booth,
        "row_count": len(days),
        "limit": None,
        "offset": 0,
        "days": days,
        "total": _sums(everything),
    }


def tenders_from_the_journal(entries: list[dict], z: dict) -> dict[str, int]:
    """What each tender should hold at a Z, from the shift's own entries: the float, what
    sales kept (cash net of change), less what refunds gave back, plus cash in, less out."""
    held: dict[str, int] = {"cash": z["body"]["float_fen"]}
    for entry in entries[z["body"]["opened_seq"] : z["seq"] - 1]:  # after the open, before Z
        body, sign = entry["body"], 1
        if entry["type"] == "sale":
            held["cash"] -= body["change_fen"]
        elif entry["type"] == "refund":
            sign = -1
        elif entry["type"] in ("cash_in", "cash_out"):
            held["cash"] += body["amount_fen"] * (1 if entry["type"] == "cash_in" else -1)
            continue
        else:
            continue
        for pay in body["payments"]:
            held[pay["method"]] = held.get(pay["method"], 0) + sign * pay["amount_fen"]
    return held


def net_sales(journals, first: str, last: str, booth: str) -> dict[str, dict]:
    """Per business day: sales and refunds, each on its own day, and the net."""
    days: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for kind, count, fen in (("sale", "sales", "amount_fen"), ("refund", "refunds", "refunded_fen")):  # fmt: skip
        for _, booth_id, day, entry in _entries(journals, kind):
            if first <= day <= last and booth_id == booth:
                days[day][count] += 1
                days[day][fen] += entry["body"]["total_fen"]
                if kind == "sale":
                    days[day]["rounding_fen"] += entry["body"].get("rounding_fen", 0)
    return {
        day: {
            "key": day,
            **{k: f[k] for k in ("sales", "amount_fen", "refunds", "refunded_fen")},
            "net_fen": f["amount_fen"] - f["refunded_fen"],
            "rounding_fen": f["rounding_fen"],
        }
        for day, f in sorted(days.items())
    }


# --- Z reports -----------------------------------------------------------------------------


def test_the_z_report_list_matches_the_z_entries(server, journals, loaded):
    for first, last, booth in (
        ("2026-11-28", "2026-11-28", None),
        ("2026-11-28", "2026-11-30", None),
        ("2026-11-28", "2026-11-28", "B1"),
        ("2026-11-27", "2026-12-31", "B1"),  # a booth's Zs over a longer range
        ("2026-11-29", "2026-11-29", None),  # no Z closed on the 29th: T1 closed after midnight
    ):
        params = {"booth": booth} if booth else {}
        got = _closes(server, loaded, first, last, **params)
        assert got == expected_closes(journals, first, last, booth), (first, last, booth)
    assert _closes(server, loaded, "2026-11-29", "2026-11-29")["days"] == []


def test_per_tender_expected_counted_and_variance_worked_by_hand(server, journals, loaded):
    report = _closes(server, loaded, "2026-11-28", "2026-11-30")
    by_day = {(d["business_day"], d["booth_id"]): d for d in report["days"]}
    assert sorted(by_day) == [("2026-11-28", "B1"), ("2026-11-28", "B2"), ("2026-11-30", "B1")]
    b1 = by_day[("2026-11-28", "B1")]
    assert [(z["terminal_id"], z["closed_at"]) for z in b1["closes"]] == [
        ("T1", "2026-11-28T09:00:00.000Z"),
        ("T2", "2026-11-28T10:00:00.000Z"),
        ("T1", "2026-11-28T15:30:00.000Z"),
    ]
    first, _, second = b1["closes"]
    # T1's first shift, in yuan: float 500 + 176 kept from the oil sale (200 paid, 24
    # change) + 200 in - 88 refunded - 300 out = 488 expected; counted 18 short.
    assert first["tenders"]["cash"] == {
        "expected_fen": 50000 + 17600 + 20000 - 8800 - 30000,
        "counted_fen": 48800 - 1800,
        "variance_fen": -1800,
        "verified": None,  # cash is counted in the drawer: nothing for HQ to verify
    }
    # WeChat typed by hand (these tills closed without asking HQ): unverified.
    assert first["tenders"]["wechat"] == {
        "expected_fen": 0, "counted_fen": 0, "variance_fen": 0, "verified": False
    }  # fmt: skip
    assert first["tenders"]["card"]["variance_fen"] == 100
    assert first["reason"] == "a ￥20 note given as change for ￥2" and second["reason"] == ""
    assert first["variance_fen"] == -1700 and second["variance_fen"] == 0
    # The booth's day: T1 -18.00 cash, +1.00 card; T2 WeChat 0.60 short.
    assert b1["tenders"]["cash"]["variance_fen"] == -1800
    assert b1["tenders"]["wechat"]["variance_fen"] == -60
    assert b1["variance_fen"] == -1800 + 100 - 60
    assert report["total"]["variance_fen"] == -1760  # every other Z was counted exactly
    assert report["total"]["z_count"] == 5
    # A card refund of a sale from an earlier shift leaves the card tender expecting less
    # than nothing in the shift that gave it back.
    (late,) = by_day[("2026-11-30", "B1")]["closes"]
    assert late["tenders"]["card"]["expected_fen"] == -1580
    # Every Z's expected figures follow from the shift's own entries.
    for terminal, entries in journals.items():
        for z in (e for e in entries if e["type"] == "z_close"):
            expected = {m: f["expected_fen"] for m, f in z["body"]["tenders"].items()}
            assert expected == tenders_from_the_journal(entries, z), (terminal, z["seq"])


def test_the_z_report_list_as_csv(server, journals, loaded):
    report = _closes(server, loaded, "2026-11-28", "2026-11-30")
    response = _get(server, "/reports/closes", {**loaded["admin"], "Accept": "text/csv"},
                    **{"from": "2026-11-28", "to": "2026-11-30"})  # fmt: skip
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content[3:].decode("utf-8"))))
    want = [
        (day["business_day"], z["terminal_id"], str(z["seq"]), method, figures)
        for day in report["days"]
        for z in day["closes"]
        for method, figures in z["tenders"].items()
    ]
    assert len(rows) == len(want) == 10
    for row, (day, terminal, seq, method, figures) in zip(rows, want, strict=True):
        assert (row["business_day"], row["terminal_id"], row["seq"]) == (day, terminal, seq)
        assert row["method"] == method
        for key in TENDER:
            assert row[key] == str(figures[key])
        assert row["verified"] == {None: "", True: "true", False: "false"}[figures["verified"]]
    cash = next(row for row in rows if row["method"] == "cash")  # T1's first Z
    assert (cash["variance_yuan"], cash["expected_yuan"]) == ("-18.00", "488.00")
    assert cash["booth_name"] == BOOTH_NAMES["B1"] and cash["reason"].startswith("a ￥20")


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"from": "2026-11-01", "to": "2026-11-08"}, 422, ["at most 7 days", "give a booth"]),
        ({"from": "2020-01-01", "to": "2026-11-30", "booth": "B1"}, 422, ["at most 1096 days"]),
        ({"from": "2026-11-30", "to": "2026-11-01", "booth": "B1"}, 422, ["swap them"]),
        ({"from": "2026-02-30", "to": "2026-03-01", "booth": "B1"}, 422, ["not a date"]),
        ({"from": "2026-11-28"}, 422, ["to"]),
        ({"from": "2026-11-28", "to": "2026-11-28", "booth": "NOPE"}, 404, ["NOPE"]),
        ({"from": "2026-11-28", "to": "2026-11-28", "booth": "bad id!"}, 422, ["booth"]),
    ],
)
def test_bad_z_report_requests_are_refused_with_a_reason(
    server, admin_token, params, status, words
):
    response = _get(server, "/reports/closes", bearer(admin_token), **params)
    assert response.status_code == status, response.text
    for word in words:
        assert word in response.json()["detail"]


def test_a_replayed_push_projects_nothing_twice(server, journals, loaded):
    before = _closes(server, loaded, "2026-11-28", "2026-11-30")
    again = _push(server, loaded["tokens"]["T1"], journals["T1"])
    assert again.status_code == 200 and again.json()["acked_through"] == len(journals["T1"])
    assert _closes(server, loaded, "2026-11-28", "2026-11-30") == before
    with server.engine.connect() as conn:
        counted = {
            kind: sum(e["type"] == kind for entries in journals.values() for e in entries)
            for kind in ("refund", "z_close")
        }
        assert counted == {"refund": 5, "z_close": 5}
        assert conn.execute(select(func.count()).select_from(refunds)).scalar_one() == counted["refund"]  # fmt: skip
        assert conn.execute(select(func.count()).select_from(z_closes)).scalar_one() == counted["z_close"]  # fmt: skip


# --- refunds in the sales reports and the stock ledger -------------------------------------


def test_sales_by_day_are_net_of_refunds_on_the_day_money_went_back(server, journals, loaded):
    for booth in ("B1", "B2"):
        response = _get(server, "/reports/sales", loaded["admin"], group_by="day", booth=booth,
                        **{"from": "2026-11-28", "to": "2026-11-30"})  # fmt: skip
        assert response.status_code == 200, response.text
        want = net_sales(journals, "2026-11-28", "2026-11-30", booth)
        assert response.json()["rows"] == list(want.values()), booth
    # Worked by hand for B1 on the 29th: one sale of oil (88.00), and the oranges sold on
    # the 28th (1234 g at 12.80/kg) refunded that day.
    oranges = next(
        e["body"] for _, _, day, e in _entries(journals, "refund") if day == "2026-11-29"
    )
    assert oranges["lines"][0]["weight_g"] == 1234
    b1 = net_sales(journals, "2026-11-28", "2026-11-30", "B1")["2026-11-29"]
    assert b1 == {"key": "2026-11-29", "sales": 1, "amount_fen": 8800, "refunds": 1,
                  "refunded_fen": oranges["total_fen"], "net_fen": 8800 - oranges["total_fen"],
                  "rounding_fen": 0}  # fmt: skip


def test_sales_by_product_and_the_campaign_show_refunds(server, journals, loaded):
    response = _get(server, "/reports/sales", loaded["admin"], group_by="product",
                    **{"from": "2026-11-28", "to": "2026-11-30"})  # fmt: skip
    rows = {row["key"]: row for row in response.json()["rows"]}
    # Oil: 2 + 1 (T1) + 1 + 3 (T3, the three less ￥24.00) sold; 1 (T1) + 1 + 2 (T3) back,
    # the last two with their share of the discount (2/3 of ￥240.00).
    # Rice: 1 + 1 (T1) + 2 (T2) + 1 (T3, at the changed price) sold; 1 back.
    assert (rows[OIL_ID]["qty"], rows[OIL_ID]["refunded_qty"]) == (7, 4)
    sold_oil, back_oil = 4 * 8800 + (3 * 8800 - 2400), 2 * 8800 + (3 * 8800 - 2400) * 2 // 3
    assert (rows[OIL_ID]["amount_fen"], rows[OIL_ID]["refunded_fen"]) == (sold_oil, back_oil)
    assert rows[OIL_ID]["net_fen"] == sold_oil - back_oil and rows[OIL_ID]["refunds"] == 3
    assert (rows[RICE_ID]["qty"], rows[RICE_ID]["refunded_qty"]) == (5, 1)
    assert rows[ORANGES_ID]["weight_g"] == rows[ORANGES_ID]["refunded_weight_g"] == 1234
    assert rows[ORANGES_ID]["net_fen"] == 0
    total = response.json()["total"]
    sold = sum(e["body"]["total_fen"] for *_, e in _entries(journals, "sale"))
    back = sum(e["body"]["total_fen"] for *_, e in _entries(journals, "refund"))
    assert (total["amount_fen"], total["refunded_fen"], total["net_fen"]) == (sold, back, sold - back)  # fmt: skip
    campaign = _get(server, "/reports/campaign", loaded["admin"]).json()
    assert (campaign["refunds"], campaign["refunded_fen"]) == (5, back)
    assert campaign["net_fen"] == sold - back == journals_grand_total(journals)


def journals_grand_total(journals) -> int:
    """The terminals' perpetual grand totals added up: sales less refunds, ever."""
    return sum(
        [e for e in entries if e["type"] in ("sale", "refund")][-1]["body"]["grand_total_fen"]
        for entries in journals.values()
    )


def test_a_refund_puts_the_goods_back_into_the_booths_stock(server, journals, loaded):
    response = _get(server, "/reports/stock", loaded["admin"], booth="B1")
    assert response.status_code == 200, response.text
    rows = {row["product_id"]: row for row in response.json()}
    # B1 worked by hand: oil sold 2 + 1, one bottle back; rice sold 1 + 1 (T1) + 2 (T2), the
    # post-voided one back; oranges 1234 g sold and all given back.
    assert {k: rows[OIL_ID][k] for k in ("sold", "refunded", "on_hand")} == {
        "sold": 3, "refunded": 1, "on_hand": -2,
    }  # fmt: skip
    assert {k: rows[RICE_ID][k] for k in ("sold", "refunded", "on_hand")} == {
        "sold": 4, "refunded": 1, "on_hand": -3,
    }  # fmt: skip
    assert (rows[ORANGES_ID]["refunded"], rows[ORANGES_ID]["on_hand"]) == (1234, 0)
    with server.engine.connect() as conn:
        moves = conn.execute(
            select(stock_movements.c.product_id, stock_movements.c.delta).where(
                stock_movements.c.kind == "refund", stock_movements.c.booth_id == "B1"
            )
        ).all()
    assert sorted(moves) == sorted([(OIL_ID, 1), (RICE_ID, 1), (ORANGES_ID, 1234)])


# --- refusals ------------------------------------------------------------------------------


def _reseal(entry: dict) -> dict:
    unhashed = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(unhashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {**unhashed, "hash": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _first(entries: list[dict], kind: str) -> int:
    return next(n for n, e in enumerate(entries) if e["type"] == kind)


def _bent(journals, kind: str, bend) -> tuple[list[dict], dict]:
    """T1's entries before its first ``kind`` entry, and that entry bent and resealed."""
    entries = journals["T1"]
    n = _first(entries, kind)
    entry = json.loads(json.dumps(entries[n]))
    bend(entry["body"])
    return entries[:n], _reseal(entry)


def _refused(server, token: str, before: list[dict], bent: dict) -> requests.Response:
    assert _push(server, token, before).status_code == 200
    response = _push(server, token, [bent])
    with server.engine.connect() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (journal, refunds, z_closes)
        }
    assert counts == {
        "journal": len(before),
        "refunds": sum(e["type"] == "refund" for e in before),
        "z_closes": sum(e["type"] == "z_close" for e in before),
    }, "a refused push stored something"
    return response


def _set(key: str, value):
    def bend(body: dict) -> None:
        body[key] = value

    return bend


def _set_line(key: str, value):
    def bend(body: dict) -> None:
        body["lines"][0][key] = value

    return bend


def _set_tender(method: str, key: str, value):
    def bend(body: dict) -> None:
        body["tenders"][method][key] = value

    return bend


MALFORMED = [
    ("refund", _set("kind", "gift"), "kind is refund or post_void, not 'gift'"),
    ("refund", _set("refund_id", ""), "needs refund_id"),
    ("refund", _set("approved_by", " "), "needs approved_by"),
    ("refund", _set("sale_seq", 999), "seq of an earlier sale (not 999)"),
    ("refund", _set("sale_id", None), "needs the sale_id"),
    ("refund", _set("lines", []), "needs lines (what goes back)"),
    ("refund", _set("payments", "cash"), "needs lines (what goes back) and payments"),
    ("refund", _set("total_fen", 8000), "refund lines add up to 8800 fen but total_fen is 8000"),
    ("refund", _set("total_fen", -8800), "total_fen (0 or more)"),
    ("refund", _set("reason", "x" * 1001), "reason must be text of at most 1000"),
    ("refund", _set_line("qty", 0), "positive qty or weight_g"),
    ("refund", _set_line("qty", "1"), "integer qty or weight_g"),
    ("refund", _set_line("weight_g", 500), "integer qty or weight_g (one of them)"),
    ("refund", _set_line("amount_fen", -1), "amount_fen of 0 or more"),
    ("refund", _set_line("barcode", "6" * 33), "needs product_id, barcode and name"),
    ("refund", _set_line("name", "茶油\x00"), "needs product_id, barcode and name"),
    (
        "refund",
        lambda body: body["payments"].append({"method": "cash", "amount_fen": 1}),
        "refund payments add up to 8801 fen but total_fen is 8800",
    ),
    ("z_close", _set("shift_id", 7), "needs the shift_id"),
    ("z_close", _set("opened_seq", 0), "seq of its shift_open (not 0)"),
    ("z_close", _set("by", ""), "needs by, the manager"),
    ("z_close", _set("sales_fen", -1), "needs sales_fen, an integer of 0 or more"),
    ("z_close", lambda body: body.pop("cash_out_fen"), "needs cash_out_fen"),
    ("z_close", _set("refunds_fen", "0"), "refunds_fen must be an integer of 0 or more"),
    ("z_close", _set("discount_fen", -5), "discount_fen must be an integer of 0 or more"),
    ("z_close", _set("grand_total_fen", None), "integer grand_total_fen"),
    ("z_close", _set("tenders", [["cash", 0]]), "needs tenders"),
    (
        "z_close",
        _set_tender("cash", "counted_fen", 48800),
        "variance_fen -1800 is not counted_fen 48800 minus expected_fen 48800",
    ),  # fmt: skip
    ("z_close", _set_tender("cash", "expected_fen", None), "tender cash needs integer"),
    ("z_close", lambda body: body["tenders"].update({"": {}}), "tender method is 1 to 16"),
    ("z_close", _set("reason", 12), "reason must be text"),
    ("z_close", _set("counts", {"10000": "4"}), "counts must map names to integers"),
]


@pytest.mark.parametrize(
    ("kind", "bend", "words"), MALFORMED, ids=[f"{k}-{w[:30]}" for k, _, w in MALFORMED]
)
def test_a_malformed_refund_or_z_is_refused_with_a_reason(server, journals, kind, bend, words):
    token = enrol(server, "B1", "T1", BOOTH_NAMES["B1"])
    before, bent = _bent(journals, kind, bend)
    response = _refused(server, token, before, bent)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith("Entry 1 of the batch is malformed: ") and words in detail, detail
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tamper_alerts)).scalar_one() == 0


def _more_than_sold(body: dict) -> None:
    """Three bottles back from a sale of two: lines, payments and grand total agree."""
    extra = 2 * 8800
    body["lines"][0] |= {"qty": 3, "amount_fen": 3 * 8800}
    body["total_fen"] += extra
    body["payments"][0]["amount_fen"] += extra
    body["grand_total_fen"] -= extra


def _stranger(body: dict) -> None:
    body["lines"][0]["product_id"] = RICE_ID


TAMPERED = [
    ("refund", _set("sale_seq", 1), "names sale seq 1, which is not a sale of T1"),
    ("refund", _set("sale_id", "0e944203-1a0f-47b5-9a68-4f4501a38f66"), "but seq 2 is sale"),
    ("refund", _stranger, f"returns {RICE_ID}, which sale seq 2 did not sell"),
    (
        "refund",
        _more_than_sold,
        "brings the refunds of sale seq 2 to 26400 fen, more than the sale's 17600 fen",
    ),  # fmt: skip
    ("z_close", _set("grand_total_fen", 1), "z_close grand total off: entry says 1 fen"),
    ("z_close", _set("opened_seq", 2), "names opened_seq 2, which is not the shift_open"),
]


@pytest.mark.parametrize(
    ("kind", "bend", "words"), TAMPERED, ids=[f"{k}-{w[:30]}" for k, _, w in TAMPERED]
)
def test_a_refund_or_z_contradicting_the_journal_is_a_tamper_alert(
    server, journals, kind, bend, words
):
    token = enrol(server, "B1", "T1", BOOTH_NAMES["B1"])
    before, bent = _bent(journals, kind, bend)
    response = _refused(server, token, before, bent)
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["reason"] == "tamper" and body["seq"] == bent["seq"]
    assert words in body["detail"], body["detail"]
    with server.engine.connect() as conn:
        alert = conn.execute(select(tamper_alerts)).mappings().one()
    assert alert["seq"] == bent["seq"] and alert["received_hash"] == bent["hash"]


def test_a_refund_id_or_a_shift_used_twice_is_a_tamper_alert(server, journals):
    token = enrol(server, "B1", "T1", BOOTH_NAMES["B1"])
    entries = journals["T1"]
    first, n = [k for k, e in enumerate(entries) if e["type"] == "refund"][:2]
    second = json.loads(json.dumps(entries[n]))
    second["body"]["refund_id"] = entries[first]["body"]["refund_id"]
    second = _reseal(second)
    response = _push(server, token, [*entries[:n], second])  # both in one push
    assert response.status_code == 409 and "appears twice" in response.json()["detail"]
    assert _push(server, token, entries[:n]).status_code == 200
    response = _push(server, token, [second])  # the first one already at HQ
    assert response.status_code == 409
    assert "was already recorded under another seq" in response.json()["detail"]
    z = _first(entries, "z_close")
    assert _push(server, token, entries[n : z + 1]).status_code == 200
    again = json.loads(json.dumps(entries[z])) | {"seq": z + 2, "prev": entries[z]["hash"]}
    response = _push(server, token, [_reseal(again)])  # the same shift closed again
    assert response.status_code == 409, response.text
    assert f"shift {again['body']['shift_id']} was already closed" in response.json()["detail"]


# --- the migration projects what was stored before it --------------------------------------


#: Columns of booths and terminals that 0001 did not have (0008: booth kind, terminal status).
#: The booth's address and manager (0013).
ADDED_BY_0013 = {"address", "manager_name", "manager_phone"}
ADDED_BY_0008 = {
    "kind",
    "app_version",
    "unsynced",
    "printer",
    "status_at",
    "shift_open_seq",
    "shift_opened_at",
}


@pytest.fixture
def old_engine(db_url, tmp_path):
    """An empty database of the same kind as the server's, at revision 0001."""
    if db_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        name = None
    else:
        name = f"booth_old_{uuid.uuid4().hex[:12]}"
        with pg_admin_conn() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        engine = make_engine(pg_url(name))
    command.upgrade(alembic_config(engine), "0001")
    yield engine
    engine.dispose()
    if name:
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _journal_before_0016(conn):
    """The journal table as migrations 0001 to 0015 had it, and the live rows in its shape."""
    import sqlalchemy as sa

    from sync.server import journal_store

    old = sa.Table(
        "journal", sa.MetaData(),
        *(sa.Column(name, sa.Text) for name in ("terminal_id", "type", "at", "hash", "line", "received_at")),
        sa.Column("seq", sa.BigInteger),
    )  # fmt: skip
    rows = []
    for terminal_id in conn.execute(select(terminals.c.id)).scalars():
        for seq, line in journal_store.walk(conn, terminal_id):
            entry = json.loads(line)
            rows.append({
                "terminal_id": terminal_id, "seq": seq, "type": entry["type"], "at": entry["at"],
                "hash": entry["hash"], "line": line, "received_at": entry["at"],
            })  # fmt: skip
    return old, rows


def test_the_migration_projects_refunds_and_zs_stored_before_it(journals, server, old_engine):
    """A database at 0001 holding these journals (terminals wrote z_close entries before HQ
    projected them) gets, on upgrade, exactly the rows ingest writes."""
    tokens = {t: enrol(server, b, t, BOOTH_NAMES[b]) for t, b in BOOTH_OF.items()}
    for terminal_id, entries in journals.items():
        assert _push(server, tokens[terminal_id], entries).status_code == 200
    with server.engine.connect() as live, old_engine.begin() as conn:
        for table in (booths, terminals, journal, sales, stock_movements):
            rows = [dict(r) for r in live.execute(select(table)).mappings()]
            if table is journal:  # as 0001 stored it (0016 compressed it): the line as text
                table, rows = _journal_before_0016(live)
            if table is stock_movements:  # as 0001 had them: no refund movements, new ids,
                # a sale's moves stored as movements too (0018 keeps them as its lines only)
                moves = reversed(stock_reports.ledger(live)["moves"])
                rows = [r for r in moves if r["kind"] != "refund"]
                # 0011 added ref, 0016 at: movements stored before them have neither.
                kept = ("booth_id", "product_id", "delta", "kind", "terminal_id", "seq")
                rows = [{k: r[k] for k in kept} for r in rows]
            if table is sales:  # 0004 added rounding_fen (these journals round nothing), 0018 id
                rows = [
                    {k: v for k, v in r.items() if k not in ("rounding_fen", "id")} for r in rows
                ]
            if table is booths or table is terminals:
                later = ADDED_BY_0008 | ADDED_BY_0013
                rows = [{k: v for k, v in r.items() if k not in later} for r in rows]
            conn.execute(insert(table), rows)
    migrate(old_engine)
    projected = (refunds, refund_lines, refund_payments, z_closes, z_close_tenders)
    with server.engine.connect() as live, old_engine.connect() as conn:
        for table in (*projected, stock_movements):
            columns = [c for c in table.c if c.name not in ("id", "ref")]
            want = sorted(tuple(r) for r in live.execute(select(*columns)))
            got = sorted(tuple(r) for r in conn.execute(select(*columns)))
            assert got == want and want, table.name
