"""Changes scheduled for later on SQLite and PostgreSQL: the product form's "takes effect
at", pending on the product page with the feed unchanged, applied when due (by the server's
loop or `catalog apply-due`, exactly once) and carried to a real terminal by sync, a sale at
the old price made before it arrived kept out of quarantine, cancelled, bad times refused
beside the field with nothing changed, and the audit rows of each step."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

import sync.client
from pos.cart import Cart, Payment
from pos.terminal import Terminal
from sync.server import catalog, catalog_schedule, clock, registry
from sync.server.catalog_worker import ScheduleWorker
from sync.server.cli import cli_actor, main
from sync.server.db import reading
from tests.support import CASHIER, CASHIER_PIN, DEMO_CATALOG, MANAGER, MANAGER_PIN, OIL, open_shift
from tests.support.console import add_people, csrf_of, marked, sign_in
from tests.support.live import bearer, date_enrolment, hold_demo_catalog

OIL_ID = "06970006000011"
ZONE_HOURS = 8  # Asia/Shanghai, the server's default zone


@pytest.fixture
def office(server):
    hold_demo_catalog(server.engine)
    add_people(server.engine)
    return server


@pytest.fixture
def hq_clock(monkeypatch):
    """HQ's clock, which the test moves forward (the terminal keeps the real one)."""
    moment = {"now": datetime.now(UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


def _local(moment: datetime) -> str:
    """A moment as the form's datetime-local field sends it (Asia/Shanghai)."""
    return (moment + timedelta(hours=ZONE_HOURS)).strftime("%Y-%m-%dT%H:%M")


def _form(http, office, product_id: str, **changes):
    page = http.get(f"{office.url}/console/catalog/products/{product_id}", timeout=10)
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_of(page.text)}
    for field in ("name", "name_en", "price", "certificate_no", "certificate_expires"):
        form[field] = re.search(rf'name="{field}" value="([^"]*)"', page.text).group(1)
    form.update(changes)
    return http.post(f"{office.url}/console/catalog/products/{product_id}", data=form, timeout=10)


def _feed(engine, since: int = 0) -> dict:
    with reading(engine) as conn:
        return catalog.changes(conn, "B1", since, 1000)


def _audit(engine, action: str) -> list[dict]:
    from sync.server import audit

    with reading(engine) as conn:
        return audit.entries(conn, action=action, limit=100)["rows"]


def _scheduled_keys(html: str) -> list[str]:
    return [a["data-key"] for a in marked(html, "scheduled") if a["tag"] == "tr"]


def _schedule_oil(http, office, when: datetime, price: str = "96.00"):
    answer = _form(http, office, OIL_ID, price=price, effective_at=_local(when))
    assert answer.status_code == 200, answer.text
    assert "problem-" not in answer.text
    return answer


def test_a_scheduled_price_waits_then_reaches_a_real_terminal_and_old_sales_stay_clean(
    office, hq_clock, tmp_path: Path, admin_token
):
    with office.engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜", "奉节县")
        code = registry.add_enrol_code(conn, "B1", 1)
    term, _ = Terminal.init(tmp_path / "T1", "T1", "T1 专柜")
    term.import_catalog(DEMO_CATALOG.read_bytes())
    term.add_user(CASHIER, "cashier", CASHIER_PIN)
    term.add_user(MANAGER, "manager", MANAGER_PIN)
    sync.client.enroll(term, office.url, code)
    date_enrolment(office.engine, "T1")
    assert sync.client.SyncClient(term).round().unsynced == 0
    version = _feed(office.engine)["current"]

    http = sign_in(office, "zhaolei")
    effective = hq_clock["now"] + timedelta(minutes=10)
    page = _schedule_oil(http, office, effective)
    assert "Scheduled. Nothing changes until then" in page.text
    assert _scheduled_keys(page.text), "the product page shows the pending change"
    shown = (effective + timedelta(hours=ZONE_HOURS)).strftime("%Y-%m-%d %H:%M")
    assert "￥96.00" in page.text and shown in page.text
    # Pending: the product, its price history and the feed are as they were.
    with reading(office.engine) as conn:
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 8800
        assert [p["price_fen"] for p in catalog.price_history(conn, OIL_ID)] == [8800]
    assert _feed(office.engine, version)["changes"] == []
    assert catalog_schedule.apply_due(office.engine, "cli:test") == []  # not due yet

    # The booth sells at the old price, offline, before the change reaches it.
    open_shift(term)
    cart = Cart()
    term.add_to_cart(cart, OIL, 1)
    assert cart.total_fen == 8800
    term.checkout(cart, [Payment("cash", 8800)], term.authenticate(CASHIER, CASHIER_PIN))

    hq_clock["now"] = effective + timedelta(seconds=5)
    applied = ScheduleWorker(office.engine, office.settings).once()
    assert [a["product_id"] for a in applied] == [OIL_ID]
    assert ScheduleWorker(office.engine, office.settings).once() == []  # applied once only

    assert sync.client.SyncClient(term).round().unsynced == 0
    assert term.product_by_id(OIL_ID).price_fen == 9600
    quarantined = requests.get(office.api("/quarantine"), headers=bearer(admin_token), timeout=10)
    assert quarantined.status_code == 200 and quarantined.json() == []
    with reading(office.engine) as conn:
        prices = catalog.price_history(conn, OIL_ID)
    assert [p["price_fen"] for p in prices] == [9600, 8800]
    minute = effective.replace(second=0, microsecond=0)  # the form gives minutes
    assert prices[0]["since"] == clock.stamp(minute)  # from the effective time
    page = http.get(f"{office.url}/console/catalog/products/{OIL_ID}", timeout=10)
    assert _scheduled_keys(page.text) == []
    (scheduled,) = _audit(office.engine, "product_change_scheduled")
    assert scheduled["actor"] == "user:zhaolei"
    assert scheduled["before"] == {"price_fen": 8800}
    assert scheduled["after"]["price_fen"] == 9600
    (done,) = _audit(office.engine, "product_change_applied")
    assert done["actor"] == catalog_schedule.SERVER_ACTOR
    assert done["before"]["price_fen"] == 8800 and done["after"]["price_fen"] == 9600


def test_a_cancelled_change_never_applies_and_is_audited(office, hq_clock):
    http = sign_in(office, "zhaolei")
    version = _feed(office.engine)["current"]
    page = _schedule_oil(http, office, hq_clock["now"] + timedelta(days=3))
    (key,) = _scheduled_keys(page.text)
    cancelled = http.post(
        f"{office.url}/console/catalog/products/{OIL_ID}/scheduled/{key}/cancel",
        data={"csrf_token": csrf_of(page.text)},
        timeout=10,
    )
    assert cancelled.status_code == 200 and _scheduled_keys(cancelled.text) == []
    again = http.post(
        f"{office.url}/console/catalog/products/{OIL_ID}/scheduled/{key}/cancel",
        data={"csrf_token": csrf_of(page.text)},
        timeout=10,
    )
    assert again.status_code == 409
    hq_clock["now"] += timedelta(days=4)
    assert catalog_schedule.apply_due(office.engine, "cli:test") == []
    assert _feed(office.engine, version)["changes"] == []
    (row,) = _audit(office.engine, "product_change_cancelled")
    assert row["actor"] == "user:zhaolei" and row["before"]["price_fen"] == 9600
    # A viewer cannot cancel.
    viewer = sign_in(office, "wangfang")
    refused = viewer.post(
        f"{office.url}/console/catalog/products/{OIL_ID}/scheduled/{key}/cancel",
        data={"csrf_token": csrf_of(viewer.get(f"{office.url}/console/catalog", timeout=10).text)},
        timeout=10,
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        (lambda now: _local(now - timedelta(minutes=5)), "This time has passed"),
        (lambda now: _local(now + timedelta(days=400)), "at most a year ahead"),
        (lambda now: "next tuesday", "A time is written YYYY-MM-DD HH:MM"),
    ],
    ids=["past", "too-far", "garbled"],
)
def test_a_bad_time_is_refused_beside_its_field_and_changes_nothing(office, hq_clock, when, reason):
    http = sign_in(office, "zhaolei")
    version = _feed(office.engine)["current"]
    answer = _form(http, office, OIL_ID, price="96.00", effective_at=when(hq_clock["now"]))
    assert answer.status_code == 422
    beside = re.search(r'id="problem-effective_at">([^<]*)<', answer.text)
    assert beside and reason in beside.group(1), answer.text
    with reading(office.engine) as conn:
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 8800
        assert catalog_schedule.pending(conn) == []
    assert _feed(office.engine, version)["changes"] == []
    assert _audit(office.engine, "product_change_scheduled") == []


def test_a_time_within_the_last_minute_means_now(office, hq_clock):
    http = sign_in(office, "zhaolei")
    answer = _form(http, office, OIL_ID, price="90.00", effective_at=_local(hq_clock["now"]))
    assert answer.status_code == 200, answer.text
    with reading(office.engine) as conn:
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 9000
        assert catalog_schedule.pending(conn) == []


def test_apply_due_from_the_command_line_and_two_servers_apply_a_change_once(
    office, hq_clock, capsys, db_url
):
    http = sign_in(office, "zhaolei")
    _schedule_oil(http, office, hq_clock["now"] + timedelta(hours=1))
    assert main(["--db", db_url, "catalog", "apply-due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"applied": []}
    hq_clock["now"] += timedelta(hours=2)
    results: list[list[dict]] = []
    start = threading.Barrier(2)

    def server_loop():
        start.wait()
        results.append(ScheduleWorker(office.engine, office.settings).once())

    loop = threading.Thread(target=server_loop)
    loop.start()
    start.wait()
    code = main(["--db", db_url, "catalog", "apply-due", "--json"])
    loop.join(30)
    assert code == 0
    by_cli = json.loads(capsys.readouterr().out)["applied"]
    assert len(by_cli) + len(results[0]) == 1, (by_cli, results)
    assert len(_audit(office.engine, "product_change_applied")) == 1
    with reading(office.engine) as conn:
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 9600


def test_a_change_for_a_withdrawn_product_is_not_applied_and_says_why(
    office, hq_clock, capsys, db_url
):
    http = sign_in(office, "zhaolei")
    _schedule_oil(http, office, hq_clock["now"] + timedelta(hours=1))
    with office.engine.begin() as conn:
        catalog.delete_product(conn, OIL_ID, by="cli:test")
    hq_clock["now"] += timedelta(hours=2)
    assert main(["--db", db_url, "catalog", "apply-due"]) == 1
    assert "was withdrawn before the change was due" in capsys.readouterr().out
    (failed,) = _audit(office.engine, "product_change_failed")
    assert "withdrawn" in failed["after"]["problem"] and failed["actor"] == cli_actor()
    with reading(office.engine) as conn:
        assert catalog_schedule.pending(conn) == []
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 8800
