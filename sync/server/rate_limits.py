"""Rate limits kept in this worker's memory: failed enrolment codes and admin tokens per
client address, journal pushes per terminal, and the console's wrong passwords per user name
and per client address (docs/security.md, "Rate limits")."""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from sync.server.errors import ApiError

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


@dataclass
class RateLimits:
    """The limits of one server process."""

    enrol_failures: WindowCounter
    admin_failures: WindowCounter
    pushes: WindowCounter
    signin_names: WindowCounter
    signin_addresses: WindowCounter

    @classmethod
    def from_settings(cls, settings, clock: Callable[[], float] = time.monotonic) -> RateLimits:
        window = settings.failure_window_s
        return cls(
            WindowCounter(settings.failed_enrolments, window, clock),
            WindowCounter(settings.failed_admin_tokens, window, clock),
            WindowCounter(settings.pushes_per_minute, 60, clock),
            WindowCounter(settings.console_failed_signins_per_name, window, clock),
            WindowCounter(settings.console_failed_signins_per_address, window, clock),
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


def refuse_failing_address(counter: WindowCounter, address: str, what: str) -> None:
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
