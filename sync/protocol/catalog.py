"""Reading the catalog CSV that HQ or a booth manager exports from Excel (pure).

Every row is checked before anything is imported; errors read
``line N, column C: reason`` so a person can fix the sheet and try again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sync.protocol.barcodes import DEFAULT_RULES, BarcodeRules, classify, ean_check_digit

COLUMNS = (
    "barcode", "plu", "name", "name_en", "unit", "price_fen", "category",
    "supplier_id", "supplier_name", "county", "certificate_no", "certificate_expires",
)  # fmt: skip
REQUIRED_VALUES = ("name", "unit", "price_fen", "supplier_id", "supplier_name", "county")
UNIT_ALIASES = {
    "piece": "piece",
    "件": "piece",
    "个": "piece",
    "kg": "kg",
    "千克": "kg",
    "公斤": "kg",
}
MAX_PRICE_FEN = 10_000_000  # ￥100,000: anything above is a typo in a booth catalog
MAX_NAME = 60
PLU_PATTERN = re.compile(r"^\d{1,5}$")
DATE_PATTERN = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


@dataclass(frozen=True)
class CatalogRow:
    """One valid row: a product with its barcodes (as written, and as 14-digit GTIN keys)."""

    line: int
    barcodes: tuple[tuple[str, str], ...]  # (code as printed, gtin14)
    plu: str | None
    name: str
    name_en: str
    unit: str
    price_fen: int
    category: str
    supplier_id: str
    supplier_name: str
    county: str
    certificate_no: str
    certificate_expires: str


@dataclass(frozen=True)
class ParsedCatalog:
    rows: list[CatalogRow]
    errors: list[str]
    encoding: str


class _RowErrors(Exception):
    pass


def product_id(row: CatalogRow) -> str:
    """Deterministic product ids, so HQ and every booth importing the same sheet agree:
    the first barcode's 14-digit GTIN, else 'PLU' and the PLU."""
    if row.barcodes:
        return row.barcodes[0][1]
    return f"PLU{row.plu}"


def match_row(
    row: CatalogRow, owner_by_gtin: Mapping[str, str], owner_by_plu: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """Which product already in the catalog a row updates, by its barcodes and PLU, as HQ and
    every booth decide it: (that product's id, or None for a new product; an error when the
    row's codes belong to two different products, else None)."""
    owners = {owner_by_gtin[g] for _, g in row.barcodes if g in owner_by_gtin}
    if row.plu is not None and row.plu in owner_by_plu:
        owners.add(owner_by_plu[row.plu])
    if len(owners) > 1:
        return None, (
            f"line {row.line}, column barcode: this row's barcodes and PLU belong to "
            f"different products already in the catalog ({', '.join(sorted(owners))})"
        )
    return (owners.pop() if owners else None), None


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), else GBK as Excel in China writes it."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK, so it also reads GBK files.
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"The file is neither UTF-8 nor GBK (bad byte at offset {exc.start}): "
            "save it from Excel as 'CSV UTF-8' and import again."
        ) from None


def normalize_plu(plu: str) -> str:
    """PLUs compare as numbers: a scale label's 00123 is the catalog's 123."""
    return str(int(plu))


def parse(data: bytes, rules: BarcodeRules = DEFAULT_RULES) -> ParsedCatalog:
    """Parse and check a whole catalog file; rows only count when errors is empty.

    ``rules`` are the booth's barcode settings, so codes its scales print are refused.
    """
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        return ParsedCatalog([], [f"line 1, column -: {exc}"], "unknown")
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[str] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return ParsedCatalog([], ["line 1, column -: the file is empty"], encoding)
    except csv.Error as exc:
        return ParsedCatalog([], [f"line 1, column -: {exc}"], encoding)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return ParsedCatalog(
            [], [f"line 1, column {c}: the header has no '{c}' column" for c in missing], encoding
        )
    index = {name: header.index(name) for name in COLUMNS}
    rows: list[CatalogRow] = []
    seen_barcodes: dict[str, int] = {}
    seen_plus: dict[str, int] = {}
    line_no = 1
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {start}, column -: {exc}")
            break
        line_no = start
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            errors.append(
                f"line {line_no}, column -: has {len(fields)} fields, the header has {len(header)}"
            )
            continue
        values = {name: fields[i].strip() for name, i in index.items()}
        row_errors: list[str] = []
        row = check_row(line_no, values, row_errors, rules)
        for code, gtin in row.barcodes if row else ():
            if gtin in seen_barcodes:
                row_errors.append(
                    f"line {line_no}, column barcode: {code} is also on line {seen_barcodes[gtin]}"
                )
            seen_barcodes.setdefault(gtin, line_no)
        if row and row.plu is not None:
            if row.plu in seen_plus:
                row_errors.append(
                    f"line {line_no}, column plu: PLU {row.plu} is also on line {seen_plus[row.plu]}"
                )
            seen_plus.setdefault(row.plu, line_no)
        if row_errors:
            errors.extend(row_errors)
        elif row:
            rows.append(row)
    if not rows and not errors:
        errors.append("line 2, column -: the file has a header but no products")
    return ParsedCatalog(rows, errors, encoding)


def check_row(
    line: int, v: dict[str, str], errors: list[str], rules: BarcodeRules
) -> CatalogRow | None:
    def bad(column: str, reason: str) -> None:
        errors.append(f"line {line}, column {column}: {reason}")

    for column in REQUIRED_VALUES:
        if not v[column]:
            bad(column, "is empty")
    barcodes = _barcodes(v["barcode"], bad, rules)
    plu = None
    if v["plu"]:
        if PLU_PATTERN.match(v["plu"]):
            plu = normalize_plu(v["plu"])
        else:
            bad("plu", f"'{v['plu']}' is not a PLU: use 1 to 5 digits")
    if not v["barcode"] and not v["plu"]:
        bad("barcode", "a product needs a barcode or a PLU")
    if len(v["name"]) > MAX_NAME:
        bad("name", f"is {len(v['name'])} characters long; keep it to {MAX_NAME}")
    unit = UNIT_ALIASES.get(v["unit"].lower())
    if v["unit"] and unit is None:
        bad("unit", f"'{v['unit']}' is not a unit: use piece or kg")
    price = 0
    if v["price_fen"]:
        if not v["price_fen"].isdigit():
            bad(
                "price_fen",
                f"'{v['price_fen']}' is not a whole number of fen (write 1280 for ￥12.80)",
            )
        else:
            price = int(v["price_fen"])
            if not 0 < price <= MAX_PRICE_FEN:
                bad("price_fen", f"{price} is outside 1 to {MAX_PRICE_FEN} fen")
    expires = ""
    if v["certificate_expires"]:
        expires = _iso_date(v["certificate_expires"]) or ""
        if not expires:
            bad(
                "certificate_expires", f"'{v['certificate_expires']}' is not a date like 2027-06-30"
            )
    if bool(v["certificate_no"]) != bool(v["certificate_expires"]):
        missing = "certificate_expires" if v["certificate_no"] else "certificate_no"
        bad(missing, "a certificate needs both its number and its expiry date")
    if errors:
        return None
    return CatalogRow(
        line=line,
        barcodes=barcodes,
        plu=plu,
        name=v["name"],
        name_en=v["name_en"],
        unit=unit or "piece",
        price_fen=price,
        category=v["category"],
        supplier_id=v["supplier_id"],
        supplier_name=v["supplier_name"],
        county=v["county"],
        certificate_no=v["certificate_no"],
        certificate_expires=expires,
    )


def _barcodes(cell: str, bad, rules: BarcodeRules) -> tuple[tuple[str, str], ...]:
    found = []
    for code in (c.strip() for c in cell.split("|") if c.strip()):
        scan = classify(code, rules)
        if scan.kind in ("weighed", "priced"):
            bad(
                "barcode",
                f"{code} is an in-store scale code; put the product's PLU in the plu column",
            )
        elif scan.is_payment:
            bad("barcode", f"{code} looks like a customer's payment code, not a product barcode")
        elif scan.kind in ("ean13", "ean8", "upca") and not scan.valid and code.isdigit():
            expected = ean_check_digit(code[:-1])
            bad(
                "barcode",
                f"{code} has a wrong check digit (expected {expected}): correct it in the sheet",
            )
        elif not scan.valid or scan.gtin is None:
            bad(
                "barcode",
                f"{code} is not an EAN-13, EAN-8 or UPC-A barcode: correct it in the sheet",
            )
        else:
            found.append((code, scan.gtin))
    return tuple(found)


def _iso_date(text: str) -> str | None:
    match = DATE_PATTERN.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
