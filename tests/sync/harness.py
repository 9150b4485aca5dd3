"""Fixtures for the sync fault-injection suite: a restartable real server on 127.0.0.1 (in
this process, or as a `booth-pos-server serve` subprocess that can be SIGKILLed), a fault
proxy in front of it, and a fork server of terminal processes to kill.

The fixtures built on these (``hq``, ``proxy``, ``workers``) are in tests/sync/conftest.py;
the server's database (``db_url`` on SQLite and PostgreSQL, ``engine``) in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import Engine

from sync.server.settings import ServerSettings
from tests.support.live import LiveServer, free_port, start_server, stop_server

WORKER = Path(__file__).with_name("worker.py")
SERVER_BIN = Path(sys.executable).with_name("booth-pos-server")


class Hq:
    """The central server on a fixed port, so it can go away and come back at the same address.

    ``start``/``stop`` run it in this process (uvicorn in a thread; stopping is graceful).
    ``spawn``/``kill`` run it as a ``booth-pos-server serve`` process and kill it with
    SIGKILL: a crash, with transactions in flight.
    """

    def __init__(self, engine: Engine, db_url: str):
        self.engine = engine
        self.db_url = db_url
        # These tests push as fast as a killed and restarted terminal can, hundreds of times
        # a minute: the push rate limit (tests/server/test_rate_limits.py) is not what they try.
        self.settings = ServerSettings(db=db_url, pushes_per_minute=1_000_000)
        self.port = free_port()
        self.live: LiveServer | None = None
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.live is not None or self.proc is not None

    def start(self) -> None:
        assert not self.running
        deadline = time.monotonic() + 10
        while True:  # the port can linger for a moment after a crash
            try:
                self.live = start_server(self.engine, self.settings, self.port)
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.live is not None:
            stop_server(self.live)
            assert not self.live.thread.is_alive(), "the server did not stop"
            self.live = None
        if self.proc is not None:
            self.kill()

    def spawn(self) -> None:
        assert not self.running
        deadline = time.monotonic() + 30
        while True:  # the port can linger for a moment after a crash: try again
            log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in kill()
            self.proc = subprocess.Popen(
                [str(SERVER_BIN), "--db", self.db_url, "serve", "--port", str(self.port)],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env={
                    **os.environ,
                    "BOOTH_POS_SERVER_LOG_LEVEL": "warning",
                    "BOOTH_POS_SERVER_PUSHES_PER_MINUTE": "1000000",
                },  # fmt: skip
            )
            self._log = log
            while self.proc.poll() is None:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError("the server process did not start")
                time.sleep(0.05)
            log.seek(0)
            output = log.read().decode(errors="replace")
            self.kill()
            if "address already in use" not in output or time.monotonic() > deadline:
                raise RuntimeError(f"the server process died: {output[-2000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the server process: no graceful shutdown, transactions cut short."""
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            self._log.close()

    def restart(self) -> None:
        self.stop()
        self.start()


class Workers:
    """The fork server of worker.py, and the lines its children print."""

    def __init__(self):
        # A file, not a pipe: nobody reads it until a test fails, and a pipe can fill up.
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            bufsize=1,
        )
        self.lines: dict[int, list[list[str]]] = {}
        self._cursor: dict[int, int] = {}
        self._forked: list[int] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            pid, *words = line.split()
            with self._cond:
                self.lines.setdefault(int(pid), []).append(words)
                if words == ["forked"]:
                    self._forked.append(int(pid))
                self._cond.notify_all()

    def _send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, pid: int, first: str, timeout: float = 30) -> list[str]:
        """Wait for the next line from ``pid`` whose first word is ``first``; its words."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                lines = self.lines.get(pid, [])
                for index in range(self._cursor.get(pid, 0), len(lines)):
                    words = lines[index]
                    if words and words[0] == "error":
                        raise AssertionError(
                            f"worker {pid} failed:\n" + "\n".join(self.errors(pid))
                        )
                    if words and words[0] == first:
                        self._cursor[pid] = index + 1
                        return words
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(
                        f"no '{first}' from worker {pid}: {lines}\n{self.diagnostics()}"
                    )
                self._cond.wait(min(left, 0.5))

    def of(self, pid: int) -> list[list[str]]:
        with self._cond:
            return [list(words) for words in self.lines.get(pid, [])]

    def errors(self, pid: int) -> list[str]:
        return [" ".join(w[1:]) for w in self.lines.get(pid, []) if w and w[0] == "error"]

    def fork(self, *command: object) -> int:
        with self._cond:
            known = len(self._forked)
        self._send(" ".join(str(c) for c in command))
        deadline = time.monotonic() + 30
        with self._cond:
            while len(self._forked) == known:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the fork server did not fork:\n{self.diagnostics()}")
                self._cond.wait(min(left, 0.5))
            return self._forked[known]

    def kill(self, pid: int) -> int:
        """SIGKILL a child, reap it, return its exit status (negative: the signal)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        return self.reap(pid)

    def reap(self, pid: int) -> int:
        self._send(f"wait {pid}")
        return int(self.expect(pid, "exited")[1])

    def diagnostics(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-4000:]

    def close(self) -> None:
        with self._cond:
            children = [pid for pid in self._forked if self.lines[pid][-1][:1] != ["exited"]]
        for pid in children:  # a failed test may leave a child selling forever
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError, ValueError):
            self._send("quit")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.stderr.close()
