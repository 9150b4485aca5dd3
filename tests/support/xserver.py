"""A real X server for tests: Xvfb on a display number it picks itself (-displayfd), so
tests in parallel worker processes never race for the same display."""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
from collections.abc import Iterator


@contextlib.contextmanager
def xvfb(size: str = "1280x800", timeout_s: float = 30) -> Iterator[str]:
    """Start Xvfb with one screen of ``size``; yields its DISPLAY (":N") once it accepts
    clients, and kills it afterwards."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # without $NOTIFY_SOCKET, as packaging/files/x11-server starts Xorg
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:
            ready, _, _ = select.select([pipe], [], [], timeout_s)
            number = pipe.readline().strip().decode() if ready else ""
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start within {timeout_s} s")
        yield f":{number}"
    finally:
        server.kill()
        server.wait()
