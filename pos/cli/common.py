"""What the booth-pos command groups share: the device settings a command runs with, the
name a command-line action is journaled under, and the error of a device that failed."""

from __future__ import annotations

import getpass
from dataclasses import replace

from hardware.printers import parse_printer_url
from pos.config import Settings, load_settings, resolve_home
from pos.errors import BoothError


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
