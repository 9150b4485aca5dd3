"""The catalog's reasons in the reader's language: the CSV import's
``line N, column C: reason`` and the product form's problems are English sentences from
sync/protocol/catalog.py and sync/server/catalog.py (the contract and the API speak English);
this table holds each reason's template, so the console shows it translated.

A template's ``{placeholders}`` match the variable parts of a reason (a barcode, a number);
they are put back unchanged into the translation. A reason no template matches (Python's
own csv errors) is shown as it came. tests/server/test_console_reasons.py fails when the
catalog can produce a reason this table lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from sync.server.console.i18n import N_

#: How a problem of a sheet reads; ``reason`` is translated first.
LINE = N_("line {line}, column {column}: {reason}")
PROBLEM = re.compile(r"^line (?P<line>\d+), column (?P<column>[^:]*): (?P<reason>.*)$", re.S)

REASONS = (
    # sync/protocol/catalog.py: the file
    N_("The file is neither UTF-8 nor GBK (bad byte at offset {offset}): save it from Excel as 'CSV UTF-8' and import again."),
    N_("the file is empty"),
    N_("the header has no '{name}' column"),
    N_("has {fields} fields, the header has {header}"),
    N_("the file has a header but no products"),
    N_("line contains NUL"),
    N_("field larger than field limit ({limit})"),
    # sync/protocol/catalog.py: a row
    N_("is empty"),
    N_("'{value}' is not a PLU: use 1 to 5 digits"),
    N_("a product needs a barcode or a PLU"),
    N_("is {length} characters long; keep it to {limit}"),
    N_("'{value}' is not a unit: use piece or kg"),
    N_("'{value}' is not a whole number of fen (write 1280 for ￥12.80)"),
    N_("{price} is outside 1 to {limit} fen"),
    N_("'{value}' is not a date like 2027-06-30"),
    N_("a certificate needs both its number and its expiry date"),
    N_("PLU {plu} is also on line {other}"),
    N_("{code} is also on line {other}"),
    N_("{code} is an in-store scale code; put the product's PLU in the plu column"),
    N_("{code} looks like a customer's payment code, not a product barcode"),
    N_("{code} has a wrong check digit (expected {digit}): correct it in the sheet"),
    N_("{code} is not an EAN-13, EAN-8 or UPC-A barcode: correct it in the sheet"),
    N_("this row's barcodes and PLU belong to different products already in the catalog ({products})"),
    # sync/server/catalog.py: what HQ's columns add
    N_("contains a control character; remove it"),
    N_("is {length} characters; keep it to {limit}"),
    N_("keep it to {limit} characters"),
    N_("the id this row would get, {product}, belongs to another product ({name}); add that product's barcode or PLU"),
    N_("this row is the same product as line {other} ({product}); merge the two rows"),
    N_("A barcode cannot contain '|': give each barcode as its own list item."),
    N_("A barcode or the PLU of {product} already belongs to {others}: edit that product instead, or take the code off it first."),
    # sync/server/catalog_schedule.py
    N_("The change sets nothing new: change a field first."),
)  # fmt: skip

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _pattern(template: str) -> re.Pattern:
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : found.start()]))
        parts.append(f"(?P<{found.group(1)}>.+?)")
        last = found.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.S)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((template, _pattern(template)) for template in REASONS)


def template_of(reason: str) -> tuple[str, dict] | None:
    """The table's template a reason was made from, with its parts; None if none."""
    for template, pattern in _patterns():
        found = pattern.fullmatch(reason)
        if found:
            return template, found.groupdict()
    return None


def reason(text: str, gettext: Callable[[str], str]) -> str:
    """One reason in the reader's language (as it came when the table has no template)."""
    found = template_of(text)
    if found is None:
        return text
    template, parts = found
    return gettext(template).format(**parts)


def problem(text: str, gettext: Callable[[str], str]) -> str:
    """'line N, column C: reason' (or a bare reason) in the reader's language."""
    found = PROBLEM.fullmatch(text)
    if found is None:
        return reason(text, gettext)
    return gettext(LINE).format(
        line=found["line"], column=found["column"], reason=reason(found["reason"], gettext)
    )
