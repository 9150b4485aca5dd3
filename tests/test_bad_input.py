"""Bad input gets a one-line reason and a non-zero exit; nothing is written, no seq used up."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from pos.store import DB_NAME
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    DEMO_CATALOG,
    MANAGER,
    MANAGER_PIN,
    OIL,
    fingerprint,
    pin_file,
)

SALE = ("sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN))


@pytest.fixture
def booth(terminal, home, cli):
    """A terminal with one sale already made, closed so the CLI owns the database."""
    assert cli(*SALE, "--item", OIL, "--pay", "cash:8800").code == 0
    terminal.close()
    return home


def _unchanged_after(cli, home, args, words, skip=()):
    before = fingerprint(home / DB_NAME, skip)
    result = cli(*args)
    assert result.code == 1, result
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert result.out == ""
    assert fingerprint(home / DB_NAME, skip) == before
    _next_sale_takes_the_next_seq(cli, 3)  # 1: the shift_open, 2: the first sale


def _next_sale_takes_the_next_seq(cli, seq):
    result = cli(*SALE, "--item", OIL, "--pay", "cash:8800", "--json")
    assert result.code == 0, result
    assert json.loads(result.out)["seq"] == seq


def test_unknown_barcode(booth, cli):
    _unchanged_after(
        cli,
        booth,
        (*SALE, "--item", "6970099000011", "--pay", "cash:100"),
        "Unknown barcode 6970099000011",
    )


def test_bad_check_digit(booth, cli):
    _unchanged_after(
        cli,
        booth,
        (*SALE, "--item", "6970006000012", "--pay", "cash:100"),
        "Check digit is wrong for EAN-13 6970006000012 (expected 1)",
    )


def test_unknown_cashier(booth, cli):
    args = ("sale", "--cashier", "张三", *pin_file("1234"), "--item", OIL, "--pay", "cash:8800")
    _unchanged_after(cli, booth, args, "There is no cashier named '张三'")


def test_wrong_pin(booth, cli):
    args = ("sale", "--cashier", CASHIER, *pin_file("9999"), "--item", OIL, "--pay", "cash:8800")
    # The failed attempt itself is counted on the user, nothing else changes.
    _unchanged_after(cli, booth, args, "Wrong PIN for 李娜: 4 more tries", skip=("users",))


def test_tender_short_of_the_total(booth, cli):
    args = (*SALE, "--item", f"{OIL}*2", "--pay", "cash:10000")
    _unchanged_after(cli, booth, args, "Payment is ￥76.00 short of the total ￥176.00.")


def test_payment_code_scanned_as_an_item(booth, cli):
    args = (*SALE, "--item", "134567890123456789", "--pay", "cash:100")
    _unchanged_after(cli, booth, args, "is a customer's payment code")


def test_malformed_item_and_payment_arguments(booth, cli):
    _unchanged_after(
        cli,
        booth,
        (*SALE, "--item", f"{OIL}*two", "--pay", "cash:100"),
        "quantity after * must be a whole number",
    )
    before = fingerprint(booth / DB_NAME)
    result = cli(*SALE, "--item", OIL, "--pay", "cash:88.00")
    assert result.code == 1 and "write METHOD:FEN[:REF]" in result.err
    assert fingerprint(booth / DB_NAME) == before


def test_usage_errors_are_one_line(booth, cli):
    result = cli("sale", "--cashier", CASHIER)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "required" in result.err


def test_no_database_yet_says_to_run_init(tmp_path, capsys):
    from pos.cli import main

    code = main(["--home", str(tmp_path / "nothing"), "stock", "show"])
    assert code == 1
    assert "run 'booth-pos init" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_bad_settings_file_is_named(booth, cli):
    (booth / "booth.toml").write_text('[sale]\ncertificate_polcy = "block"\n', encoding="utf-8")
    result = cli("stock", "show")
    assert result.code == 1 and "unknown setting sale.certificate_polcy" in result.err


# --- the disk itself: real filesystems that are full or read-only ------------------------


def _mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir(parents=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    mount_point = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    _mount_tmpfs(mount_point, "4m")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _booth_on(disk: Path, cli_home_runner):
    run = cli_home_runner
    assert run("init", "--terminal", "T1", "--booth-name", "满盘专柜").code == 0
    assert run("catalog", "import", str(DEMO_CATALOG)).code == 0
    assert run("user", "add", CASHIER, "--role", "cashier", *pin_file(CASHIER_PIN)).code == 0
    assert run("user", "add", MANAGER, "--role", "manager", *pin_file(MANAGER_PIN)).code == 0
    # A sale needs an open shift: the manager opens one with a ￥0 float (seq 1).
    assert run("shift", "open", "--manager", MANAGER, *pin_file(MANAGER_PIN), "--float", "0").code == 0  # fmt: skip
    assert run(*SALE, "--item", OIL, "--pay", "cash:8800").code == 0  # seq 2


@pytest.fixture
def disk_cli(small_disk, capsys):
    from pos.cli import main

    home = small_disk / "booth"

    def run(*args):
        capsys.readouterr()
        code = main(["--home", str(home), *args])
        captured = capsys.readouterr()
        from tests.support import CliResult

        return CliResult(code, captured.out, captured.err)

    _booth_on(small_disk, run)
    return home, run


def test_full_disk_refuses_the_sale_and_loses_nothing(disk_cli, small_disk):
    home, run = disk_cli
    before = fingerprint(home / DB_NAME)
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    for chunk in (65536, 1):  # fill to the very last byte
        try:
            while True:
                os.write(fd, b"\0" * chunk)
        except OSError:
            pass
    os.close(fd)
    result = run(*SALE, "--item", f"{OIL}*3", "--item", "6970005000012", "--pay", "cash:50000")
    assert result.code == 1, result
    assert "is full: nothing was recorded" in result.err
    assert len(result.err.strip().splitlines()) == 1
    filler.unlink()
    assert fingerprint(home / DB_NAME) == before
    assert run("journal", "verify").code == 0
    result = run(*SALE, "--item", OIL, "--pay", "cash:8800", "--json")
    assert result.code == 0 and json.loads(result.out)["seq"] == 3  # after the shift_open and sale


def test_read_only_disk_refuses_the_sale_and_loses_nothing(disk_cli, small_disk):
    home, run = disk_cli
    before = fingerprint(home / DB_NAME)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = run(*SALE, "--item", OIL, "--pay", "cash:8800")
        assert result.code == 1, result
        assert "read-only: nothing was recorded" in result.err
        assert len(result.err.strip().splitlines()) == 1
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert fingerprint(home / DB_NAME) == before
    result = run(*SALE, "--item", OIL, "--pay", "cash:8800", "--json")
    assert result.code == 0 and json.loads(result.out)["seq"] == 3  # after the shift_open and sale


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    for chunk in (65536, 1):
        try:
            while True:
                os.write(fd, b"\0" * chunk)
        except OSError:
            pass
    os.close(fd)
    return filler


def test_disk_filling_up_under_a_running_terminal_loses_nothing(disk_cli, small_disk):
    from pos.cart import Cart, Payment
    from pos.errors import StorageError
    from pos.terminal import Terminal

    home, run = disk_cli
    terminal = Terminal.open(home)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    before = fingerprint(home / DB_NAME)
    filler = _fill(small_disk)
    sold = 0
    with pytest.raises(StorageError, match="is full: nothing was recorded"):
        for _ in range(10_000):  # the WAL may have room for a few sales before it must grow
            cart = Cart()
            terminal.add_to_cart(cart, OIL, 5)
            terminal.checkout(cart, [Payment("cash", 44000)], cashier)
            sold += 1
    filler.unlink()
    assert terminal.verify_journal().entries == 2 + sold  # the shift_open, the first sale
    cart = Cart()
    terminal.add_to_cart(cart, OIL)
    entry = terminal.checkout(cart, [Payment("cash", 8800)], cashier)
    assert entry["seq"] == 3 + sold
    terminal.close()
    assert fingerprint(home / DB_NAME) != before
    assert run("journal", "verify").code == 0
