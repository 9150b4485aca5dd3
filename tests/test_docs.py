"""The docs tell the truth: every setting, command, CSV column and journal field is documented,
and the auditor's verifier in docs/journal.md really verifies a terminal's journal."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pos import config
from pos.cart import Cart, Payment
from pos.cli import build_parser, main
from pos.terminal import Terminal
from sync.protocol import catalog as catalog_csv
from sync.protocol.barcodes import BarcodeRules, ScaleLayout
from sync.protocol.journal import KEYS as ENTRY_KEYS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VERIFIER_HEADING = "## Verifying a journal yourself"
SETTINGS_HEADING = "### Settings"
JSON_HEADING = "## Output for scripts: `--json`"
#: Imports the domain core must never make: SQL, Qt, HTTP, sockets, serial devices, printers.
FORBIDDEN_IN_DOMAIN = (
    "sqlite3", "sqlite_utils", "PySide2", "PySide6", "PyQt5", "PyQt6", "requests", "http",
    "urllib", "socket", "serial", "escpos",
)  # fmt: skip


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The text under a markdown heading, up to the next heading of the same or higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


def _first_cells(text: str) -> list[str]:
    """The backticked names in the first column of every markdown table row."""
    return re.findall(r"^\|\s*`([^`]+)`", text, flags=re.M)


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _command_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command path, e.g. ('journal', 'verify'), with its parser and whether it is a leaf."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                    yield (*path, name), sub, False
                    yield from _command_paths(sub, (*path, name))
                else:
                    yield (*path, name), sub, True


ALL_COMMANDS = [path for path, _, _ in _command_paths(build_parser())]
LEAF_COMMANDS = [
    pytest.param(path, sub, id=" ".join(path))
    for path, sub, leaf in _command_paths(build_parser())
    if leaf
]


# --- configuration ------------------------------------------------------------------------


def test_every_setting_is_documented_with_its_default():
    text = _section(_doc("configuration.md"), SETTINGS_HEADING)
    documented = set(_first_cells(text))
    defaults = config.Settings()
    for (table, key), (attr, _) in config.KEYS.items():
        name = f"{table}.{key}"
        assert name in documented, f"docs/configuration.md has no table row for `{name}`"
        row = re.search(rf"^\|\s*`{re.escape(name)}`.*$", text, flags=re.M).group(0)
        default = getattr(defaults, attr)
        shown = str(list(default)) if isinstance(default, tuple) else str(default)  # TOML lists
        shown = str(default).lower() if isinstance(default, bool) else shown  # TOML booleans
        assert shown in row, f"the row for `{name}` does not give its default {shown}"


def test_no_documented_setting_is_unknown_to_the_code():
    known = {f"{table}.{key}" for table, key in config.KEYS}
    for name in _first_cells(_section(_doc("configuration.md"), SETTINGS_HEADING)):
        if re.fullmatch(r"[a-z_]+\.[a-z_]+", name) and not name.startswith("barcode."):
            assert name in known, (
                f"docs/configuration.md documents `{name}`, which is not a setting"
            )


def test_every_barcode_setting_is_documented():
    text = _doc("configuration.md") + _doc("barcodes.md")
    for cls in (BarcodeRules, ScaleLayout):
        for field in dataclasses.fields(cls):
            assert f"`{field.name}`" in text or f"`barcode.{field.name}`" in text, (
                f"{cls.__name__}.{field.name} is not in docs/configuration.md or docs/barcodes.md"
            )


# --- command line -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_is_documented(path):
    assert f"booth-pos {' '.join(path)}" in _doc("cli.md")


@pytest.mark.parametrize(("path", "parser"), LEAF_COMMANDS)
def test_every_option_is_documented(path, parser):
    section = _section(_doc("cli.md"), f"### `booth-pos {' '.join(path)}`")
    for action in parser._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in section, f"`booth-pos {' '.join(path)}` lacks {option}"


@pytest.mark.parametrize("path", [(), *ALL_COMMANDS], ids=lambda p: " ".join(p) or "booth-pos")
def test_every_help_has_an_example(path, capsys):
    code, out, _ = _cli(capsys, *path, "--help")
    assert code == 0
    assert "example:" in out


def test_the_commands_listed_with_json_are_those_that_have_it():
    rows = re.findall(r"^\|([^|]*)\|", _section(_doc("cli.md"), JSON_HEADING), flags=re.M)
    listed = {name for cell in rows for name in re.findall(r"`([a-z -]+)`", cell)}
    having = {
        " ".join(path)
        for path, parser, leaf in _command_paths(build_parser())
        if leaf and any("--json" in action.option_strings for action in parser._actions)
    }
    assert listed == having


# --- catalog ------------------------------------------------------------------------------


def test_every_csv_column_is_documented():
    columns = set(_first_cells(_section(_doc("catalog.md"), "### Columns")))
    assert columns == set(catalog_csv.COLUMNS)


def test_every_unit_alias_is_documented():
    text = _section(_doc("catalog.md"), "### Units")
    for alias in catalog_csv.UNIT_ALIASES:
        assert f"`{alias}`" in text


# --- architecture -------------------------------------------------------------------------


def test_the_documented_domain_core_imports_no_io():
    section = _section(_doc("architecture.md"), "### Domain core (pure)")
    modules = re.findall(r"`(pos/[a-z_/]+\.py)`", section)
    assert "pos/shift.py" in modules and "pos/cart.py" in modules
    for module in modules:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IN_DOMAIN, f"{module} imports {name}"


def test_every_module_has_its_line_in_the_architecture():
    """docs/architecture.md names every module of the product (the migrations excepted)."""
    text = _doc("architecture.md")
    modules = [
        path.relative_to(ROOT).as_posix()
        for package in ("pos", "sync", "hardware")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "__init__.py" and "migrations" not in path.parts
    ]
    missing = [m for m in modules if m not in text and f"`{Path(m).name}`" not in text]
    assert len(modules) > 90 and missing == []


# --- journal ------------------------------------------------------------------------------


@pytest.fixture
def exported_journal(tmp_path: Path, capsys) -> Path:
    """A real demo terminal's journal, exported to a file."""
    home = tmp_path / "booth"
    out = tmp_path / "journal.jsonl"
    assert _cli(capsys, "--home", str(home), "demo")[0] == 0
    assert _cli(capsys, "--home", str(home), "journal", "export", "--out", str(out))[0] == 0
    return out


def _verifier(tmp_path: Path) -> Path:
    section = _section(_doc("journal.md"), VERIFIER_HEADING)
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    assert len(code.splitlines()) <= 25, "the auditor's verifier should stay about twenty lines"
    script = tmp_path / "verify_journal.py"
    script.write_text(code, encoding="utf-8")
    return script


def test_the_auditors_verifier_in_the_docs_accepts_a_real_journal(exported_journal, tmp_path):
    result = subprocess.run(
        [sys.executable, str(_verifier(tmp_path)), str(exported_journal)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    # The demo journal: a stock delivery, the manager's shift_open, then three sales.
    assert result.stdout.startswith(f"OK: {1 + 1 + 3} entries")
    assert "grand total 35380 fen" in result.stdout


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"total_fen":13860', '"total_fen":1386'),  # an amount edited
        ('"seq":3,', '"seq":33,'),  # a seq edited
        ('"qty":2,', '"qty":1,'),  # a quantity edited
    ],
)
def test_the_auditors_verifier_in_the_docs_rejects_a_tampered_journal(
    exported_journal, tmp_path, old, new
):
    text = exported_journal.read_text(encoding="utf-8")
    assert old in text
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(_verifier(tmp_path)), str(tampered)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode != 0
    assert "OK" not in result.stdout


def test_the_auditors_verifier_rejects_a_missing_entry(exported_journal, tmp_path):
    lines = exported_journal.read_text(encoding="utf-8").splitlines()
    gapped = tmp_path / "gapped.jsonl"
    gapped.write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(_verifier(tmp_path)), str(gapped)], capture_output=True, text=True
    )
    assert result.returncode != 0


def test_every_entry_key_type_and_body_field_written_is_documented(tmp_path, capsys):
    """Every field a terminal writes, including the optional ones, appears in docs/journal.md."""
    home = tmp_path / "booth"
    assert _cli(capsys, "--home", str(home), "demo")[0] == 0
    arguments = ("6970006000011", "-2", "--reason", "damaged in transit")
    assert _cli(capsys, "--home", str(home), "stock", "adjust", *arguments)[0] == 0
    terminal = Terminal.open(home)
    cart = Cart()
    terminal.add_to_cart(cart, "6970015000019")  # certificate expired: marked on the line
    terminal.add_to_cart(cart, "6970005000012")
    cart.void(1)
    sale = terminal.checkout(
        cart, [Payment("cash", 5000)], terminal.authenticate("李娜", "2468"), print_receipt=True
    )
    terminal.record_copy(sale["seq"], "李娜")  # a reprinted receipt
    terminal.record_drawer_open("王强", "no sale")
    manager = terminal.authenticate("王强", "1357")
    cashier = terminal.authenticate("李娜", "2468")
    # A discount a manager approved and a changed price, then a refund and a post-void.
    cart = Cart()
    terminal.add_to_cart(cart, "6970006000011", 2)
    terminal.add_to_cart(cart, "6970005000012")
    terminal.discount_line(cart, 0, 3000, cashier, manager)
    terminal.override_price(cart, 1, 5980, "damaged packaging", cashier, manager)
    priced = terminal.checkout(cart, [Payment("cash", 21000)], cashier)
    terminal.refund(priced["seq"], {1: 1}, "leaking", cashier, manager)
    cart = Cart()
    terminal.add_to_cart(cart, "6970005000012")
    mistaken = terminal.checkout(cart, [Payment("wechat", 6980, "134567890123456789")], cashier)
    terminal.post_void(mistaken["seq"], "rung up twice", cashier, manager)
    # The demo sold in the ￥500 shift it opened and left open: the manager closes it with an
    # exact count (no reason needed), then opens the next shift with its own counted float.
    expected = terminal.x_report()["expected_cash_fen"]
    assert expected % 10 == 0
    terminal.close_shift(manager, {10: expected // 10})
    terminal.open_shift(manager, 50000, {10000: 5})
    terminal.move_cash("cash_in", 1000, "coins", manager)
    terminal.move_cash("cash_out", 500, "banked", manager)
    z = terminal.close_shift(manager, {10000: 5, 100: 5}, reason="counted twice")
    terminal.record_z_copy(z["seq"], "王强")  # a reprinted Z report
    # Booth stock: a delivery checked in short, a transfer in with an extra product, a
    # transfer out, and a count of a category with its reason.
    from pos.store import stock as stock_db
    from sync.protocol.stock import expected_delivery

    oil = terminal.product_for("6970006000011")[0].id
    with terminal.store.write() as conn:
        for feed in (
            {"id": 1128, "product_id": oil, "qty": 12},
            {"id": "X1", "transfer_id": "T2-1", "from_booth": "B2", "lines": [{"product_id": oil, "qty": 2}]},
        ):  # fmt: skip
            stock_db.add_expected_delivery(conn, expected_delivery(feed), 1)
    terminal.booth_stock.check_in(
        "1128", manager, {"6970006000011": 10}, {"6970006000011": "short"}, "箱子压坏"
    )
    terminal.booth_stock.check_in(
        "T2-1", manager, {"6970005000012": 1}, {"6970005000012": "extra"}, "多一袋"
    )
    terminal.booth_stock.transfer_out("B3", {"6970006000011": 1}, manager, "补货")
    terminal.booth_stock.start_count(manager, "粮油")
    terminal.booth_stock.add_counted("6970006000011", 3)
    terminal.booth_stock.finish_count(manager, reason="月度盘点")
    lines = list(terminal.export_journal())
    terminal.close()

    text = _doc("journal.md")
    entries = [json.loads(line) for line in lines]
    for key in ENTRY_KEYS:
        assert f"`{key}`" in text
    for entry in entries:
        assert f"### `{entry['type']}`" in text, f"entry type {entry['type']} has no section"
        section = _section(text, f"### `{entry['type']}`")
        fields = set(entry["body"])
        for name in ("lines", "voided_lines"):
            listed = entry["body"].get(name)
            if isinstance(listed, list):  # a z_close counts voided lines instead
                fields |= {k for line in listed for k in line}
        for figures in entry["body"].get("tenders", {}).values():
            fields |= set(figures)
        fields |= {k for payment in entry["body"].get("payments", []) for k in payment}
        for field in fields:
            assert f"`{field}`" in section, f"{entry['type']} field {field} is not documented"
