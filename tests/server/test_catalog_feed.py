"""The versioned catalog over real HTTP: CSV import, HQ edits, deliveries, and the feed
cursor (paging, tombstones, per-booth deliveries, concurrent writers)."""

from __future__ import annotations

import csv
import itertools
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from pos.demo_catalog import write_csv
from sync.server import catalog
from sync.server.cli import main as server_cli
from sync.server.tables import counters, products
from tests.support.live import bearer, enrol, openapi_schema

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo" / "catalog.csv"
OIL = "06970006000011"  # 酉阳茶油500ml, two barcodes in the demo catalog
ORANGES = "PLU10001"  # 奉节脐橙, sold by weight


def _import(server, admin_token, data: bytes) -> requests.Response:
    headers = {**bearer(admin_token), "Content-Type": "text/csv"}
    return requests.post(server.api("/catalog/import"), data=data, headers=headers, timeout=60)


def _poll(server, token: str, since: int, limit: int = 500) -> dict:
    response = requests.get(
        server.api("/catalog/changes"),
        params={"since": since, "limit": limit},
        headers=bearer(token),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _pull_all(server, token: str, since: int = 0, limit: int = 500) -> tuple[list[dict], int]:
    """Every change after ``since``, page by page; checks order and the cursor on the way."""
    seen: list[dict] = []
    while True:
        page = _poll(server, token, since, limit)
        versions = [change["version"] for change in page["changes"]]
        assert len(versions) <= limit
        assert versions == sorted(versions) and all(v > since for v in versions)
        assert page["next"] == (versions[-1] if versions else since)
        seen += page["changes"]
        since = page["next"]
        if not page["more"]:
            return seen, since


def _expected_from_csv(path: Path) -> dict[str, dict]:
    """Products as the feed must carry them, read from the CSV independently of the server."""
    expected = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            barcodes = [code for code in row["barcode"].split("|") if code]
            plu = str(int(row["plu"])) if row["plu"] else None
            product_id = barcodes[0].zfill(14) if barcodes else f"PLU{plu}"
            expected[product_id] = {
                "id": product_id,
                "barcodes": barcodes,
                "plu": plu,
                "price_fen": int(row["price_fen"]),
                "min_stock": 0,  # none until HQ sets one (catalog min-stock)
                **{
                    key: row[key]
                    for key in (
                        "name", "name_en", "unit", "category", "supplier_id",
                        "supplier_name", "county", "certificate_no", "certificate_expires",
                    )
                },
            }  # fmt: skip
    return expected


def _catalog_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(products).order_by(products.c.id)).all()
        counter = conn.execute(
            select(counters.c.value).where(counters.c.name == "catalog")
        ).scalar_one()
    return [*map(tuple, rows), counter]


def _product_body(**changes) -> dict:
    body = {
        "barcodes": [],
        "plu": None,
        "name": "巫溪洋芋",
        "name_en": "Wuxi potatoes",
        "unit": "kg",
        "price_fen": 600,
        "category": "蔬菜",
        "supplier_id": "S0099",
        "supplier_name": "巫溪县洋芋专业合作社",
        "county": "巫溪县",
        "certificate_no": "CQFP-2026-000999",
        "certificate_expires": "2028-03-31",
    }
    return {**body, **changes}


def _put(server, admin_token, product_id: str, body: dict) -> requests.Response:
    return requests.put(
        server.api(f"/catalog/products/{product_id}"),
        json=body,
        headers=bearer(admin_token),
        timeout=10,
    )


# --- the whole feed ----------------------------------------------------------------------


def test_the_demo_catalog_arrives_exactly_once_page_by_page(server, admin_token):
    response = _import(server, admin_token, DEMO.read_bytes())
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary == {
        "added": 50, "updated": 0, "unchanged": 0, "version": 50, "encoding": "utf-8",
    }  # fmt: skip
    token = enrol(server, "B1", "T1", as_selling_booth=False)

    changes, cursor = _pull_all(server, token, limit=7)

    expected = _expected_from_csv(DEMO)
    assert all(change["kind"] == "product" for change in changes)
    received = [change["product"] for change in changes]
    assert sorted(p["id"] for p in received) == sorted(expected)  # each exactly once
    assert {p["id"]: p for p in received} == expected
    assert cursor == 50
    idle = _poll(server, token, cursor, 7)
    assert idle == {"changes": [], "next": cursor, "more": False, "current": 50}


def test_a_first_page_says_more_and_the_cursor_resumes_where_it_stopped(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    first = _poll(server, token, 0, 7)
    assert len(first["changes"]) == 7 and first["more"] is True
    second = _poll(server, token, first["next"], 7)
    assert second["changes"][0]["version"] == first["next"] + 1


def test_reimporting_the_same_sheet_changes_nothing(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    before = _catalog_rows(server.engine)
    again = _import(server, admin_token, DEMO.read_bytes()).json()
    assert again == {"added": 0, "updated": 0, "unchanged": 50, "version": 50, "encoding": "utf-8"}
    assert _catalog_rows(server.engine) == before


def test_a_gbk_sheet_with_one_new_price_updates_one_product(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    text = DEMO.read_text(encoding="utf-8").replace("piece,8800,粮油", "piece,8600,粮油")
    summary = _import(server, admin_token, text.encode("gbk")).json()
    assert summary == {"added": 0, "updated": 1, "unchanged": 49, "version": 51, "encoding": "gbk"}
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    changes = _poll(server, token, 50)["changes"]
    assert [(c["version"], c["product"]["id"], c["product"]["price_fen"]) for c in changes] == [
        (51, OIL, 8600)
    ]


def test_ids_are_the_terminals_ids_for_the_same_sheet(server, admin_token, terminal):
    _import(server, admin_token, DEMO.read_bytes())
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    changes, _ = _pull_all(server, token)
    terminal_ids = {row[0] for row in terminal.store.conn.execute("SELECT id FROM products")}
    assert {change["product"]["id"] for change in changes} == terminal_ids


def test_a_generated_catalog_of_5000_rows_imports_and_pages(server, admin_token, tmp_path):
    path = tmp_path / "catalog.csv"
    write_csv(path, 5000)
    summary = _import(server, admin_token, path.read_bytes()).json()
    assert (summary["added"], summary["version"]) == (5000, 5000)
    token = enrol(server, "B1", "T1", as_selling_booth=False)

    changes, cursor = _pull_all(server, token, limit=450)

    expected = _expected_from_csv(path)
    assert len(changes) == 5000 and cursor == 5000
    assert {c["product"]["id"]: c["product"] for c in changes} == expected
    again = _import(server, admin_token, path.read_bytes()).json()
    assert (again["unchanged"], again["version"]) == (5000, 5000)
    assert _poll(server, token, cursor)["changes"] == []


def test_the_cli_imports_through_the_same_service(server, db_url, tmp_path, capsys):
    path = tmp_path / "catalog.csv"
    path.write_bytes(DEMO.read_bytes())
    assert server_cli(["--db", db_url, "catalog", "import", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 50
    bad = tmp_path / "bad.csv"
    oil_price = DEMO.read_text(encoding="utf-8").replace("piece,8800,粮油", "piece,88.00,粮油")
    bad.write_text(oil_price, "utf-8")
    assert server_cli(["--db", db_url, "catalog", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 21, column price_fen: '88.00' is not a whole number" in err
    assert "1 problem(s) found" in err


# --- edits after a cursor ----------------------------------------------------------------


def test_an_update_and_a_delete_after_a_cursor_come_in_the_next_poll(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    _, cursor = _pull_all(server, token)
    oil = requests.get(
        server.api(f"/catalog/products/{OIL}"), headers=bearer(admin_token), timeout=10
    ).json()
    body = {k: v for k, v in oil.items() if k not in ("id", "deleted", "version")}

    updated = _put(server, admin_token, OIL, {**body, "price_fen": 9200})
    deleted = requests.delete(
        server.api(f"/catalog/products/{ORANGES}"), headers=bearer(admin_token), timeout=10
    )

    assert updated.status_code == 200 and updated.json()["version"] == cursor + 1
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    page = _poll(server, token, cursor)
    assert page["more"] is False and page["next"] == cursor + 2
    change, tombstone = page["changes"]
    assert change["kind"] == "product" and change["version"] == cursor + 1
    assert change["product"] == {**body, "id": OIL, "price_fen": 9200, "min_stock": 0}
    assert tombstone == {"version": cursor + 2, "kind": "product_deleted", "id": ORANGES}
    assert _poll(server, token, page["next"])["changes"] == []


def test_saving_a_product_unchanged_takes_no_version(server, admin_token):
    first = _put(server, admin_token, "PLU30001", _product_body(plu="30001"))
    again = _put(server, admin_token, "PLU30001", _product_body(plu="30001"))
    assert first.status_code == 200, first.text
    assert first.json()["version"] == again.json()["version"] == 1
    assert again.json()["deleted"] is False


def test_barcodes_are_only_ever_added(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    oil = requests.get(
        server.api(f"/catalog/products/{OIL}"), headers=bearer(admin_token), timeout=10
    ).json()
    body = {k: v for k, v in oil.items() if k not in ("id", "deleted", "version")}
    saved = _put(server, admin_token, OIL, {**body, "barcodes": ["6970006000011"]}).json()
    assert saved["barcodes"] == ["6970006000011", "6970006009014"]
    assert saved["version"] == oil["version"]  # nothing changed


def test_deleting_twice_is_one_tombstone_and_a_reimport_restores(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    url = server.api(f"/catalog/products/{ORANGES}")
    first = requests.delete(url, headers=bearer(admin_token), timeout=10).json()
    second = requests.delete(url, headers=bearer(admin_token), timeout=10).json()
    assert first == second and first["version"] == 51
    summary = _import(server, admin_token, DEMO.read_bytes()).json()
    assert (summary["updated"], summary["version"]) == (1, 52)
    restored = requests.get(url, headers=bearer(admin_token), timeout=10).json()
    assert restored["deleted"] is False and restored["version"] == 52


def test_product_edits_get_the_csv_checks_and_clear_messages(server, admin_token):
    cases = [
        ({"barcodes": ["6970006000012"]}, 422, "wrong check digit (expected 1)"),
        ({"barcodes": ["2010001012344"]}, 422, "in-store scale code"),
        ({"plu": None}, 422, "needs a barcode or a PLU"),
        ({"plu": "30001", "certificate_expires": "2027-02-30"}, 422, "is not a date"),
        ({"plu": "30001", "certificate_no": ""}, 422, "needs both its number"),
        ({"plu": "30001", "price_fen": 12.5}, 422, "price_fen"),
        ({"plu": "30001", "unit": "box"}, 422, "unit"),
        ({"plu": "30001", "name": "洋芋\x00"}, 422, "name"),
        ({"plu": "30001", "colour": "red"}, 422, "colour"),
        ({"plu": "10001"}, 409, "already belongs to PLU10001"),
        ({"barcodes": ["6970006009014"], "plu": "30001"}, 409, OIL),
    ]
    _import(server, admin_token, DEMO.read_bytes())
    before = _catalog_rows(server.engine)
    for changes, status, words in cases:
        response = _put(server, admin_token, "NEW-1", _product_body(**changes))
        assert response.status_code == status, (changes, response.text)
        assert words in response.json()["detail"], (changes, response.text)
    bad_id = _put(server, admin_token, "bad id!", _product_body(plu="30001"))
    assert bad_id.status_code == 422
    assert _catalog_rows(server.engine) == before
    missing = requests.get(
        server.api("/catalog/products/NOPE"), headers=bearer(admin_token), timeout=10
    )
    assert missing.status_code == 404 and "There is no product NOPE" in missing.json()["detail"]


# --- refusals ----------------------------------------------------------------------------


def test_a_bad_sheet_is_refused_with_every_problem_and_changes_nothing(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    before = _catalog_rows(server.engine)
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",1680,", ",-5,")  # line 3
    lines.append("6970099000012,,测试品,,piece,100,,S1,供应商,县,,")  # line 52: bad check digit
    response = _import(server, admin_token, "\n".join(lines).encode())
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == (
        "The catalog was not imported: 2 problem(s) found. Fix the sheet and import it again."
    )
    assert body["errors"] == [
        "line 3, column price_fen: '-5' is not a whole number of fen (write 1280 for ￥12.80)",
        "line 52, column barcode: 6970099000012 has a wrong check digit (expected 1): "
        "correct it in the sheet",
    ]
    assert _catalog_rows(server.engine) == before


def test_a_row_that_joins_two_existing_products_is_refused(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    before = _catalog_rows(server.engine)
    header = DEMO.read_text(encoding="utf-8").splitlines()[0]
    row = (
        "6970006000011,10001,混合,,piece,100,,S1,供应商,县,,"  # the oil's barcode, the oranges' PLU
    )
    response = _import(server, admin_token, f"{header}\n{row}\n".encode())
    assert response.status_code == 422
    assert response.json()["errors"] == [
        "line 2, column barcode: this row's barcodes and PLU belong to different products "
        f"already in the catalog ({OIL}, {ORANGES})"
    ]
    assert _catalog_rows(server.engine) == before


def test_garbage_bodies_get_422_not_500(server, admin_token):
    for data in (b"", b"\xff\xfe\x00garbage", b"barcode,plu\n1,2\n", "名称\n".encode()):
        response = _import(server, admin_token, data)
        assert response.status_code == 422, response.text
        assert response.json()["errors"]


def test_feed_parameters_are_checked(server):
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    url = server.api("/catalog/changes")
    for params in ({"since": -1}, {"limit": 0}, {"limit": 5001}, {"since": "x"}, {"since": 2**63}):
        response = requests.get(url, params=params, headers=bearer(token), timeout=10)
        assert response.status_code == 422, (params, response.text)
    assert _poll(server, token, 0) == {"changes": [], "next": 0, "more": False, "current": 0}


def test_authorisation(server, admin_token):
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    feed = server.api("/catalog/changes")
    assert requests.get(feed, timeout=10).status_code == 401
    assert requests.get(feed, headers=bearer(admin_token), timeout=10).status_code == 401
    assert requests.get(feed, headers=bearer(token), timeout=10).status_code == 200
    hq_calls = [
        ("GET", f"/catalog/products/{OIL}", None, None),
        ("PUT", f"/catalog/products/{OIL}", _product_body(plu="30001"), None),
        ("DELETE", f"/catalog/products/{OIL}", None, None),
        ("POST", "/catalog/import", None, DEMO.read_bytes()),
        ("POST", "/deliveries", {"booth_id": "B1", "product_id": OIL, "qty": 1}, None),
    ]
    for method, path, body, data in hq_calls:
        for headers, status in ((None, 401), (bearer(token), 403), (bearer("bpa_nope"), 401)):
            response = requests.request(
                method, server.api(path), json=body, data=data, headers=headers, timeout=10
            )
            assert response.status_code == status, (method, path, status, response.text)
    assert _catalog_rows(server.engine)[-1] == 0  # nothing was written


# --- deliveries --------------------------------------------------------------------------


def _deliver(server, admin_token, **body) -> requests.Response:
    return requests.post(
        server.api("/deliveries"), json=body, headers=bearer(admin_token), timeout=10
    )


def test_deliveries_appear_only_in_their_booths_feed(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    first = enrol(server, "B1", "T1")
    other = enrol(server, "B2", "T2")
    _, cursor = _pull_all(server, first)

    sent = _deliver(server, admin_token, booth_id="B1", product_id=OIL, qty=24, note="第一批")
    assert sent.status_code == 200, sent.text
    delivery = sent.json()
    assert delivery["version"] == cursor + 1 and delivery["booth_id"] == "B1"

    page = _poll(server, first, cursor)
    assert page["changes"] == [
        {
            "version": cursor + 1,
            "kind": "delivery",
            "delivery": {
                "id": delivery["id"],
                "product_id": OIL,
                "qty": 24,
                "note": "第一批",
                "created_at": delivery["created_at"],
            },
        }
    ]
    assert _poll(server, other, cursor) == {
        "changes": [],
        "next": cursor,
        "more": False,
        "current": cursor + 1,  # the first booth's delivery is the newest version
    }


def test_deliveries_are_checked(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    enrol(server, "B1", "T1")
    requests.delete(
        server.api(f"/catalog/products/{ORANGES}"), headers=bearer(admin_token), timeout=10
    )
    cases = [
        ({"booth_id": "B9", "product_id": OIL, "qty": 1}, 404, "There is no booth B9"),
        ({"booth_id": "B1", "product_id": "NOPE", "qty": 1}, 404, "There is no product NOPE"),
        ({"booth_id": "B1", "product_id": ORANGES, "qty": 1000}, 409, "is deleted"),
        ({"booth_id": "B1", "product_id": OIL, "qty": 0}, 422, "not 0"),
        ({"booth_id": "B1", "product_id": OIL, "qty": 10**7}, 422, "qty"),
        ({"booth_id": "B1", "product_id": OIL, "qty": 1.5}, 422, "qty"),
        ({"booth_id": "B\x00", "product_id": OIL, "qty": 1}, 422, "booth id"),
    ]
    before = _catalog_rows(server.engine)
    for body, status, words in cases:
        response = _deliver(server, admin_token, **body)
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["detail"], (body, response.text)
    assert _catalog_rows(server.engine) == before


# --- the cursor under concurrent writers -------------------------------------------------

WRITERS = 4
PRODUCTS_PER_WRITER = 100
WRITES_PER_WRITER = 150  # half the products are written twice


def _writer(engine, writer: int, prices, log: list) -> None:
    """Many small catalog writes, each in its own transaction, as fast as they go."""
    for n in range(WRITES_PER_WRITER):
        k = n % PRODUCTS_PER_WRITER
        plu = str(60000 + writer * 1000 + k)  # clear of the demo PLUs
        body = _product_body(id=f"W{writer}-{k}", plu=plu, price_fen=next(prices))
        with engine.begin() as conn:
            saved = catalog.upsert_product(conn, body)
            # Work after taking a version widens the window in which a version handed out
            # without the counter lock would commit after a higher one.
            time.sleep(random.random() / 1000)
        log.append((saved["id"], saved["version"], saved["price_fen"]))


def _delivery_writer(engine, log: list) -> None:
    for n in range(60):
        booth = ("B1", "B2")[n % 2]
        with engine.begin() as conn:
            sent = catalog.add_delivery(conn, booth, OIL, n + 1, "")
        log.append((booth, sent["id"], sent["version"]))


def _reader(server, token: str, done: threading.Event, seen: list, cursors: list) -> None:
    """Poll from the cursor until the writers are done, then drain."""
    session = requests.Session()  # keep-alive: poll as often as a busy fleet would
    session.headers.update(bearer(token))
    cursor = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        finished = done.is_set()  # read before polling: a final empty poll is then complete
        response = session.get(
            server.api("/catalog/changes"), params={"since": cursor, "limit": 50}, timeout=30
        )
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["changes"]
        assert page["next"] >= cursor, "the cursor went backwards"
        cursor = page["next"]
        cursors.append(cursor)
        if finished and not page["more"]:
            return
    raise AssertionError("the reader never caught up with the writers")


def test_the_cursor_never_skips_a_change_under_concurrent_writers(server, admin_token):
    _import(server, admin_token, DEMO.read_bytes())
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    with server.engine.begin() as conn:
        catalog.registry.add_booth(conn, "B2", "别的专柜")
    prices = itertools.count(100)
    product_log: list = []
    delivery_log: list = []
    seen: list = []
    cursors: list = []
    done = threading.Event()
    started = time.monotonic()
    with ThreadPoolExecutor(WRITERS + 2) as pool:
        reader = pool.submit(_reader, server, token, done, seen, cursors)
        writers = [
            pool.submit(_writer, server.engine, w, prices, product_log) for w in range(WRITERS)
        ]
        writers.append(pool.submit(_delivery_writer, server.engine, delivery_log))
        try:
            for writer in writers:
                writer.result()
        finally:
            done.set()  # even when a writer failed, so the reader stops
        reader.result()
    assert time.monotonic() - started < 20

    versions = [change["version"] for change in seen]
    assert versions == sorted(set(versions)), "a version came twice or out of order"
    assert cursors == sorted(cursors)
    # Replay what the reader saw; it must end where the writers' last commits left off.
    replayed = {}
    for change in seen:
        if change["kind"] == "product" and change["product"]["id"].startswith("W"):
            replayed[change["product"]["id"]] = (change["version"], change["product"]["price_fen"])
    last_write = {}
    for product_id, version, price in sorted(product_log, key=lambda entry: entry[1]):
        last_write[product_id] = (version, price)
    assert len(product_log) == WRITERS * WRITES_PER_WRITER
    assert len(last_write) == WRITERS * PRODUCTS_PER_WRITER
    assert replayed == last_write
    written = {version: (pid, price) for pid, version, price in product_log}
    for change in seen:  # and everything it saw was really committed, as committed
        if change["kind"] == "product" and change["product"]["id"].startswith("W"):
            product = change["product"]
            assert written[change["version"]] == (product["id"], product["price_fen"])
    received = {c["delivery"]["id"] for c in seen if c["kind"] == "delivery"}
    assert received == {d_id for booth, d_id, _ in delivery_log if booth == "B1"}
    with server.engine.connect() as conn:
        stored = {
            row.id: (row.version, row.price_fen)
            for row in conn.execute(select(products).where(products.c.id.like("W%")))
        }
    assert stored == last_write


@pytest.mark.parametrize("limit", [1, 3])
def test_tiny_pages_over_mixed_changes_lose_nothing(server, admin_token, limit):
    _import(server, admin_token, DEMO.read_bytes())
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    for qty in (1, 2):
        _deliver(server, admin_token, booth_id="B1", product_id=OIL, qty=qty)
    requests.delete(
        server.api(f"/catalog/products/{ORANGES}"), headers=bearer(admin_token), timeout=10
    )
    changes, cursor = _pull_all(server, token, limit=limit)
    assert [c["version"] for c in changes] == [*range(2, 54)]  # the oranges' 1 became 53
    kinds = [c["kind"] for c in changes]
    assert kinds.count("product") == 49 and kinds[-3:] == [
        "delivery",
        "delivery",
        "product_deleted",
    ]
    assert cursor == 53


def test_the_feed_is_one_snapshot_even_between_its_two_queries(engine, monkeypatch):
    """A change committed while the feed runs waits for the next poll, whatever its kind."""
    from sync.server.db import reading

    with engine.begin() as conn:
        catalog.registry.add_booth(conn, "B1", "专柜")
        catalog.upsert_product(conn, _product_body(id="PLU30001", plu="30001"))
    original = catalog._delivery_changes

    def commit_in_between(*args):
        with engine.begin() as other:  # a product, then a delivery, commit mid-feed
            catalog.upsert_product(other, _product_body(id="PLU30002", plu="30002"))
            catalog.add_delivery(other, "B1", "PLU30001", 5, "")
        return original(*args)

    monkeypatch.setattr(catalog, "_delivery_changes", commit_in_between)
    with reading(engine) as conn:
        page = catalog.changes(conn, "B1", 0, 10)
    monkeypatch.undo()
    assert [c["version"] for c in page["changes"]] == [1] and page["next"] == 1
    with reading(engine) as conn:
        later = catalog.changes(conn, "B1", page["next"], 10)
    assert [(c["version"], c["kind"]) for c in later["changes"]] == [
        (2, "product"),
        (3, "delivery"),
    ]


def test_openapi_describes_the_feed(server):
    schema = openapi_schema(server)
    feed = schema["paths"]["/api/v1/catalog/changes"]["get"]
    assert {"since", "limit"} <= {p["name"] for p in feed["parameters"]}
    assert "text/csv" in schema["paths"]["/api/v1/catalog/import"]["post"]["requestBody"]["content"]
    assert {"/api/v1/deliveries", "/api/v1/catalog/products/{product_id}"} <= set(schema["paths"])
