"""A PIN is never on a command line, where every user of the PC reads it (ps, /proc): --pin
is refused with advice on every command that takes a PIN; the PIN comes from a hidden
prompt, --pin-file PATH or BOOTH_POS_PIN."""

from __future__ import annotations

import argparse
import os
import pty
import select
import subprocess
import sys

import pytest

from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, ROOT, pin_file

# Every booth-pos command that takes a PIN, with the rest of what it needs.
PIN_COMMANDS = {
    "user add": ("user", "add", "张伟", "--role", "cashier"),
    "sale": ("sale", "--cashier", CASHIER, "--item", OIL, "--pay", "cash:8800"),
    "shift open": ("shift", "open", "--manager", MANAGER, "--float", "0"),
    "shift cash-in": ("shift", "cash-in", "--amount", "100", "--reason", "x", "--manager", MANAGER),
    "shift cash-out": (
        "shift",
        "cash-out",
        "--amount",
        "100",
        "--reason",
        "x",
        "--manager",
        MANAGER,
    ),
    "shift close": ("shift", "close", "--counts", "100=1", "--manager", MANAGER),
    "stock check-in": ("stock", "check-in", "1128", "--manager", MANAGER),
    "stock transfer": (
        "stock",
        "transfer",
        "--to",
        "B2",
        "--line",
        f"{OIL}=1",
        "--manager",
        MANAGER,
    ),
    "stock minimum": ("stock", "minimum", OIL, "5", "--manager", MANAGER),
    "stock count start": ("stock", "count", "start", "--manager", MANAGER),
    "stock count finish": ("stock", "count", "finish", "--manager", MANAGER),
}


def _journal_and_users(terminal) -> tuple[int, list]:
    return terminal.head_seq(), [(u.name, u.role) for u in terminal.users()]


@pytest.mark.parametrize("command", list(PIN_COMMANDS))
def test_a_pin_on_the_command_line_is_refused_with_advice_and_changes_nothing(
    terminal, cli, command
):
    before = _journal_and_users(terminal)
    result = cli(*PIN_COMMANDS[command], "--pin", MANAGER_PIN)
    assert result.code != 0
    assert "--pin is refused" in result.err
    assert "--pin-file PATH" in result.err and "BOOTH_POS_PIN" in result.err
    assert _journal_and_users(terminal) == before


def test_every_command_that_takes_a_pin_is_in_this_test():
    """A new command with a PIN must be added above (and so refuses --pin)."""
    from pos.cli import build_parser

    found = set()

    def walk(parser, words):
        for action in parser._actions:
            if "--pin" in action.option_strings:
                found.add(" ".join(words))
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*words, name])

    walk(build_parser(), [])
    assert found == set(PIN_COMMANDS)


def test_the_pin_comes_from_a_file_or_the_environment(terminal, cli, monkeypatch):
    sold = cli(*PIN_COMMANDS["sale"], *pin_file(CASHIER_PIN), "--json")
    assert sold.code == 0, sold.err
    monkeypatch.setenv("BOOTH_POS_PIN", CASHIER_PIN)
    again = cli(*PIN_COMMANDS["sale"], "--json")
    assert again.code == 0, again.err
    assert terminal.head_seq() == 3  # the shift and two sales


def test_a_wrong_or_missing_pin_file_says_so(terminal, cli, tmp_path):
    before = _journal_and_users(terminal)
    missing = cli(*PIN_COMMANDS["sale"], "--pin-file", str(tmp_path / "nope"))
    assert missing.code != 0 and "Cannot read the PIN file" in missing.err
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    empty = cli(*PIN_COMMANDS["sale"], "--pin-file", str(tmp_path / "empty"))
    assert empty.code != 0 and "is empty" in empty.err
    wrong = cli(*PIN_COMMANDS["sale"], *pin_file("9999"))
    assert wrong.code != 0
    assert _journal_and_users(terminal) == before


def test_without_a_pin_and_without_a_terminal_to_type_it_the_command_says_how(terminal, cli):
    before = _journal_and_users(terminal)
    result = cli(*PIN_COMMANDS["sale"])
    assert result.code != 0
    assert "--pin-file PATH or the BOOTH_POS_PIN variable" in result.err
    assert _journal_and_users(terminal) == before


def _run_on_a_terminal(args: list[str], answers: list[bytes]) -> tuple[int, str]:
    """Run booth-pos with a pseudo-terminal as its keyboard and screen, and type each answer
    once its prompt shows (getpass flushes what was typed before it asked)."""
    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "BOOTH_POS_PIN"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pos.cli", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    output, since, pending = b"", b"", list(answers)
    try:
        while True:
            ready, _, _ = select.select([main], [], [], 30)
            if not ready:
                raise AssertionError(f"booth-pos waits for nothing we can type: {output!r}")
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            since += chunk
            if pending and since.rstrip(b" ").endswith(b":"):  # a prompt waits for its answer
                os.write(main, pending.pop(0))
                since = b""
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def test_a_person_types_the_pin_at_a_hidden_prompt(new_terminal, home):
    new_terminal.close()
    code, shown = _run_on_a_terminal(
        ["--home", str(home), "user", "add", "张伟", "--role", "manager"],
        [b"864201\n", b"864201\n"],
    )
    assert code == 0, shown
    assert "PIN:" in shown and "Added manager 张伟" in shown
    assert "864201" not in shown  # not echoed
    from pos.terminal import Terminal

    terminal = Terminal.open(home)
    try:
        assert terminal.authenticate("张伟", "864201").role == "manager"
    finally:
        terminal.close()


def test_two_different_pins_at_the_prompt_add_nobody(new_terminal, home):
    users = [u.name for u in new_terminal.users()]
    new_terminal.close()
    code, shown = _run_on_a_terminal(
        ["--home", str(home), "user", "add", "张伟", "--role", "cashier"],
        [b"864201\n", b"864202\n"],
    )
    assert code != 0 and "The two PINs differ" in shown
    from pos.terminal import Terminal

    terminal = Terminal.open(home)
    try:
        assert [u.name for u in terminal.users()] == users
    finally:
        terminal.close()
