"""A small stand-in for systemd running booth-pos-kiosk.service, for machines (like CI's
container) where systemd is not PID 1: Type=notify, NotifyAccess=all, Restart=always after
RestartSec, and WatchdogSec (the process is killed with SIGABRT, as systemd's default
WatchdogSignal, when WATCHDOG=1 stops coming). The process gets $NOTIFY_SOCKET and
$WATCHDOG_USEC exactly as systemd passes them; who sent a message is read from the socket's
credentials (SO_PASSCRED), as systemd does. The process's output goes to ``log`` (the
journal, in systemd's place); a window that says there it will never start (its Qt platform
plugin cannot load) ends a test's wait at once, quoting it, instead of after the timeout."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.packaging.qt_start import fatal_lines


@dataclass
class Event:
    at: float
    pid: int
    what: str  # a notify message ("READY=1"), "started", "exited N" or "watchdog"


@dataclass
class Supervisor:
    argv: list[str]
    env: dict
    restart_sec: float
    watchdog_sec: float
    log: Path | None = None  # stdout and stderr of every start, appended
    events: list[Event] = field(default_factory=list)

    def __post_init__(self):
        self.address = f"@booth-pos-supervisor-{uuid.uuid4().hex}"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.address[1:])
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.settimeout(0.05)
        self.changed = threading.Condition()
        self.process: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    # --- the service manager ------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.sock.close()

    def _record(self, pid: int, what: str) -> None:
        with self.changed:
            self.events.append(Event(time.monotonic(), pid, what))
            self.changed.notify_all()

    def _spawn(self) -> None:
        env = {
            **self.env,
            "NOTIFY_SOCKET": self.address,
            "WATCHDOG_USEC": str(int(self.watchdog_sec * 1_000_000)),
        }
        if self.log is None:
            self.process = subprocess.Popen(
                self.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        else:
            with self.log.open("a") as out:
                self.process = subprocess.Popen(
                    self.argv, env=env, stdout=out, stderr=subprocess.STDOUT
                )
        self._record(self.process.pid, "started")

    def _receive(self) -> None:
        try:
            data, ancillary, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except (TimeoutError, BlockingIOError):
            return
        pid = 0
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", payload[:12])[0]
        for line in data.decode("utf-8", "replace").splitlines():
            self._record(pid, line)

    def _last_beat(self, since: float) -> float:
        """NotifyAccess=all: a beat from any process of the service counts."""
        beats = [e.at for e in self.events if e.at >= since and e.what in ("READY=1", "WATCHDOG=1")]
        return max([since, *beats])

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._spawn()
            started = time.monotonic()
            while not self._stop.is_set():
                self._receive()
                code = self.process.poll()
                if code is not None:
                    self._record(self.process.pid, f"exited {code}")
                    break
                if time.monotonic() - self._last_beat(started) > self.watchdog_sec:
                    self._record(self.process.pid, "watchdog")
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(self.process.pid, signal.SIGABRT)
                        os.kill(self.process.pid, signal.SIGCONT)  # a stopped process too
                    try:
                        self.process.wait(timeout=5)
                    except subprocess.TimeoutExpired:  # systemd's TimeoutAbortSec, then KILL
                        self.process.kill()
                        self.process.wait()
            if self._stop.wait(self.restart_sec):  # Restart=always, after RestartSec
                return

    # --- for the tests --------------------------------------------------------------------

    def fatal(self) -> list[str]:
        """The lines of the log that say the window will never start ([] if none)."""
        if self.log is None or not self.log.exists():
            return []
        return fatal_lines(self.log.read_text(encoding="utf-8", errors="replace"))

    def wait_for(self, predicate, timeout: float = 60.0) -> Event:
        """The first event matching ``predicate``, waiting for it on a condition; an
        AssertionError quoting the log as soon as it says the window cannot start."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for event in self.events:
                    if predicate(event):
                        return event
                lines = self.fatal()
                if lines:
                    raise AssertionError("the window cannot start:\n  " + "\n  ".join(lines))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such event within {timeout} s: {self.events}")
                self.changed.wait(min(left, 0.25))
