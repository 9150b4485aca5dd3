"""HQ as two app nodes: two real `booth-pos-server serve` processes on one database (SQLite
file or PostgreSQL) share what must be shared. A guesser meets the same limit on wrong
enrolment codes, admin tokens and console passwords whichever node answers; a scheduled
catalog change is applied once though both nodes' workers look for it."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from benchmarks.server import ServerProcess
from sync.server import catalog, catalog_schedule, clock, registry
from sync.server.console import users
from sync.server.tables import audit_log, enrol_codes, rate_limit_counts, scheduled_changes
from tests.support import DEMO_CATALOG
from tests.support.console import csrf_of

LIMIT = 3


@pytest.fixture
def two_nodes(db_url, engine, tmp_path):
    env = {
        "BOOTH_POS_SERVER_FAILED_ENROLMENTS": str(LIMIT),
        "BOOTH_POS_SERVER_FAILED_ADMIN_TOKENS": str(LIMIT),
        "BOOTH_POS_SERVER_CONSOLE_FAILED_SIGNINS_PER_NAME": str(LIMIT),
        "BOOTH_POS_SERVER_SCHEDULE_CHECK_S": "0.2",
        "BOOTH_POS_SERVER_LOG_LEVEL": "warning",
    }
    nodes = []
    try:
        for n in (1, 2):
            nodes.append(ServerProcess(db_url, tmp_path / f"node{n}.log", env=env))
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def _both(nodes):
    """The nodes in turn, as a proxy without sticky sessions hands requests out."""
    return itertools.cycle(nodes)


def test_wrong_codes_and_tokens_count_once_whichever_node_answers(two_nodes, engine):
    with engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
        good = registry.add_enrol_code(conn, "B1", 1, by="admin:test")
        admin = registry.add_admin(conn, "hq")
    turns = _both(two_nodes)
    for n in range(LIMIT):  # one node, then the other: each sees some of the failures
        wrong = requests.post(next(turns).api("/enroll"), json={"code": f"ZZZZ-ZZZZ-{n:04d}", "terminal": "T9"}, timeout=10)  # fmt: skip
        assert wrong.status_code == 401, wrong.text
    for node in two_nodes:  # both refuse now: neither counted only its own share
        refused = requests.post(node.api("/enroll"), json={"code": good, "terminal": "T1"}, timeout=10)  # fmt: skip
        assert refused.status_code == 429, refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= 300
    with engine.connect() as conn:  # the right code was not even looked at
        assert conn.execute(select(enrol_codes.c.used_at)).scalar_one() is None

    for n in range(LIMIT):
        wrong = requests.get(next(turns).api("/reports/campaign"), headers={"Authorization": f"Bearer bpa_wrong{n}"}, timeout=10)  # fmt: skip
        assert wrong.status_code == 401
    for node in two_nodes:
        refused = requests.get(node.api("/reports/campaign"), headers={"Authorization": f"Bearer {admin}"}, timeout=10)  # fmt: skip
        assert refused.status_code == 429
        assert "Too many wrong admin tokens" in refused.json()["detail"]
    with engine.connect() as conn:
        counted = dict(conn.execute(select(rate_limit_counts.c.limiter, rate_limit_counts.c.events)).all())  # fmt: skip
    assert counted == {"enrol": LIMIT, "admin_token": LIMIT}


def _sign_in(node, name: str, password: str) -> requests.Response:
    http = requests.Session()
    form = http.get(node.url + "/console/sign-in", timeout=10)
    return http.post(
        node.url + "/console/sign-in",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": password, "next": "/console/"},
        allow_redirects=False, timeout=10,
    )  # fmt: skip


def test_the_console_sign_in_throttle_holds_across_nodes(two_nodes, engine):
    with engine.begin() as conn:
        users.add_user(conn, "liqiang", "admin", "liqiang-admin-pw")
    turns = _both(two_nodes)
    for _ in range(LIMIT):
        assert _sign_in(next(turns), "liqiang", "not-the-password").status_code == 401
    for node in two_nodes:  # the right password is not looked at on either node
        refused = _sign_in(node, "liqiang", "liqiang-admin-pw")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.action == "signed_in")).scalar_one() == 0  # fmt: skip


def test_a_scheduled_change_is_applied_once_by_two_nodes(two_nodes, engine):
    catalog.import_csv(engine, DEMO_CATALOG.read_bytes())
    with engine.connect() as conn:
        products = [p["id"] for p in catalog.all_products(conn)[:4]]
        before = catalog.current_version(conn)
    when = clock.now() + timedelta(seconds=1)
    with engine.begin() as conn:
        for n, product in enumerate(products):
            catalog_schedule.schedule(conn, product, {"price_fen": 1000 + n}, when, "admin:test")
    deadline = time.monotonic() + 30
    while True:  # both nodes' workers look every 0.2 s
        with engine.connect() as conn:
            left = conn.execute(select(func.count()).select_from(scheduled_changes).where(scheduled_changes.c.applied_at.is_(None))).scalar_one()  # fmt: skip
        if left == 0:
            break
        assert time.monotonic() < deadline, f"{left} scheduled changes never applied"
        time.sleep(0.1)
    with engine.connect() as conn:
        versions = conn.execute(select(scheduled_changes.c.applied_version)).scalars().all()
        applied = conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.action == "product_change_applied")).scalar_one()  # fmt: skip
        after = catalog.current_version(conn)
        prices = {p["id"]: p["price_fen"] for p in catalog.all_products(conn) if p["id"] in products}  # fmt: skip
    assert sorted(versions) == list(range(before + 1, before + 1 + len(products)))
    assert after == before + len(products)  # one new version per change, none twice
    assert applied == len(products)
    assert prices == {p: 1000 + n for n, p in enumerate(products)}
