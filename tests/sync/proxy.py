"""A TCP fault proxy for the sync tests: it sits on 127.0.0.1 between a terminal and a real
server and breaks the link in the ways booths' mobile networks do.

Each client connection gets its own upstream connection. The proxy reads whole HTTP/1.1
requests (headers, then ``Content-Length`` bytes: the sync client always sends it) and
responses (``Content-Length``, chunked, or up to EOF), so a fault applies to one request
of a keep-alive connection, not to a random byte offset. What happens to each request is
decided when it has been read in full:

``pass``            forward the request, forward the response.
``reset``           the request arrived; reset the connection (RST), forward nothing.
``cut_request``     the request arrived; close the connection (FIN), forward nothing.
``drop_response``   forward the request, let the server answer in full (it has committed),
                    then close the client's connection without a byte of the answer.
``truncate``        forward; send the response's headers and half its body, then close.
``trickle``         forward; send the response a few bytes at a time with small delays.
``trickle_request`` send the request upstream a few bytes at a time (a slow uplink); the
                    ``uplink_started`` event is set once its first bytes are upstream.
``stall``           forward; hold the complete response for ``stall_s`` seconds, then send.
``bad_gateway``     answer 502 with an HTML page (a captive portal or a broken reverse
                    proxy), forward nothing.

Connection-level faults: ``refuse()`` closes the listening socket (connects are refused
until ``listen()``), and ``drop_every_nth_connection = N`` resets every Nth accepted
connection before it is read. Counters (``requests``, ``connections``, ``faults``, ``log``)
let each test prove its fault really happened.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

ACTIONS = (
    "pass",
    "reset",
    "cut_request",
    "drop_response",
    "truncate",
    "trickle",
    "trickle_request",
    "stall",
    "bad_gateway",
)


class _Closed(Exception):
    """The peer closed the connection (or it broke) before a whole message arrived."""


@dataclass
class Seen:
    """One request the proxy read, and what it did to it."""

    number: int
    connection: int
    method: str
    path: str
    action: str
    request_bytes: int
    response_status: int | None = None
    response_bytes: int = 0
    delivered: bool = False  # the whole response reached the client's socket


@dataclass
class _Rule:
    action: str
    path: str | None
    method: str | None
    times: int

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and method != self.method:
            return False
        return self.path is None or path.split("?", 1)[0].endswith(self.path)


class _Reader:
    """A socket with a read buffer: whole header blocks and exact byte counts."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(65536)
        except OSError as exc:
            raise _Closed(str(exc)) from None
        if not chunk:
            raise _Closed("EOF")
        self.buffer += chunk

    def until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            if len(self.buffer) > 1 << 20:
                raise _Closed("header block too large")
            self._fill()
        head, _, self.buffer = self.buffer.partition(marker)
        return head + marker

    def exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def rest(self) -> bytes:
        """Everything up to EOF (a response without length or chunking)."""
        with contextlib.suppress(_Closed):
            while True:
                self._fill()
        data, self.buffer = self.buffer, b""
        return data


def _headers(block: bytes) -> tuple[str, dict[str, str]]:
    lines = block.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
    return lines[0], fields


def _read_request(reader: _Reader) -> tuple[str, str, bytes]:
    head = reader.until(b"\r\n\r\n")
    start, fields = _headers(head)
    method, path = (start.split(" ") + ["", ""])[:2]
    length = int(fields.get("content-length", "0") or 0)
    if fields.get("transfer-encoding", "").lower() == "chunked":
        raise _Closed("chunked requests are not supported by the fault proxy")
    return method, path, head + reader.exactly(length)


def _read_response(reader: _Reader, method: str) -> tuple[int, bytes, bytes, bool]:
    """(status, head, body, keep_alive) of one whole response."""
    head = reader.until(b"\r\n\r\n")
    start, fields = _headers(head)
    status = int(start.split(" ")[1])
    keep_alive = fields.get("connection", "").lower() != "close"
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, head, b"", keep_alive
    if "content-length" in fields:
        return status, head, reader.exactly(int(fields["content-length"])), keep_alive
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line = reader.until(b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            body += size_line
            if size == 0:  # then trailers, if any, and an empty line
                while True:
                    line = reader.until(b"\r\n")
                    body += line
                    if line == b"\r\n":
                        return status, head, body, keep_alive
            body += reader.exactly(size + 2)
    return status, head, reader.rest(), False


def _close(sock: socket.socket | None, reset: bool = False) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):
        if reset:  # SO_LINGER 0: close() sends RST instead of FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


class FaultProxy:
    """A fault-injecting TCP proxy on 127.0.0.1 in front of ``upstream_port``."""

    def __init__(
        self,
        upstream_port: int,
        port: int = 0,
        trickle_bytes: int = 7,
        trickle_delay: float = 0.004,
        trickle_max_pieces: int = 60,
        stall_s: float = 1.0,
    ):
        self.upstream_port = upstream_port
        self.trickle_bytes = trickle_bytes
        self.trickle_delay = trickle_delay
        self.trickle_max_pieces = trickle_max_pieces
        self.stall_s = stall_s
        self.default = "pass"
        self.drop_every_nth_connection = 0
        self.every_nth_request: tuple[int, tuple[str, ...]] | None = None
        #: Called with each Seen record once the request has been read, before it goes on:
        #: lets a test line requests up (two processes pushing at the same moment).
        self.before_forward: Callable[[Seen], None] | None = None
        #: Called with each Seen record after the request has reached the server (or was
        #: cut): lets a test act at a precise moment, e.g. kill the server mid-ingest.
        self.on_forwarded: Callable[[Seen], None] | None = None
        #: Set when the first bytes of a ``trickle_request`` request are upstream.
        self.uplink_started = threading.Event()
        self.requests = 0
        self.connections = 0
        self.refused_connections = 0
        self.faults: Counter[str] = Counter()
        self.log: list[Seen] = []
        self._rules: deque[_Rule] = deque()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._accepter: threading.Thread | None = None
        self.port = port
        self.listen()

    # --- control ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def listen(self) -> None:
        """Accept connections (again) on the same port."""
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepter = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepter.start()

    def refuse(self) -> None:
        """Close the listening socket and every open connection: connects are refused."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            _close(listener)
        if self._accepter is not None:
            self._accepter.join(5)
            self._accepter = None
        self.drop_connections()

    def drop_connections(self) -> None:
        with self._lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            _close(sock, reset=True)

    def close(self) -> None:
        self.refuse()

    def inject(
        self, action: str, *, path: str | None = None, method: str | None = None, times: int = 1
    ) -> None:
        """The next ``times`` requests matching ``path`` (a suffix) and ``method`` get ``action``."""
        assert action in ACTIONS, action
        with self._lock:
            self._rules.append(_Rule(action, path, method, times))

    def every(self, n: int, *actions: str) -> None:
        """Every nth request gets the next action of ``actions``, in turn (0 turns it off)."""
        assert all(a in ACTIONS for a in actions), actions
        self.every_nth_request = (n, actions) if n else None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
        self.every_nth_request = None
        self.drop_every_nth_connection = 0
        self.default = "pass"

    @property
    def pending_rules(self) -> int:
        with self._lock:
            return sum(rule.times for rule in self._rules)

    def seen(self, path: str | None = None, action: str | None = None) -> list[Seen]:
        with self._lock:
            return [
                s
                for s in self.log
                if (path is None or s.path.split("?", 1)[0].endswith(path))
                and (action is None or s.action == action)
            ]

    # --- serving ------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
                nth = self.drop_every_nth_connection
                drop = bool(nth) and number % nth == 0
                if drop:
                    self.refused_connections += 1
                    self.faults["drop_connection"] += 1
                else:
                    self._open.add(client)
            if drop:
                _close(client, reset=True)
                continue
            threading.Thread(target=self._serve, args=(client, number), daemon=True).start()

    def _decide(self, method: str, path: str) -> tuple[int, str]:
        with self._lock:
            self.requests += 1
            number = self.requests
            action = self.default
            for rule in self._rules:
                if rule.matches(method, path):
                    action = rule.action
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                    break
            else:
                if self.every_nth_request is not None:
                    n, actions = self.every_nth_request
                    if number % n == 0:
                        action = actions[(number // n - 1) % len(actions)]
            if action != "pass":
                self.faults[action] += 1
            return number, action

    def _connect_upstream(self) -> socket.socket:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
        upstream.settimeout(60)
        with self._lock:
            self._open.add(upstream)
        return upstream

    def _serve(self, client: socket.socket, connection: int) -> None:
        upstream: socket.socket | None = None
        reader = _Reader(client)
        up_reader: _Reader | None = None
        try:
            try:
                upstream = self._connect_upstream()
            except OSError:
                return  # the server is down: the client sees a reset, as with no proxy
            up_reader = _Reader(upstream)
            while True:
                # Idle: wait for the next request, or for the server to close the
                # keep-alive connection (then close the client's too, as the server would).
                if not reader.buffer:
                    readable, _, _ = select.select([client, upstream], [], [], 120)
                    if not readable:
                        return
                    if upstream in readable and client not in readable:
                        return
                method, path, request = _read_request(reader)
                number, action = self._decide(method, path)
                seen = Seen(number, connection, method, path, action, len(request))
                with self._lock:
                    self.log.append(seen)
                if self.before_forward:
                    self.before_forward(seen)
                if action in ("reset", "cut_request"):
                    if self.on_forwarded:
                        self.on_forwarded(seen)
                    _close(client, reset=action == "reset")
                    return
                if action == "bad_gateway":
                    body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                    client.sendall(
                        b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
                        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                        + body
                    )
                    seen.response_status, seen.delivered = 502, True
                    return
                if action == "trickle_request":
                    step = max(self.trickle_bytes, len(request) // self.trickle_max_pieces + 1)
                    for offset in range(0, len(request), step):
                        upstream.sendall(request[offset : offset + step])
                        self.uplink_started.set()
                        time.sleep(self.trickle_delay)
                else:
                    upstream.sendall(request)
                if self.on_forwarded:
                    self.on_forwarded(seen)
                status, head, body, keep_alive = _read_response(up_reader, method)
                seen.response_status, seen.response_bytes = status, len(head) + len(body)
                if action == "drop_response":
                    _close(client)
                    return
                if action == "truncate":
                    client.sendall(head + body[: len(body) // 2])
                    _close(client)
                    return
                if action == "stall":
                    time.sleep(self.stall_s)
                if action == "trickle":
                    data = head + body
                    step = max(self.trickle_bytes, len(data) // self.trickle_max_pieces + 1)
                    for offset in range(0, len(data), step):
                        client.sendall(data[offset : offset + step])
                        time.sleep(self.trickle_delay)
                else:
                    client.sendall(head + body)
                seen.delivered = True
                if not keep_alive:
                    return
        except (_Closed, OSError, ValueError):  # ValueError: a socket closed by stop()
            return
        finally:
            with self._lock:
                self._open.discard(client)
                if upstream is not None:
                    self._open.discard(upstream)
            _close(client)
            _close(upstream)
