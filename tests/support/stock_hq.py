"""Booth stock at HQ in tests: terminals of two booths enrolled with a real server, and a
day of stock moves synced (a delivery received short, sales, a transfer in transit, a
minimum that leaves a booth running out)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import requests

import sync.client
from pos.cart import Cart, Payment
from pos.terminal import Terminal
from sync.server import catalog, registry
from sync.server.errors import ApiError
from tests.support import CASHIER, CASHIER_PIN, DEMO_CATALOG, MANAGER, MANAGER_PIN, OIL, RICE
from tests.support.live import LiveServer, bearer, date_enrolment, hold_demo_catalog

OIL_ID, RICE_ID = OIL.zfill(14), RICE.zfill(14)


def stock_terminal(folder: Path, terminal_id: str) -> Terminal:
    term, _ = Terminal.init(folder / terminal_id, terminal_id, f"{terminal_id} 专柜")
    term.import_catalog(DEMO_CATALOG.read_bytes())
    term.add_user(CASHIER, "cashier", CASHIER_PIN)
    term.add_user(MANAGER, "manager", MANAGER_PIN)
    return term


def enrol_at(live: LiveServer, term: Terminal, booth: str, name: str) -> None:
    hold_demo_catalog(live.engine)
    with live.engine.begin() as conn:
        with contextlib.suppress(ApiError):
            registry.add_booth(conn, booth, name, "奉节县")
        code = registry.add_enrol_code(conn, booth, 1)
    sync.client.enroll(term, live.url, code)
    date_enrolment(live.engine, term.terminal_id)


def sync_round(term: Terminal) -> None:
    result = sync.client.SyncClient(term).round()
    assert result.online and result.unsynced == 0, result


def deliver(live: LiveServer, admin_token: str, booth: str, product_id: str, qty: int) -> int:
    answer = requests.post(
        live.api("/deliveries"),
        json={"booth_id": booth, "product_id": product_id, "qty": qty},
        headers=bearer(admin_token),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def stock_day(live: LiveServer, admin_token: str, folder: Path) -> dict[str, Terminal]:
    """B1 (T1) checks in 24 oil of 30 (short) and 12 rice, sells 3 oil, sends 5 rice to B2
    (T2, not yet checked in); oil has a minimum of 30 campaign-wide, so B1 runs out."""
    t1, t2 = stock_terminal(folder, "T1"), stock_terminal(folder, "T2")
    enrol_at(live, t1, "B1", "奉节县扶贫专柜")
    enrol_at(live, t2, "B2", "巫山县扶贫专柜")
    deliver(live, admin_token, "B1", OIL_ID, 30)
    deliver(live, admin_token, "B1", RICE_ID, 12)
    sync_round(t1)
    manager = t1.authenticate(MANAGER, MANAGER_PIN)
    for delivery in t1.booth_stock.deliveries():
        if delivery.lines[0].product_id == OIL_ID:
            t1.booth_stock.check_in(
                delivery.delivery_id, manager, received={OIL: 24}, reasons={OIL: "short"}
            )
        else:
            t1.booth_stock.check_in(delivery.delivery_id, manager)
    from tests.support import open_shift

    open_shift(t1)
    cart = Cart()
    t1.add_to_cart(cart, OIL, 3)
    t1.checkout(cart, [Payment("cash", cart.total_fen)], t1.authenticate(CASHIER, CASHIER_PIN))
    t1.booth_stock.transfer_out("B2", {RICE: 5}, manager, note="支援巫山")
    with live.engine.begin() as conn:
        catalog.set_min_stock(conn, OIL_ID, 30, None, "test")
    sync_round(t1)
    sync_round(t2)
    return {"T1": t1, "T2": t2}
