"""Checks for the demo catalog shipped in assets/demo and the benchmark generator."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pos import demo_catalog
from pos.demo_catalog import COLUMNS, ean13, generate_rows, main, write_csv

DEMO_CSV = Path(__file__).resolve().parents[1] / "assets" / "demo" / "catalog.csv"
HEADER = (
    "barcode,plu,name,name_en,unit,price_fen,category,supplier_id,supplier_name,"
    "county,certificate_no,certificate_expires"
)
DEMO_DAY = date(2026, 11, 29)


def is_valid_ean13(code: str) -> bool:
    """Check digit computed from the right: weights 3,1,3,1... before the check digit."""
    if not re.fullmatch(r"\d{13}", code):
        return False
    digits = [int(d) for d in code]
    body = digits[:-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (total + digits[-1]) % 10 == 0


def barcodes_of(row: dict[str, str]) -> list[str]:
    return row["barcode"].split("|") if row["barcode"] else []


@pytest.fixture(scope="module")
def demo_rows() -> list[dict[str, str]]:
    with DEMO_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- assets/demo/catalog.csv --------------------------------------------------


def test_demo_file_is_utf8_without_bom_and_header_exact():
    raw = DEMO_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == HEADER
    assert tuple(HEADER.split(",")) == COLUMNS


def test_demo_rows_parse_completely(demo_rows):
    assert 40 <= len(demo_rows) <= 60
    for row in demo_rows:
        assert None not in row, f"extra fields in {row}"
        assert all(row[c] is not None for c in COLUMNS), f"missing fields in {row}"
        for column in ("name", "name_en", "category", "supplier_id", "supplier_name", "county"):
            assert row[column].strip(), f"{row['name']}: empty {column}"


def test_demo_barcodes_valid_and_unique(demo_rows):
    seen = Counter(code for row in demo_rows for code in barcodes_of(row))
    assert seen, "demo has no barcodes"
    for code, n in seen.items():
        assert is_valid_ean13(code), code
        assert code.startswith("69"), code
        assert n == 1, f"barcode {code} used by {n} products"
    assert any(len(barcodes_of(row)) == 2 for row in demo_rows), "no product with two barcodes"


def test_demo_plus_unique_and_every_row_identifiable(demo_rows):
    plus = [row["plu"] for row in demo_rows if row["plu"]]
    assert len(plus) == len(set(plus))
    for row in demo_rows:
        assert row["plu"] == "" or re.fullmatch(r"\d{1,5}", row["plu"]), row["plu"]
        assert row["barcode"] or row["plu"], f"{row['name']} has neither barcode nor PLU"


def test_demo_units_prices_and_categories(demo_rows):
    units = Counter(row["unit"] for row in demo_rows)
    assert set(units) <= {"piece", "kg"}
    assert len(demo_rows) / 4 <= units["kg"] <= len(demo_rows) / 2
    for row in demo_rows:
        assert re.fullmatch(r"[1-9]\d*", row["price_fen"]), row["price_fen"]
        if row["unit"] == "kg":
            assert row["plu"], f"{row['name']} sold by weight needs a PLU"
    assert any(row["unit"] == "piece" and row["plu"] for row in demo_rows)


def test_demo_suppliers_consistent(demo_rows):
    by_id: dict[str, tuple[str, str]] = {}
    for row in demo_rows:
        assert re.fullmatch(r"S\d{4}", row["supplier_id"]), row["supplier_id"]
        entry = (row["supplier_name"], row["county"])
        assert by_id.setdefault(row["supplier_id"], entry) == entry
        assert row["county"].endswith(("县", "区")), row["county"]
    assert 15 <= len(by_id) <= 25


def test_demo_certificates(demo_rows):
    numbers = [row["certificate_no"] for row in demo_rows]
    assert len(numbers) == len(set(numbers))
    expires = []
    for row in demo_rows:
        assert re.fullmatch(r"CQFP-\d{4}-\d{6}", row["certificate_no"]), row["certificate_no"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["certificate_expires"])
        expires.append(date.fromisoformat(row["certificate_expires"]))
    expired = [d for d in expires if d < DEMO_DAY]
    december = [d for d in expires if (d.year, d.month) == (2026, 12)]
    assert expired == [date(2026, 10, 31)]
    assert sorted(december) == [date(2026, 12, 5), date(2026, 12, 15), date(2026, 12, 31)]
    others = [d for d in expires if d not in expired and d not in december]
    assert all(2027 <= d.year <= 2028 for d in others)


# -- pos/demo_catalog.py -------------------------------------------------------


def test_ean13_check_digit():
    assert ean13("690123456789") == "6901234567892"
    assert ean13("400638133393") == "4006381333931"
    for body in ("690000000000", "699999999999", "693456789012"):
        assert is_valid_ean13(ean13(body))
    for bad in ("69012345678", "6901234567890", "69012345678a"):
        with pytest.raises(ValueError):
            ean13(bad)


@pytest.fixture(scope="module")
def generated() -> list[dict[str, str]]:
    return list(generate_rows(20_000, seed=7))


def test_generated_rows_shape(generated):
    assert len(generated) == 20_000
    for row in generated:
        assert tuple(row) == COLUMNS
        assert all(isinstance(value, str) for value in row.values())
        assert row["unit"] in {"piece", "kg"}
        assert re.fullmatch(r"[1-9]\d*", row["price_fen"])
        assert re.fullmatch(r"S\d{5}", row["supplier_id"])
        assert "2027-01-01" <= row["certificate_expires"] <= "2028-12-31"
        date.fromisoformat(row["certificate_expires"])
        if row["unit"] == "kg":
            assert row["barcode"] == ""
            assert re.fullmatch(r"[1-9]\d{4}", row["plu"])
        else:
            assert row["plu"] == ""
            assert row["barcode"]
    kg = sum(row["unit"] == "kg" for row in generated)
    assert 0.07 < kg / len(generated) < 0.13


def test_generated_identifiers_unique(generated):
    codes = [code for row in generated for code in barcodes_of(row)]
    assert len(codes) == len(set(codes))
    assert all(code.startswith("69") and is_valid_ean13(code) for code in codes)
    plus = [row["plu"] for row in generated if row["plu"]]
    assert len(plus) == len(set(plus))
    certificates = [row["certificate_no"] for row in generated]
    assert len(certificates) == len(set(certificates))
    assert all(re.fullmatch(r"CQFP-\d{4}-\d{6}", c) for c in certificates)


def test_generated_suppliers_consistent(generated):
    by_id: dict[str, tuple[str, str]] = {}
    for row in generated:
        entry = (row["supplier_name"], row["county"])
        assert by_id.setdefault(row["supplier_id"], entry) == entry
    counties = {official for official, _, _ in demo_catalog.COUNTIES}
    assert {county for _, county in by_id.values()} <= counties
    assert len(by_id) > 2000


def test_generator_is_deterministic_for_seed():
    first = list(generate_rows(500, seed=42))
    assert first == list(generate_rows(500, seed=42))
    assert first != list(generate_rows(500, seed=43))
    assert list(generate_rows(0)) == []
    with pytest.raises(ValueError):
        list(generate_rows(-1))


def test_write_csv_gbk_round_trip(tmp_path):
    out = tmp_path / "catalog-gbk.csv"
    write_csv(out, 2_000, seed=3, encoding="gbk")
    with out.open(encoding="gbk", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert rows == list(generate_rows(2_000, seed=3))


def test_write_csv_utf8_variants(tmp_path):
    plain = tmp_path / "plain.csv"
    bom = tmp_path / "bom.csv"
    write_csv(plain, 50)
    write_csv(bom, 50, encoding="utf-8-sig")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    with pytest.raises(ValueError):
        write_csv(tmp_path / "x.csv", 1, encoding="latin-1")


def test_main_writes_requested_products(tmp_path, capsys):
    out = tmp_path / "bench.csv"
    assert main(["--products", "300", "--out", str(out), "--seed", "5"]) == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == list(generate_rows(300, seed=5))
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--products 100000" in capsys.readouterr().out


def test_plus_stay_unique_for_100000_products():
    plus = [row["plu"] for row in generate_rows(100_000) if row["plu"]]
    assert len(plus) == len(set(plus))
    assert all(10000 <= int(plu) <= 99999 for plu in plus)
