"""Domain error templates: literal, well formed, and listed for Qt's translators."""

from __future__ import annotations

import ast
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pos import pins
from pos.errors import BoothError, NotFound, Refused, StorageError
from pos.terminal import CatalogRejected, scan_refusal
from sync.protocol.barcodes import (
    BarcodeRules,
    ScaleLayout,
    classify,
    ean_check_digit,
    gs1_price_check_digit,
)
from tools import messages

#: Command-line-only modules (the pos/cli package and the demo): their errors are printed by
#: the English CLI, never shown by the Qt UI, so they may still build messages with
#: f-strings (they are not collected).
CLI_ONLY_MODULES = {"demo.py"}


def _cli_only(path: Path) -> bool:
    return path.name in CLI_ONLY_MODULES or path.parent.name == "cli"


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in messages.source_files()}


def _error_calls():
    trees = _trees()
    classes = messages.error_classes(list(trees.values()))
    for path, tree in trees.items():
        for call in messages.error_calls(tree, classes):
            yield path, call


def _fields(template: str) -> list[tuple[str, str | None, str | None]]:
    return [
        (field, spec, conversion)
        for _, field, spec, conversion in string.Formatter().parse(template)
        if field is not None
    ]


def test_the_generated_qt_module_is_current():
    assert messages.GENERATED.read_text(encoding="utf-8") == messages.render_qt_module(), (
        "pos/ui/domain_messages.py is stale: run python -m tools.messages"
    )


def test_templates_are_found_in_every_layer():
    found = messages.templates()
    assert found == sorted(set(found))
    for expected in (
        "Payment is {short} short of the total {total}.",  # cart
        "The catalog was not imported: {count} problem(s) found.",  # CatalogRejected
        "Unknown barcode {code}: it is not in the catalog. "
        "Check the product or ask HQ to add it.",  # terminal
        "The terminal database {path} is damaged: nothing was recorded. Call IT support; "
        "do not delete the file, it holds unsynced sales.",  # store
        "{where}: booth.timezone '{timezone}' is not a time zone.",  # config
    ):
        assert expected in found


@pytest.mark.parametrize("template", messages.templates())
def test_placeholders_are_plain_names(template):
    for field, spec, conversion in _fields(template):
        assert field.isidentifier(), f"{template!r}: {{{field}}} is not a keyword name"
        assert not spec and conversion is None, f"{template!r}: params come formatted already"
    if not _fields(template):
        # Without params the template is the message itself, so no {{ }} escapes either.
        assert "{" not in template and "}" not in template, template
    names = {field for field, _, _ in _fields(template)}
    assert template.format(**dict.fromkeys(names, "x"))


def test_no_error_message_is_an_f_string():
    offenders = [
        f"{path.relative_to(messages.POS.parent)}:{call.lineno}"
        for path, call in _error_calls()
        if isinstance(call.args[0], ast.JoinedStr) and not _cli_only(path)
    ]
    assert offenders == [], "use a literal template with keyword params: " + ", ".join(offenders)


def test_domain_errors_start_with_a_literal_template():
    """Outside the CLI every error is built from a literal (CatalogRejected takes its list;
    a refused scan takes its template from sync.protocol.barcodes.REFUSALS)."""
    offenders = [
        f"{path.relative_to(messages.POS.parent)}:{call.lineno}"
        for path, call in _error_calls()
        if not _cli_only(path)
        and messages._literal(call.args[0]) is None
        and messages._base_name(call.func) != "CatalogRejected"
        and ast.unparse(call.args[0]) != "scan.template"
    ]
    assert offenders == []


def test_booth_error_keeps_template_and_params():
    exc = Refused("Payment is {short} short of the total {total}.", short="¥1.00", total="¥9.00")
    assert str(exc) == "Payment is ¥1.00 short of the total ¥9.00."
    assert exc.template == "Payment is {short} short of the total {total}."
    assert exc.params == {"short": "¥1.00", "total": "¥9.00"}
    assert isinstance(exc, BoothError)


def test_booth_error_without_params_is_its_message():
    for cls in (BoothError, NotFound, Refused, StorageError):
        exc = cls("The cart is empty: scan a product first.")
        assert str(exc) == exc.template == "The cart is empty: scan a product first."
        assert exc.params == {}


def test_catalog_rejected_is_a_template_with_the_rows_in_english():
    exc = CatalogRejected(["line 2, column price: not a price", "line 3, column name: empty"])
    assert str(exc) == "The catalog was not imported: 2 problem(s) found."
    assert exc.template == "The catalog was not imported: {count} problem(s) found."
    assert exc.params == {"count": 2}
    assert exc.errors[0] == "line 2, column price: not a price"


def test_pin_format_message_matches_pos_pins():
    with pytest.raises(ValueError) as raised:
        pins.check_pin_format("12")
    refused = Refused("A PIN is {low} to {high} digits.", low=pins.MIN_DIGITS, high=pins.MAX_DIGITS)
    assert str(refused) == str(raised.value)
    assert refused.template in messages.templates()


def _with_check(body: str) -> str:
    return body + str(ean_check_digit(body))


def _wrong_check(body: str) -> str:
    return body + str((ean_check_digit(body) + 1) % 10)


PRICE_CHECK_RULES = BarcodeRules(
    layouts=(
        ScaleLayout(
            length=13,
            prefix_digits=2,
            plu_digits=4,
            value_digits=5,
            price_check=True,
            price_prefixes=("20",),
            weight_prefixes=("21",),
        ),
    )
)


def _bad_price_check(prefix: str) -> str:
    value = "01250"
    return _with_check(f"{prefix}1234{(gs1_price_check_digit(value) + 1) % 10}{value}")


UNREADABLE = [
    ("", BarcodeRules()),
    ("abc123", BarcodeRules()),
    ("x" * 60, BarcodeRules()),
    ("６９７０００６００００１２", BarcodeRules()),  # full-width, wrong check digit
    ("123", BarcodeRules()),
    ("1" * 41, BarcodeRules()),
    (_with_check("1697000600001"), BarcodeRules()),  # carton
    (_wrong_check("697000600001"), BarcodeRules()),  # EAN-13
    (_wrong_check("03600029145"), BarcodeRules()),  # UPC-A
    (_wrong_check("9638507"), BarcodeRules()),  # EAN-8
    (_wrong_check("0697000600001"), BarcodeRules()),  # GTIN-14 of a single item
    (_wrong_check("200000100250"), BarcodeRules()),  # priced label
    (_with_check("200000100000"), BarcodeRules()),  # priced label, price 0
    (_wrong_check("230000100500"), BarcodeRules()),  # weighed label
    (_with_check("230000100000"), BarcodeRules()),  # weighed label, 0 g
    (_bad_price_check("20"), PRICE_CHECK_RULES),
    (_bad_price_check("21"), PRICE_CHECK_RULES),
    (_wrong_check("201234001250"), PRICE_CHECK_RULES),
]


@pytest.mark.parametrize(("code", "rules"), UNREADABLE)
def test_unreadable_scans_read_as_pos_barcodes_says(code, rules):
    scan = classify(code, rules)
    assert not scan.valid and scan.error
    refusal = scan_refusal(scan)
    assert refusal is not None, scan
    assert str(refusal) == scan.error
    assert refusal.template in messages.templates()


def test_readable_scans_have_no_refusal():
    for code in (_with_check("697000600001"), _with_check("200000100250")):
        assert scan_refusal(classify(code)) is None


def test_check_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "domain_messages.py"
    monkeypatch.setattr(messages, "GENERATED", target)
    assert messages.main(["--check"]) == 1
    assert messages.main([]) == 0
    assert target.read_text(encoding="utf-8") == messages.render_qt_module()
    assert messages.main(["--check"]) == 0
    target.write_text("MESSAGES = []\n", encoding="utf-8")
    capsys.readouterr()
    assert messages.main(["--check"]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def _lupdate() -> str | None:
    candidate = Path(sys.executable).with_name("pyside6-lupdate")
    return str(candidate) if candidate.exists() else shutil.which("pyside6-lupdate")


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_lupdate_reads_every_template(tmp_path):
    ts = tmp_path / "messages.ts"
    subprocess.run(
        [_lupdate(), "-locations", "none", str(messages.GENERATED), "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    sources = [
        message.findtext("source")
        for context in ET.parse(ts).getroot().iter("context")
        if context.findtext("name") == "messages"
        for message in context.iter("message")
    ]
    assert sorted(sources) == messages.templates()
