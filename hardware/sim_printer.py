"""A network receipt printer simulator: a TCP listener that behaves like a port-9100 printer.

It answers ``DLE EOT`` status requests at once (as a real printer does, even mid-job), keeps
every job it receives, and writes each one decoded to ``job-NNN.txt`` when given a
directory. Faults can be switched on while it runs: paper out, cover open, silent (never
answers status), garbled status replies, stop reading after N bytes of a job (a printer that
hangs mid-job) and unplugged (the listener closes, so connecting is refused).

Used by the tests and by ``booth-pos hw simulate printer``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

from hardware.escpos import decode_for_humans
from hardware.status import DLE_EOT


class PrinterSimulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, save_dir: Path | None = None):
        self.host = host
        self.save_dir = Path(save_dir) if save_dir else None
        self.paper_out = False
        self.paper_near_end = False
        self.cover_open = False
        self.silent = False
        self.garbled_status = False
        self.stall_after: int | None = None
        self.jobs: list[bytes] = []
        self.status_requests = 0
        self.drawer_kicks = 0  # real-time pulses (DLE DC4); ESC p inside jobs stays in the job
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._unplugged = threading.Event()  # the serving thread has let go of the old socket
        self._server: socket.socket | None = None
        self._listen(port)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="printer-sim", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def _listen(self, port: int) -> None:
        server = socket.create_server((self.host, port), reuse_port=False)
        server.settimeout(0.1)
        self._server = server

    # --- faults --------------------------------------------------------------------------

    def unplug(self) -> None:
        """Stop listening: the next connection is refused, as when the printer is off.

        Returns once the serving thread has let go of the old socket: while it still waits
        in accept() on it, the kernel would still take a connection and then reset it."""
        with self._changed:
            server, self._server = self._server, None
            self._unplugged.clear()
        if server:
            server.close()
            if self._thread.is_alive() and not self._stop.is_set():
                self._unplugged.wait(2)

    def plug(self) -> None:
        """Listen again on the same port."""
        # The old socket stays bound until the serving thread's accept() returns (≤ 0.1 s).
        deadline = time.monotonic() + 2
        while True:
            try:
                with self._changed:
                    if self._server is None:
                        self._listen(self.port)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                self._stop.wait(0.02)

    # --- reading what was printed -------------------------------------------------------

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The first ``count`` jobs, waiting up to ``timeout`` seconds for them to arrive."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def decoded(self, index: int = -1, timeout: float = 5.0) -> str:
        """Job ``index`` as readable text, waiting up to ``timeout`` seconds for it: a client
        returns once its bytes are sent, a moment before the printer has read them all."""
        jobs = self.wait_for_jobs(index + 1 if index >= 0 else 1, timeout)
        return decode_for_humans(jobs[index])

    # --- the printer ---------------------------------------------------------------------

    def _status_byte(self, n: int) -> int:
        if self.garbled_status:
            return 0xFF
        offline = self.paper_out or self.cover_open
        if n == 1:
            return 0x12 | (0x08 if offline else 0)
        if n == 2:
            return 0x12 | (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        if n == 4:
            return 0x12 | (0x0C if self.paper_near_end else 0) | (0x60 if self.paper_out else 0)
        return 0x12

    def _serve(self) -> None:
        while not self._stop.is_set():
            server = self._server
            if server is None:
                self._unplugged.set()
                self._stop.wait(0.05)
                continue
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                continue  # unplugged while waiting
            with conn:
                self._job(conn)

    def _job(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        data = bytearray()
        pending = b""
        hung = lost = False
        while not self._stop.is_set():
            if self.stall_after is not None and len(data) >= self.stall_after:
                hung = True  # reads nothing, answers nothing; the job is lost (a reset)
                self._stop.wait(0.05)
                if self._server is None:
                    return  # unplugged while hung: the job is lost
                continue
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                if pending and self._stop.is_set():
                    break
                continue
            except OSError:
                break
            if not chunk:
                break
            pending += chunk
            before = len(data)
            pending = self._realtime(conn, pending, data)
            if len(data) > before and (self.paper_out or self.cover_open):
                lost = True  # a printer that cannot print drops what it is sent
        data += pending
        if data and not hung and not lost:
            self._keep(bytes(data))

    def _realtime(self, conn: socket.socket, pending: bytes, data: bytearray) -> bytes:
        """Act on real-time commands (status requests, drawer pulses) and move the rest of
        ``pending`` into the job; return the bytes of a command that is not complete yet."""
        while pending:
            at = pending.find(b"\x10")
            if at < 0:
                data += pending
                return b""
            data += pending[:at]
            pending = pending[at:]
            if pending[:2] == DLE_EOT:
                if len(pending) < 3:
                    return pending
                self.status_requests += 1
                if not self.silent:
                    with contextlib.suppress(OSError):
                        conn.sendall(bytes([self._status_byte(pending[2])]))
                pending = pending[3:]
            elif pending[:3] == b"\x10\x14\x01":
                if len(pending) < 5:
                    return pending
                self.drawer_kicks += 1
                pending = pending[5:]
            elif len(pending) < 3 and b"\x10\x04\x10\x14\x01".startswith(pending[:2]):
                return pending
            else:
                data += pending[:1]
                pending = pending[1:]
        return b""

    def _keep(self, job: bytes) -> None:
        with self._changed:
            self.jobs.append(job)
            number = len(self.jobs)
            self._changed.notify_all()
        if self.save_dir:
            self.save_dir.mkdir(parents=True, exist_ok=True)
            text = decode_for_humans(job)
            (self.save_dir / f"job-{number:03d}.txt").write_text(text, encoding="utf-8")

    def close(self) -> None:
        self._stop.set()
        self.unplug()
        self._thread.join(2)
