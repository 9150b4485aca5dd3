"""Rate limits: failed enrolment codes and admin tokens per client address and the console's
wrong passwords per user name and per client address, counted in the database so that every
server process and app node counts the same failures; journal pushes per terminal, counted
in each process's memory (docs/security.md, "Rate limits")."""

from __future__ import annotations

import hashlib
import ipaddress
import itertools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine, and_, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.server.db import reading
from sync.server.errors import ApiError
from sync.server.tables import rate_limit_counts

#: Keys one limiter remembers at most; past it, counts whose window has ended are dropped
#: first, then the oldest. Bounds the memory an attacker with many addresses can take.
MAX_KEYS = 100_000


class TooManyRequests(ApiError):
    """429 with ``Retry-After``: the caller may try again after ``retry_after_s`` seconds."""

    def __init__(self, detail: str, retry_after_s: int):
        super().__init__(429, detail, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class WindowCounter:
    """At most ``limit`` events per key in a fixed window of ``window_s`` seconds that starts
    at the key's first event. Thread-safe: FastAPI runs sync endpoints on a thread pool."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._counts: dict[str, tuple[float, int]] = {}  # key -> (window start, events)
        self._lock = threading.Lock()

    def wait_s(self, key: str) -> int | None:
        """Whole seconds until ``key`` may act again (its window is full), else None."""
        with self._lock:
            now = self.clock()
            start, events = self._current(key, now)
            if events < self.limit:
                return None
            return max(1, math.ceil(start + self.window_s - now))

    def add(self, key: str) -> None:
        """Count one event for ``key``."""
        with self._lock:
            now = self.clock()
            start, events = self._current(key, now)
            if key not in self._counts and len(self._counts) >= MAX_KEYS:
                self._prune(now)
            self._counts[key] = (start, events + 1)

    def _current(self, key: str, now: float) -> tuple[float, int]:
        start, events = self._counts.get(key, (now, 0))
        if now - start >= self.window_s:
            return now, 0
        return start, events

    def _prune(self, now: float) -> None:
        for key in [k for k, (start, _) in self._counts.items() if now - start >= self.window_s]:
            del self._counts[key]
        while len(self._counts) >= MAX_KEYS:
            del self._counts[next(iter(self._counts))]  # the oldest inserted


#: Keys longer than this are counted by their SHA-256 (the column holds 128 characters).
MAX_KEY_CHARS = 128
#: A counter deletes the rows whose window has ended once every this many failures it adds.
PRUNE_EVERY = 256


class SharedCounter:
    """A ``WindowCounter`` kept in ``rate_limit_counts``: every server process and app node
    on the database counts the same events. ``clock`` is wall-clock seconds (the nodes'
    clocks agree through NTP; a monotonic clock is per machine). One short transaction per
    call, apart from the request's own, so a failure counts even when the request fails.
    A check and the count after it are two statements: nodes failing at the very same
    moment may each get one more try than ``limit``, never more than one each."""

    def __init__(
        self, engine: Engine, limiter: str, limit: int, window_s: float,
        clock: Callable[[], float] = time.time,
    ):  # fmt: skip
        self.engine, self.limiter = engine, limiter
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._adds = itertools.count(1)

    def wait_s(self, key: str) -> int | None:
        """Whole seconds until ``key`` may act again (its window is full), else None."""
        now = self.clock()
        table = rate_limit_counts
        with reading(self.engine) as conn:
            row = conn.execute(
                select(table.c.window_start, table.c.events).where(
                    table.c.limiter == self.limiter, table.c.key == _stored(key)
                )
            ).first()
        if row is None or now - row.window_start >= self.window_s or row.events < self.limit:
            return None
        return max(1, math.ceil(row.window_start + self.window_s - now))

    def add(self, key: str) -> None:
        """Count one event for ``key`` (a new window when its last one has ended)."""
        now = self.clock()
        table = rate_limit_counts
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        ended = now - table.c.window_start >= self.window_s
        statement = insert(table).values(
            limiter=self.limiter, key=_stored(key), window_start=now, events=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.limiter, table.c.key],
            set_={
                "window_start": case((ended, now), else_=table.c.window_start),
                "events": case((ended, 1), else_=table.c.events + 1),
            },
        )
        with self.engine.begin() as conn:
            conn.execute(statement)
            if next(self._adds) % PRUNE_EVERY == 0:
                conn.execute(delete(table).where(and_(table.c.limiter == self.limiter, ended)))


def _stored(key: str) -> str:
    if len(key) <= MAX_KEY_CHARS:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


@dataclass
class RateLimits:
    """The limits: failures shared through the database, pushes in this process's memory
    (a push is the commonest request: counting it in the database would add a write to
    each; see docs/server.md, "Several app nodes")."""

    enrol_failures: SharedCounter
    admin_failures: SharedCounter
    pushes: WindowCounter
    signin_names: SharedCounter
    signin_addresses: SharedCounter

    @classmethod
    def from_settings(
        cls, settings, engine: Engine, clock: Callable[[], float] = time.time
    ) -> RateLimits:
        window = settings.failure_window_s
        return cls(
            SharedCounter(engine, "enrol", settings.failed_enrolments, window, clock),
            SharedCounter(engine, "admin_token", settings.failed_admin_tokens, window, clock),
            WindowCounter(settings.pushes_per_minute, 60, clock),
            SharedCounter(
                engine, "signin_name", settings.console_failed_signins_per_name, window, clock
            ),  # fmt: skip
            SharedCounter(
                engine, "signin_address", settings.console_failed_signins_per_address, window, clock
            ),  # fmt: skip
        )


def limits_of(request: Request) -> RateLimits:
    return request.app.state.rate_limits


def client_address(request: Request) -> str:
    """Who is asking, as uvicorn saw it (after --proxy-headers from a trusted proxy). IPv6
    addresses count per /64: one subscriber usually holds a whole /64."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def refuse_failing_address(counter: SharedCounter | WindowCounter, address: str, what: str) -> None:
    """429 for an address that already failed ``limit`` times in its window; it is not
    checked at all, so a right guess now tells the guesser nothing."""
    wait = counter.wait_s(address)
    if wait is not None:
        raise TooManyRequests(
            f"Too many wrong {what} from this address: nothing was checked. Try again in {wait} s.",
            retry_after_s=wait,
        )


def count_push(counter: WindowCounter, terminal_id: str) -> None:
    """Count a push, or refuse it with 429 when the terminal already used up its minute."""
    wait = counter.wait_s(terminal_id)
    if wait is not None:
        raise TooManyRequests(
            f"Terminal {terminal_id} pushes far more often than a till does: nothing was "
            f"stored. Try again in {wait} s.",
            retry_after_s=wait,
        )
    counter.add(terminal_id)
