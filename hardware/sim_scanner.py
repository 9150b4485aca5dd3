"""Simulated serial devices on pseudo-terminals, for tests and `booth-pos hw simulate scanner`.

The terminal opens ``.path`` exactly as it opens a real port. With a ``link`` the device is
reached through a stable symlink, like udev's /dev/serial/by-id: ``unplug()`` removes the
symlink and closes the device side (the terminal's reads and writes then fail as on a real
unplug), and ``plug()`` makes a new pseudo-terminal and points the symlink at it.
"""

from __future__ import annotations

import contextlib
import os
import select
import tty
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType


class PtyDevice:
    """A serial device on a pseudo-terminal pair; the terminal opens ``.path``."""

    def __init__(self, link: str | os.PathLike[str] | None = None) -> None:
        self._link = Path(link) if link is not None else None
        self._master: int | None = None
        self._slave: int | None = None
        self.plug()

    @property
    def path(self) -> str:
        """What the terminal opens: the stable symlink if there is one, else the pty itself."""
        return str(self._link) if self._link is not None else self.pty_name

    @property
    def pty_name(self) -> str:
        """The current /dev/pts/N; it changes on every plug()."""
        if self._slave is None:
            raise RuntimeError("The simulated device is unplugged: call plug() first.")
        return os.ttyname(self._slave)

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def plug(self) -> None:
        """Connect a fresh pseudo-terminal and point the symlink at it."""
        if self.plugged:
            return
        self._master, self._slave = os.openpty()
        # Raw from the start: no echo and no CR-to-LF translation before the terminal opens it.
        # We keep the device side open so reading the master never fails while nobody has it.
        tty.setraw(self._slave)
        if self._link is not None:
            temporary = self._link.with_name(self._link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self.pty_name)
            os.replace(temporary, self._link)

    def unplug(self) -> None:
        """Pull the cable: the symlink disappears and the terminal's port stops answering."""
        if self._link is not None:
            with contextlib.suppress(FileNotFoundError):
                self._link.unlink()
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None

    def close(self) -> None:
        self.unplug()

    def write(self, data: bytes) -> None:
        """Send bytes to the terminal as the device would."""
        master = self._require_master()
        view = memoryview(data)
        while view:
            written = os.write(master, view)
            view = view[written:]

    def read(self, timeout: float, size: int = 4096) -> bytes:
        """Bytes the terminal wrote to the device, or b"" if none arrive within ``timeout``."""
        master = self._require_master()
        ready, _, _ = select.select([master], [], [], timeout)
        return os.read(master, size) if ready else b""

    def _require_master(self) -> int:
        if self._master is None:
            raise RuntimeError("The simulated device is unplugged: call plug() first.")
        return self._master

    def __enter__(self) -> PtyDevice:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class ScannerSimulator(PtyDevice):
    """A serial barcode scanner: every ``type()`` is one scan followed by its suffix."""

    def type(self, code: str, suffix: str = "\r") -> None:
        """Scan ``code``: send it and the suffix the scanner is set to (CR, CRLF, TAB...)."""
        self.write((code + suffix).encode("utf-8"))

    def feed_from_lines(self, lines: Iterable[str], suffix: str = "\r") -> int:
        """Scan each non-empty line (for example from stdin); return how many were sent."""
        sent = 0
        for line in lines:
            code = line.rstrip("\r\n")
            if code.strip():
                self.type(code, suffix)
                sent += 1
        return sent
