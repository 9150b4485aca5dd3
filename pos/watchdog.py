"""Telling systemd the cashier's window is alive (sd_notify), with the socket module only.

Under the kiosk unit (``Type=notify``, ``WatchdogSec=``, packaging/systemd/) systemd sets
``$NOTIFY_SOCKET`` and ``$WATCHDOG_USEC``. The window sends ``READY=1`` once it shows and
``WATCHDOG=1`` from a timer on the Qt event loop, so a frozen window misses its heartbeats
and systemd restarts it. Without ``$NOTIFY_SOCKET`` (a developer's desktop) nothing is sent.
"""

from __future__ import annotations

import os
import socket

#: Heartbeats per watchdog period: systemd's advice is at least two.
BEATS_PER_PERIOD = 3
#: The heartbeat interval when the unit has no ``WatchdogSec=``: harmless and cheap.
DEFAULT_INTERVAL_MS = 10_000


def enabled() -> bool:
    """True when a service manager listens (``$NOTIFY_SOCKET`` is set)."""
    return bool(os.environ.get("NOTIFY_SOCKET"))


def interval_ms() -> int:
    """How often to send ``WATCHDOG=1``: a third of ``$WATCHDOG_USEC``, at least 100 ms."""
    try:
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return DEFAULT_INTERVAL_MS
    if usec <= 0:
        return DEFAULT_INTERVAL_MS
    return max(100, usec // 1000 // BEATS_PER_PERIOD)


def notify(state: str) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to ``$NOTIFY_SOCKET``; False when nobody listens."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket: a leading NUL byte instead of "@"
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError:
        return False  # the manager went away: selling goes on, only the heartbeat is lost
    return True
