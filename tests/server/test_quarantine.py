"""HQ trusts nothing a terminal sends: an entry with a valid hash and chain that breaks a
business rule is stored (the chain stays whole, the terminal keeps syncing) but counted
nowhere, with an alert naming the rule, until an admin releases it; one that is not an
entry at all is refused with 422."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
import requests
from sqlalchemy import func, select

from pos.cart import Cart, Payment
from sync.protocol import journal
from sync.server import journal_store
from sync.server.cli import main as server_main
from sync.server.tables import journal as journal_table
from sync.server.tables import quarantine, tamper_alerts
from tests.support import OIL, RICE, scale_label
from tests.support.live import bearer, enrol, hold_demo_catalog

OIL_ID, RICE_ID = "06970006000011", "06970005000012"
DAYS = {"from": "2025-12-01", "to": "2028-11-30"}  # a report covers at most 3 years


@pytest.fixture
def booth(server, terminal, admin_token):
    """T1, enrolled now, has pushed a real journal (a delivery and two sales); HQ holds
    the demo catalog. Returns what a forging terminal and the test need."""
    hold_demo_catalog(server.engine)
    token = enrol(server, "B1", "T1", as_selling_booth=False)  # enrolled at the real time
    cashier = terminal.authenticate("李娜", "2468")
    terminal.receive_stock(OIL, 24, "HQ delivery")
    for n in range(2):
        cart = Cart()
        terminal.add_to_cart(cart, OIL, 1 + n)
        terminal.add_to_cart(cart, scale_label("21", "10001", 1234))
        terminal.checkout(cart, [Payment("cash", cart.total_fen + 500)], cashier)
    written = [json.loads(line) for line in terminal.export_journal()]
    assert _push(server, token, written).status_code == 200
    admin = bearer(admin_token)
    return {"token": token, "written": written, "admin": admin}


def _push(server, token: str, batch: list[dict]) -> requests.Response:
    return requests.post(
        server.api("/journal"), json={"entries": batch}, headers=bearer(token), timeout=30
    )


def _line(product_id=OIL_ID, qty=1, price=8800, amount=None, **extra) -> dict:
    return {
        "product_id": product_id,
        "barcode": OIL,
        "name": "酉阳茶油500ml",
        "unit": "piece",
        "qty": qty,
        "unit_price_fen": price,
        "amount_fen": qty * price if amount is None else amount,
        "supplier_id": "S0006",
        "county": "酉阳土家族苗族自治县",
        **extra,
    }


def _sale(*lines: dict, payments=None, change: int = 0) -> dict:
    total = sum(line["amount_fen"] for line in lines)
    return {
        "sale_id": str(uuid.uuid4()),
        "cashier": "李娜",
        "lines": list(lines),
        "payments": payments or [{"method": "cash", "amount_fen": total + change}],
        "total_fen": total,
        "change_fen": change,
        "catalog_version": 1,
    }


def forge(written: list[dict], entry_type: str, body: dict, at: str | None = None) -> dict:
    """An entry chained on the terminal's head (grand total kept right), as a terminal with
    a valid token could send it; appended to ``written``."""
    head = written[-1]
    body = copy.deepcopy(body)
    if entry_type in ("sale", "refund"):
        moving = [e for e in written if e["type"] in ("sale", "refund")]
        grand = moving[-1]["body"]["grand_total_fen"] if moving else 0
        sign = 1 if entry_type == "sale" else -1
        body["grand_total_fen"] = grand + sign * body["total_fen"]
    at = at or journal.utc_timestamp(journal.parse_utc(head["at"]))
    entry = journal.make_entry("T1", head["seq"] + 1, entry_type, at, body, head["hash"])
    written.append(entry)
    return entry


def figures(server, admin: dict) -> dict:
    """Everything a quarantined entry must not move: the campaign, sales by booth and by
    product, the booth's stock, and what booth health says of T1."""

    def get(path, **params):
        response = requests.get(server.api(path), params=params, headers=admin, timeout=30)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    campaign = get("/reports/campaign")
    (health,) = get("/reports/booths", booth="B1")
    return {
        "campaign": {k: v for k, v in campaign.items() if not k.startswith("quarantined")},
        "held": {k: v for k, v in campaign.items() if k.startswith("quarantined")},
        "booths": get("/reports/sales", group_by="booth", **DAYS),
        "products": get("/reports/sales", group_by="product", **DAYS),
        "stock": {row["product_id"]: row["on_hand"] for row in get("/reports/stock", booth="B1")},
        "health": {k: health[k] for k in ("quarantined", "quarantined_fen", "open_alerts")},
    }


# --- the attacks that pass the contract: kept, counted nowhere, released by a person -----

ATTACKS = {
    # 1,000 bottles of an 8,800-fen oil at 1 fen each.
    "one fen a bottle": (
        "sale",
        lambda: _sale(_line(qty=1000, price=1)),
        None,
        "price_not_in_catalog",
    ),
    "a product that never existed": (
        "sale",
        lambda: _sale(_line(product_id="NEVER-EXISTED", price=500)),
        None,
        "unknown_product",
    ),
    "dated 2036": ("sale", lambda: _sale(_line()), "2036-01-01T08:00:00.000Z", "at_in_future"),
    "dated before the enrolment": (
        "sale",
        lambda: _sale(_line()),
        "2026-01-01T08:00:00.000Z",
        "at_before_enrolment",
    ),
    "an amount that is not qty x price": (
        "sale",
        lambda: _sale(_line(qty=1000, amount=1)),
        None,
        "line_amount",
    ),
    "a delivery of a product that never existed": (
        "stock_receive",
        lambda: {"product_id": "NEVER-EXISTED", "name": "?", "unit": "piece", "delta": 10**6},
        None,
        "unknown_product",
    ),
}


@pytest.mark.parametrize("case", ATTACKS, ids=list(ATTACKS))
def test_an_entry_breaking_a_business_rule_is_kept_counted_nowhere_then_released(
    server, booth, case, db_url, capsys
):
    entry_type, make_body, at, rule = ATTACKS[case]
    before = figures(server, booth["admin"])
    forged = forge(booth["written"], entry_type, make_body(), at)
    response = _push(server, booth["token"], [forged])
    # Kept: acknowledged, so the terminal's chain goes on, and stored exactly as sent.
    assert response.status_code == 200, response.text
    assert response.json() == {"acked_through": forged["seq"], "head": forged["hash"]}
    with server.engine.connect() as conn:
        line = journal_store.lines(conn, forged["terminal"], [forged["seq"]])[forged["seq"]]
        alert = conn.execute(
            select(tamper_alerts.c.kind, tamper_alerts.c.reason, tamper_alerts.c.resolved_at)
        ).one()
    assert line == journal.canonical(forged)
    assert alert.kind == "quarantine" and rule in alert.reason and alert.resolved_at is None
    # Counted nowhere: every report as before, and the quarantine shows on the booth.
    held = figures(server, booth["admin"])
    amount = forged["body"].get("total_fen", 0)
    for key in ("campaign", "booths", "products", "stock"):
        assert held[key] == before[key], key
    assert held["health"] == {"quarantined": 1, "quarantined_fen": amount, "open_alerts": 1}
    assert held["held"] == {
        "quarantined": 1,
        "quarantined_fen": amount,
        "quarantined_by_booth": [
            {
                "booth_id": "B1",
                "booth_name": "奉节县扶贫专柜",
                "quarantined": 1,
                "quarantined_fen": amount,
            }
        ],
    }
    listed = requests.get(server.api("/quarantine"), headers=booth["admin"], timeout=30).json()
    assert [(e["terminal_id"], e["seq"], e["rule"]) for e in listed] == [
        ("T1", forged["seq"], rule)
    ]
    capsys.readouterr()
    assert server_main(["--db", db_url, "quarantine", "list", "--booth", "B1"]) == 0
    assert f"T1 seq {forged['seq']} ({entry_type}" in capsys.readouterr().out
    # A terminal token cannot release; an admin can, and it is recorded.
    url = server.api(f"/quarantine/T1/{forged['seq']}/release")
    refused = requests.post(
        url, json={"reason": "mine"}, headers=bearer(booth["token"]), timeout=30
    )
    assert refused.status_code == 403
    released = requests.post(
        url, json={"reason": "checked with the booth"}, headers=booth["admin"], timeout=30
    )
    assert released.status_code == 200, released.text
    assert released.json()["released_by"] == "admin:hq"
    assert released.json()["release_reason"] == "checked with the booth"
    again = requests.post(url, json={"reason": "twice"}, headers=booth["admin"], timeout=30)
    assert again.status_code == 409
    # Now it counts, by exactly that entry.
    after = figures(server, booth["admin"])
    assert after["health"] == {"quarantined": 0, "quarantined_fen": 0, "open_alerts": 0}
    assert after["held"]["quarantined"] == 0
    body = forged["body"]
    if entry_type == "sale":
        moved = before["campaign"] | {
            "sales": before["campaign"]["sales"] + 1,
            "amount_fen": before["campaign"]["amount_fen"] + amount,
            "net_fen": before["campaign"]["net_fen"] + amount,
            "lines": before["campaign"]["lines"] + 1,
        }
        assert {k: after["campaign"][k] for k in moved} | {
            "last_day": moved["last_day"],
            "first_day": moved["first_day"],
        } == moved | {"last_day": moved["last_day"], "first_day": moved["first_day"]}
        line = body["lines"][0]
        was = before["stock"].get(line["product_id"], 0)
        assert after["stock"][line["product_id"]] == was - line["qty"]
    else:
        assert after["campaign"] == before["campaign"]
        assert after["stock"][body["product_id"]] == body["delta"]


def test_the_next_push_after_a_quarantined_entry_is_accepted_and_counted(server, booth):
    written = booth["written"]
    before = figures(server, booth["admin"])
    held = forge(written, "sale", _sale(_line(qty=1000, price=1)))
    honest = forge(written, "sale", _sale(_line(qty=2)))
    assert _push(server, booth["token"], [held]).status_code == 200
    response = _push(server, booth["token"], [honest])
    assert response.status_code == 200, response.text
    assert response.json()["acked_through"] == honest["seq"]
    after = figures(server, booth["admin"])
    assert after["campaign"]["sales"] == before["campaign"]["sales"] + 1
    assert after["campaign"]["amount_fen"] == before["campaign"]["amount_fen"] + 17600
    assert after["health"]["quarantined"] == 1
    with server.engine.connect() as conn:
        assert conn.execute(select(quarantine.c.seq)).scalars().all() == [held["seq"]]


def test_a_refund_of_a_quarantined_sale_is_held_and_released_with_it(server, booth, db_url):
    written = booth["written"]
    before = figures(server, booth["admin"])
    sale = forge(written, "sale", _sale(_line(qty=2, price=1)))
    refund_body = {
        "refund_id": str(uuid.uuid4()),
        "kind": "refund",
        "sale_id": sale["body"]["sale_id"],
        "sale_seq": sale["seq"],
        "cashier": "李娜",
        "approved_by": "王强",
        "reason": "顾客退货",
        "lines": [{**_line(qty=1, price=1), "line_no": 1}],
        "payments": [{"method": "cash", "amount_fen": 1}],
        "total_fen": 1,
    }
    refund = forge(written, "refund", refund_body)
    assert _push(server, booth["token"], [sale, refund]).status_code == 200
    listed = requests.get(server.api("/quarantine"), headers=booth["admin"], timeout=30).json()
    assert [(e["seq"], e["rule"]) for e in listed] == [
        (sale["seq"], "price_not_in_catalog"),
        (refund["seq"], "sale_quarantined"),
    ]
    held = figures(server, booth["admin"])
    assert held["campaign"] == before["campaign"] and held["stock"] == before["stock"]
    # The refund alone cannot be released; the sale takes it along.
    alone = ["--db", db_url, "quarantine", "release", "T1", str(refund["seq"])]
    assert server_main([*alone, "--reason", "x", "--by", "zhang"]) == 1
    sale_release = ["--db", db_url, "quarantine", "release", "T1", str(sale["seq"])]
    assert server_main([*sale_release, "--reason", "promotion", "--by", "zhangwei"]) == 0
    after = figures(server, booth["admin"])
    assert after["campaign"]["amount_fen"] == before["campaign"]["amount_fen"] + 2
    assert after["campaign"]["refunded_fen"] == before["campaign"]["refunded_fen"] + 1
    assert after["stock"][OIL_ID] == before["stock"][OIL_ID] - 1
    assert after["health"]["quarantined"] == 0
    done = requests.get(
        server.api("/quarantine"), params={"released": "true"}, headers=booth["admin"], timeout=30
    ).json()
    assert {(e["seq"], e["released_by"]) for e in done} == {
        (sale["seq"], "zhangwei"),
        (refund["seq"], "zhangwei"),
    }


def test_a_price_change_approved_by_a_manager_is_not_quarantined(server, booth):
    written = booth["written"]
    before = figures(server, booth["admin"])
    line = _line(price=5000, list_price_fen=8800, override_by="王强", override_reason="包装破损")
    sale = forge(written, "sale", _sale(line))
    assert _push(server, booth["token"], [sale]).status_code == 200
    after = figures(server, booth["admin"])
    assert after["campaign"]["amount_fen"] == before["campaign"]["amount_fen"] + 5000
    assert after["health"]["quarantined"] == 0


def test_a_sale_at_an_older_catalog_price_counts(server, booth, admin_token):
    """A booth offline while HQ repriced still charges the old price: not quarantined."""
    headers = bearer(admin_token)
    product = requests.get(server.api(f"/catalog/products/{RICE_ID}"), headers=headers, timeout=30)
    assert product.status_code == 200, product.text
    editable = {k: v for k, v in product.json().items() if k not in ("id", "deleted", "version")}
    repriced = {**editable, "price_fen": 7500}
    changed = requests.put(
        server.api(f"/catalog/products/{RICE_ID}"), json=repriced, headers=headers, timeout=30
    )
    assert changed.status_code == 200, changed.text
    written = booth["written"]
    old = forge(written, "sale", _sale(_line(product_id=RICE_ID, price=6980, barcode=RICE)))
    new = forge(written, "sale", _sale(_line(product_id=RICE_ID, price=7500, barcode=RICE)))
    assert _push(server, booth["token"], [old, new]).status_code == 200
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(quarantine)).scalar_one() == 0


# --- what is not an entry at all: 422, nothing stored ---------------------------------------


def _set_line(**changes):
    return lambda: _sale(_line(**changes))


MALFORMED = {
    "quantity -5": ("sale", _set_line(qty=-5), None, "0 or more"),  # -44,000 fen
    "quantity 0": ("sale", _set_line(qty=0), None, "qty"),
    "a weighed line of -1,000 g": (
        "sale",
        lambda: _sale(
            {**{k: v for k, v in _line().items() if k != "qty"}, "unit": "kg", "weight_g": -1000}
        ),  # fmt: skip
        None,
        "weight_g",
    ),
    "unit tonne": ("sale", _set_line(unit="tonne"), None, "unit"),
    "at 1970": ("sale", lambda: _sale(_line()), "1970-01-01T00:00:00.000Z", "2020-01-01"),
    "at 0001-01-01": ("sale", lambda: _sale(_line()), "0001-01-01T00:00:00.000Z", "at"),
    "a bare date": ("sale", lambda: _sale(_line()), "2026-12-06", "full UTC time"),
    "payment method bitcoin": (
        "sale",
        lambda: _sale(_line(), payments=[{"method": "bitcoin", "amount_fen": 8800}]),
        None,
        "bitcoin",
    ),
    "a payment of -100,000 with change -100,000": (
        "sale",
        lambda: _sale(
            _line(), payments=[{"method": "cash", "amount_fen": -100_000}], change=-100_000
        ),
        None,
        "more than 0",
    ),
    "change given on WeChat": (
        "sale",
        lambda: _sale(_line(), payments=[{"method": "wechat", "amount_fen": 10_000}], change=1200),
        None,
        "change is given in cash only",
    ),
    "a stock_receive of 10^15": (
        "stock_receive",
        lambda: {"product_id": OIL_ID, "name": "油", "unit": "piece", "delta": 10**15},
        None,
        "delta",
    ),
    "entry type bogus_type": ("bogus_type", lambda: {"x": 1}, None, "unknown entry type"),
}


def test_entries_that_are_not_entries_are_refused_with_422_and_change_nothing(server, booth):
    before = figures(server, booth["admin"])
    with server.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(journal_table)).scalar_one()
    for case, (entry_type, make_body, at, words) in MALFORMED.items():
        written = list(booth["written"])
        forged = forge(written, entry_type, make_body(), at)
        response = _push(server, booth["token"], [forged])
        assert response.status_code == 422, (case, response.text)
        assert words in response.json()["detail"], (case, response.json()["detail"])
    assert figures(server, booth["admin"]) == before
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(journal_table)).scalar_one() == stored
        assert conn.execute(select(func.count()).select_from(quarantine)).scalar_one() == 0
