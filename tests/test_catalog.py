"""Catalog import (UTF-8, BOM, GBK; all rows or none), re-import, lookup and search."""

from __future__ import annotations

import json

import pytest

from pos.cart import Cart, Payment
from pos.errors import NotFound
from pos.store import DB_NAME
from pos.terminal import CatalogRejected, Terminal
from sync.protocol.catalog import COLUMNS
from tests.support import DEMO_CATALOG, OIL, fingerprint

HEADER = ",".join(COLUMNS)


def _csv(*rows: str) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


ORANGE_ROW = ",10001,奉节脐橙,Fengjie navel oranges,kg,1280,水果,S0001,奉节县脐橙种植专业合作社,奉节县,CQFP-2025-000123,2027-01-18"
OIL_ROW = "6970006000011|6970006009014,,酉阳茶油500ml,Youyang tea-seed oil,piece,8800,粮油,S0006,酉阳县花田农业开发有限公司,酉阳土家族苗族自治县,CQFP-2025-007666,2027-04-16"


@pytest.fixture
def fresh(home):
    term, _ = Terminal.init(home, "T1", "测试专柜")
    yield term
    term.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_reads_utf8_with_or_without_bom_and_gbk(fresh, encoding):
    data = _csv(ORANGE_ROW, OIL_ROW).encode(encoding)
    summary, detected = fresh.import_catalog(data)
    assert (summary.added, summary.updated, summary.catalog_version) == (2, 0, 1)
    assert detected == ("gbk" if encoding == "gbk" else "utf-8")
    assert fresh.product_for("10001")[0].name == "奉节脐橙"
    assert fresh.product_for("6970006009014")[0].name == "酉阳茶油500ml"


def test_gbk_file_from_excel_with_crlf_and_windows_dates(fresh):
    row = ORANGE_ROW.replace("2027-01-18", "2027/1/18")
    data = _csv(row).replace("\n", "\r\n").encode("gbk")
    fresh.import_catalog(data)
    assert fresh.product_for("10001")[0].certificate_expires == "2027-01-18"


def test_a_bad_file_imports_nothing_and_names_every_bad_row(fresh, home, cli):
    fresh.import_catalog(_csv(ORANGE_ROW).encode())
    before = fingerprint(home / DB_NAME)
    bad = _csv(
        OIL_ROW,
        "6970006000012,,坏条码,Bad check digit,piece,100,粮油,S1,供应商,奉节县,,",
        "6970007000010,,价格,Price in yuan,piece,12.50,粮油,S1,供应商,奉节县,,",
        "6970008000019,,单位,Bad unit,box,100,粮油,S1,供应商,奉节县,,",
        ",,,No name no code,piece,100,粮油,S1,供应商,奉节县,,",
        "6970009000018,,证书,Cert without date,piece,100,粮油,S1,供应商,奉节县,CQFP-1,",
        "6970006000011,,重复,Duplicate barcode,piece,100,粮油,S1,供应商,奉节县,,",
        "2110001012341,,秤码,Scale label as barcode,piece,100,粮油,S1,供应商,奉节县,,",
        "6970010000014,,日期,Bad date,piece,100,粮油,S1,供应商,奉节县,CQFP-2,2027-02-30",
        "too,few,fields",
    )
    path = home.parent / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    result = cli("catalog", "import", str(path))
    assert result.code == 1
    errors = result.err.strip().splitlines()
    assert (
        "line 3, column barcode: 6970006000012 has a wrong check digit (expected 1): correct it in the sheet"
        in result.err
    )
    assert "line 4, column price_fen: '12.50' is not a whole number of fen" in result.err
    assert "line 5, column unit: 'box' is not a unit: use piece or kg" in result.err
    assert "line 6, column name: is empty" in result.err
    assert "line 6, column barcode: a product needs a barcode or a PLU" in result.err
    assert "line 7, column certificate_expires: a certificate needs both" in result.err
    assert "line 8, column barcode: 6970006000011 is also on line 2" in result.err
    assert "line 9, column barcode: 2110001012341 is an in-store scale code" in result.err
    assert "line 10, column certificate_expires: '2027-02-30' is not a date" in result.err
    assert "line 11, column -: has 3 fields, the header has 12" in result.err
    assert errors[-1].startswith("booth-pos: The catalog was not imported: 10 problem(s) found.")
    assert fingerprint(home / DB_NAME) == before
    with pytest.raises(NotFound):
        fresh.product_for(OIL)


def test_missing_columns_and_undecodable_bytes_are_reported(fresh, home, cli):
    path = home.parent / "bad.csv"
    path.write_text("barcode,name,price\n6970006000011,油,8800\n", encoding="utf-8")
    result = cli("catalog", "import", str(path))
    assert result.code == 1 and "line 1, column plu: the header has no 'plu' column" in result.err
    path.write_bytes(HEADER.encode() + b"\n\xff\xfe\xfa\xfb,,,\n")
    result = cli("catalog", "import", str(path))
    assert result.code == 1 and "neither UTF-8 nor GBK" in result.err
    result = cli("catalog", "import", str(home.parent / "no-such.csv"))
    assert result.code == 1 and "Cannot read" in result.err


def test_reimport_updates_price_and_name_without_touching_history(terminal, home):
    cashier = terminal.authenticate("李娜", "2468")
    cart = Cart()
    terminal.add_to_cart(cart, OIL)
    entry = terminal.checkout(cart, [Payment("cash", 8800)], cashier)
    assert entry["body"]["catalog_version"] == 1
    updated = DEMO_CATALOG.read_text(encoding="utf-8").replace(
        "酉阳茶油500ml,Youyang tea-seed oil 500 ml,piece,8800",
        "酉阳山茶油500ml,Youyang camellia oil 500 ml,piece,9200",
    )
    summary, _ = terminal.import_catalog(updated.encode())
    assert (summary.added, summary.updated, summary.catalog_version) == (0, 1, 2)
    product = terminal.product_for(OIL)[0]
    assert (product.name, product.price_fen) == ("酉阳山茶油500ml", 9200)
    journalled = [json.loads(text) for text in terminal.export_journal(0)]
    sales = [e for e in journalled if e["type"] == "sale"]  # after the fixture's shift_open
    assert [e["seq"] for e in sales] == [entry["seq"]]
    line = sales[0]["body"]["lines"][0]
    assert (line["name"], line["unit_price_fen"]) == ("酉阳茶油500ml", 8800)
    sold = terminal.store.conn.execute("SELECT name, unit_price_fen FROM sale_lines").fetchall()
    assert sold == [("酉阳茶油500ml", 8800)]
    assert terminal.verify_journal().ok


def test_reimporting_the_same_file_changes_nothing(terminal):
    summary, _ = terminal.import_catalog(DEMO_CATALOG.read_bytes())
    assert (summary.added, summary.updated, summary.unchanged, summary.catalog_version) == (
        0,
        0,
        50,
        1,
    )


def test_a_row_whose_barcode_and_plu_belong_to_two_products_is_refused(fresh):
    fresh.import_catalog(_csv(ORANGE_ROW, OIL_ROW).encode())
    clash = OIL_ROW.replace(",,酉阳茶油500ml", ",10001,酉阳茶油500ml")
    with pytest.raises(CatalogRejected) as rejected:
        fresh.import_catalog(_csv(clash).encode())
    assert "belong to different products" in rejected.value.errors[0]
    assert fresh.product_for("10001")[0].name == "奉节脐橙"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fjqc", "奉节脐橙"),
        ("脆李", "巫山脆李"),
        ("10003", "巫山脆李"),
        ("6970006009014", "酉阳茶油500ml"),
        ("tea-seed oil 500", "酉阳茶油500ml"),
    ],
)
def test_search_by_initials_substring_plu_barcode_and_english(terminal, text, expected):
    names = [p.name for p in terminal.search(text)]
    assert names and names[0] == expected


def test_search_treats_percent_and_underscore_literally(terminal):
    assert terminal.search("%") == []
    assert terminal.search("_") == []


def test_demo_catalog_imports_cleanly(terminal):
    assert terminal.store.conn.execute("SELECT count(*) FROM products").fetchone()[0] == 50


def test_search_finds_a_plu_with_leading_zeros_and_a_barcode_in_another_form(terminal):
    assert [p.name for p in terminal.search("010001")] == []  # six digits: not a PLU
    assert terminal.search("00010001")[:1] == []  # eight digits: an EAN-8 that is not there
    assert terminal.search("10001")[0].name == "奉节脐橙"
    assert terminal.search("06970006000011")[0].name == "酉阳茶油500ml"  # GTIN-14 form


def test_import_follows_the_booths_scale_layouts(home):
    (home).mkdir(parents=True)
    (home / "booth.toml").write_text("[barcode]\nlayouts = []\n", encoding="utf-8")
    term, _ = Terminal.init(home, "T1", "无秤专柜")
    row = OIL_ROW.replace("6970006000011|6970006009014", "2000000000015")
    summary, _ = term.import_catalog(_csv(row).encode())
    assert summary.added == 1
    term.close()
