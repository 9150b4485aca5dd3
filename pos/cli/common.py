"""What the booth-pos command groups share: the device settings a command runs with, the
name a command-line action is journaled under, the error of a device that failed, and
reading a PIN without it ever being on a command line."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import replace
from pathlib import Path

from hardware.printers import parse_printer_url
from pos.config import Settings, load_settings, resolve_home
from pos.errors import BoothError, Refused

PIN_VARIABLE = "BOOTH_POS_PIN"


class DeviceFailed(BoothError):
    """A device did not do what was asked; the message says what to check."""


def device_settings(args) -> Settings:
    """booth.toml's settings with ``--printer`` / ``--width`` from the command line on top."""
    settings = load_settings(resolve_home(args.home))
    changes = {}
    if getattr(args, "printer", None):
        try:
            parse_printer_url(args.printer)
        except ValueError as exc:
            raise BoothError(str(exc)) from None
        changes["printer_url"] = args.printer
    if getattr(args, "width", None):
        changes["printer_paper_mm"] = args.width
    return replace(settings, **changes)


def who() -> str:
    """Who a command-line action is journaled as: the command line and the login name."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


def add_pin_options(parser, whose: str) -> None:
    """--pin-file, and --pin only to refuse it with advice (see ``read_pin``)."""
    parser.add_argument(
        "--pin-file",
        metavar="PATH",
        help=f"a file whose first line is {whose} PIN (else ${PIN_VARIABLE}, else a prompt)",
    )
    parser.add_argument(
        "--pin",
        metavar="PIN",
        help="refused: a PIN on the command line is visible to every user of the PC",
    )


def read_pin(args, whose: str, confirm: bool = False) -> str:
    """The PIN from --pin-file, else $BOOTH_POS_PIN, else typed at a hidden prompt. A PIN
    given with --pin is refused: every user of the PC can read a command line (ps, /proc)."""
    if getattr(args, "pin", None) is not None:
        raise Refused(
            "--pin is refused: a PIN on the command line can be read by every user of this "
            "PC. Type it when asked, or use --pin-file PATH or the BOOTH_POS_PIN variable."
        )
    if getattr(args, "pin_file", None):
        try:
            lines = Path(args.pin_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise BoothError(
                "Cannot read the PIN file {path}: {reason}.",
                path=args.pin_file,
                reason=getattr(exc, "strerror", None) or str(exc),
            ) from None
        pin = lines[0].strip() if lines else ""
        if not pin:
            raise Refused("The PIN file {path} is empty.", path=args.pin_file)
        return pin
    if os.environ.get(PIN_VARIABLE):
        return os.environ[PIN_VARIABLE]
    if not sys.stdin.isatty():
        raise Refused(
            "This needs a PIN and there is nobody to type it: use --pin-file PATH or the "
            "BOOTH_POS_PIN variable."
        )
    pin = getpass.getpass(f"{whose} PIN: ")
    if confirm and getpass.getpass("The same PIN again: ") != pin:
        raise Refused("The two PINs differ: nothing was changed.")
    return pin
