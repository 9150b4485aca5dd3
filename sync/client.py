"""The terminal's sync client (no Qt): push the journal, pull the catalog, check the clock.

Guarantees (docs/sync.md): entries are pushed oldest first in batches; ``acked_through``
is recorded locally only after the server has acknowledged, in its own transaction, so a
crash at any moment leads to a re-push that the server answers as a replay. A catalog page
and its cursor are applied in one local transaction, so a crash never skips or doubles one.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

from pos.errors import BoothError
from pos.store import stock as stock_db
from pos.store import sync_state
from pos.terminal import Terminal
from pos.usecases import mobile_pay
from sync import __version__, protocol
from sync.protocol import stock as stock_protocol
from sync.protocol import wire
from sync.protocol.journal import canonical, utc_timestamp

TOKEN_FILE = "sync.token"
TIMEOUT = (3.05, 20)  # connect, read (seconds): a slow mobile link, never forever
SKEW_WARN_MS = 5 * 60 * 1000
REFUNDS_CURSOR = "refunds_cursor"  # sync_state key: where HQ's refunds feed was read to
MAX_BACKOFF_S = 300


class SyncError(BoothError):
    """Sync could not be done; the message says what to do. Selling is never affected."""


@dataclass
class RoundResult:
    """What one sync round did, for the status bar and for `booth-pos sync --once --json`."""

    online: bool = False
    pushed: int = 0
    acked_through: int = 0
    unsynced: int = 0
    pulled: int = 0
    catalog_cursor: int = 0
    skew_ms: int | None = None
    error: str | None = None
    blocked: str | None = None
    behind: str | None = None  # HQ holds more of the journal: selling stopped until recovery
    retry_after_s: int | None = None  # the server asked to wait this long (429 or 503)
    refunds: int = 0  # outcomes of mobile refunds HQ reported this round
    at: str = ""
    problem: BoothError | None = field(default=None, repr=False)  # the error, for translation
    behind_problem: BoothError | None = field(default=None, repr=False)  # ``behind``, likewise

    @property
    def skew_warning(self) -> bool:
        return self.skew_ms is not None and abs(self.skew_ms) > SKEW_WARN_MS

    def as_dict(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if k not in ("problem", "behind_problem")}
        return {**data, "skew_warning": self.skew_warning}

    def fail(self, problem: BoothError) -> None:
        self.problem = problem
        self.error = str(problem)


def next_delay(
    failures: int,
    interval_s: float,
    rng: random.Random | None = None,
    retry_after_s: int | None = None,
) -> float:
    """Seconds to the next round: the interval when healthy; after failures, exponential
    backoff with full jitter (so a thousand booths coming back online do not stampede),
    and never sooner than the server's Retry-After."""
    if failures <= 0:
        return max(interval_s, retry_after_s or 0)
    ceiling = min(interval_s * 2 ** min(failures, 10), MAX_BACKOFF_S)
    return max((rng or random).uniform(interval_s / 2, ceiling), retry_after_s or 0)


class _InDoubt(Exception):
    """HQ refused a push made on its remembered head: ask the head and start again."""


class ServerBusy(requests.ConnectionError):
    """429 or 503: the server is there but asks the terminal to come back later."""

    def __init__(self, status: int, retry_after_s: int | None):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after_s = retry_after_s


def _retry_after(response: requests.Response) -> int | None:
    """Retry-After in whole seconds (only the seconds form: our server sends no dates)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value.isdigit():
        return None
    return min(int(value), MAX_BACKOFF_S)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _now() -> str:
    return utc_timestamp(_utc_now())


def insecure_server(server: str, allow_insecure_http: bool) -> SyncError | None:
    """Why the terminal will not talk to ``server``: plain http:// crosses the network
    unencrypted (the token, every sale), so it is for this PC itself only, unless booth.toml
    says ``[sync] allow_insecure_http = true`` (a test bench). None when it may."""
    parts = urlsplit(server)
    if parts.scheme == "https" or allow_insecure_http:
        return None
    if parts.scheme == "http" and _loopback(parts.hostname or ""):
        return None
    return SyncError(
        "The server address {server} is not https://: sales and the token would cross the "
        "network unencrypted. Use https://, or on a test bench set allow_insecure_http = true "
        "under [sync] in booth.toml.",
        server=server,
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def enroll(
    terminal: Terminal, server: str, code: str, session: requests.Session | None = None
) -> dict:
    """Spend a one-time code; keep the token (mode 0600) and the booth identity."""
    server = server.rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise SyncError(
            "The server address must start with https:// (or http:// on a test bench), e.g. https://hq.example.cn."
        )
    refusal = insecure_server(server, terminal.settings.sync_allow_insecure_http)
    if refusal is not None:
        raise refusal
    http = session or requests.Session()
    try:
        response = http.post(
            server + protocol.API_PREFIX + "/enroll",
            json={"code": code, "terminal": terminal.terminal_id},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise SyncError(
            "Cannot reach the server at {server} ({reason}): check the network and the address, then try again.",
            server=server,
            reason=type(exc).__name__,
        ) from None
    if response.status_code != 200:
        raise SyncError("The server refused the enrolment: {detail}", detail=_detail(response))
    body = response.json()
    path = terminal.home / TOKEN_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body["token"])
    os.chmod(path, 0o600)  # also when the file already existed with looser rights
    with terminal.store.write() as conn:
        sync_state.put(conn, "sync_server", server)
        sync_state.put(conn, "booth_id", body["booth"]["id"])
        sync_state.put(conn, "hq_booth_name", body["booth"]["name"])
        sync_state.put(conn, "enrolled_at", _now())
        sync_state.put(conn, "sync_blocked", "")
    # A replacement PC takes over a journal HQ already holds: it recovers it before selling.
    if "acked_through" in body:
        held, head = int(body["acked_through"]), body["head"]
    else:  # a server older than this terminal: ask
        held, head = SyncClient(terminal, session=http).hq_head()
    behind = terminal.compare_with_hq(held, head)
    return {
        "server": server,
        "terminal": terminal.terminal_id,
        "booth": body["booth"],
        "hq_seq": held,
        "behind_hq": str(behind) if behind else None,
    }


def _token_refused() -> SyncError:
    return SyncError(
        "The server no longer accepts this terminal's token (revoked, or another PC enrolled "
        "in its place): ask HQ for a replacement code ('booth-pos-server enroll-code BOOTH "
        "--replaces TERMINAL'), enrol with it ('booth-pos enroll'), then run 'booth-pos "
        "journal recover' if sync says the journal is behind HQ."
    )


def _raise_if_unavailable(response: requests.Response) -> None:
    """A 5xx (often a gateway in front of a server that is down) means offline, not refused;
    so does 429 (this terminal asked too often): both keep the sales for later."""
    if response.status_code in (429, 503):
        raise ServerBusy(response.status_code, _retry_after(response))
    if response.status_code >= 500:
        raise requests.ConnectionError(f"HTTP {response.status_code}")


def _detail(response: requests.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return str(detail) if detail else f"HTTP {response.status_code}"


def _reason(response: requests.Response) -> str | None:
    """The ``reason`` key HQ adds to some refusals (e.g. ``not_set_up``)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("reason") if isinstance(body, dict) else None


class SyncClient:
    """One terminal's sync with the central server. Each round is safe to interrupt."""

    def __init__(
        self,
        terminal: Terminal,
        session: requests.Session | None = None,
        batch: int = protocol.MAX_BATCH,
        page: int = protocol.CATALOG_PAGE_DEFAULT,
        clock=_utc_now,
        attempts: int = 2,
        printer: Callable[[], str | None] | None = None,
    ):
        self.terminal = terminal
        # The printer's state as HQ is told it (wire.PRINTER_STATES), None: not known. The
        # window passes its print queue's state; elsewhere only "no printer" is known.
        self.printer = printer or (lambda: "none" if _no_printer(terminal) else None)
        self.attempts = attempts  # tries per request: a dropped request is retried at once
        self.clock = clock  # the terminal's clock; tests set it days behind or a year ahead
        self.http = session or requests.Session()
        self.batch = batch
        self.page = page
        conn = terminal.store.conn
        self.server = sync_state.get(conn, "sync_server")
        token_path = terminal.home / TOKEN_FILE
        self.token = token_path.read_text(encoding="utf-8").strip() if token_path.exists() else ""
        # HQ's last word on this journal, (seq, hash), from its answer to a head request or a
        # push in this process: while it matches what this terminal recorded as acknowledged,
        # the round asks no head. Forgotten on any doubt (a failed round, a 409).
        self.hq_said: tuple[int, str] | None = None
        # (cursor, ETag) of the last catalog page that brought nothing: sent back as
        # If-None-Match, so an unchanged feed is answered 304 with no body.
        self.feed_etag: tuple[int, str] | None = None
        self.hq_doubt = False  # the poll's head differed from HQ's last answer: push again

    @property
    def enrolled(self) -> bool:
        return bool(self.server and self.token)

    def _url(self, path: str) -> str:
        return self.server + protocol.API_PREFIX + path

    def _headers(self) -> dict:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "X-Terminal-Clock": utc_timestamp(self.clock()),
            wire.VERSION_HEADER: __version__,
            wire.UNSYNCED_HEADER: str(self.terminal.unsynced_count()),
        }
        printer = self.printer()
        if printer in wire.PRINTER_STATES:
            headers[wire.PRINTER_HEADER] = printer
        return headers

    def _payment_headers(self) -> dict:
        """The token, clock and version only: payment calls run on the window's worker
        threads, and the status headers (unsynced count, printer) read the terminal's
        database, whose connection belongs to the UI thread."""
        return {
            "Authorization": f"Bearer {self.token}",
            "X-Terminal-Clock": utc_timestamp(self.clock()),
            wire.VERSION_HEADER: __version__,
        }

    # --- one round ------------------------------------------------------------------------

    def round(self) -> RoundResult:
        """Clock, push, pull. Network trouble is reported in the result, never raised."""
        result = RoundResult(at=_now())
        conn = self.terminal.store.conn
        if not self.enrolled:
            result.error = (
                "This terminal is not enrolled: run 'booth-pos enroll --server URL --code CODE'."
            )
            self._fill_counts(result)
            return result
        refusal = insecure_server(self.server, self.terminal.settings.sync_allow_insecure_http)
        if refusal is not None:  # enrolled before the rule, or booth.toml changed since
            result.fail(refusal)
            self._fill_counts(result)
            return result
        self.hq_doubt = False
        try:
            result.skew_ms = self.check_clock()
            result.online = True
            result.pushed = self.push()
            result.pulled = self.pull()
            if self.hq_doubt:  # HQ's head moved under us (restored, say): ask it and push now
                self.hq_doubt = False
                result.pushed += self.push()
            result.refunds = self.pull_refunds()
        except SyncError as exc:
            self.hq_said = None
            result.fail(exc)
        except ServerBusy as exc:
            self.hq_said = None
            result.online = False
            result.retry_after_s = exc.retry_after_s
            if exc.retry_after_s is None:
                problem = SyncError(
                    "The server is busy (HTTP {status}); sales are kept and will be sent later.",
                    status=exc.status,
                )
            else:
                problem = SyncError(
                    "The server asked this terminal to wait (HTTP {status}); sales are kept "
                    "and will be sent in {seconds} s.",
                    status=exc.status,
                    seconds=exc.retry_after_s,
                )
            result.fail(problem)
        except requests.RequestException as exc:
            self.hq_said = None
            result.online = False
            result.fail(
                SyncError(
                    "The server did not answer ({kind}); sales are kept and will be sent later.",
                    kind=type(exc).__name__,
                )
            )
        result.blocked = sync_state.get(conn, "sync_blocked") or None
        behind = self.terminal.behind_hq()
        if behind is not None:
            result.behind, result.behind_problem = str(behind), behind
            if result.problem is None:
                result.fail(behind)
        self._fill_counts(result)
        return result

    def _fill_counts(self, result: RoundResult) -> None:
        conn = self.terminal.store.conn
        result.acked_through = int(sync_state.get(conn, "acked_through", "0"))
        result.unsynced = self.terminal.unsynced_count()
        result.catalog_cursor = int(sync_state.get(conn, "catalog_cursor", "0"))

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call, tried a second time at once when the link drops it: every call here is
        safe to repeat (a pushed batch the server already took comes back as a replay)."""
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = self.http.request(method, self._url(path), timeout=TIMEOUT, **kwargs)
            except requests.RequestException:
                if last:
                    raise
                continue
            if response.status_code < 500 or last or "Retry-After" in response.headers:
                return response  # a server that says when to come back is not asked again now
        raise SyncError("The server could not be asked: no attempts were allowed.")

    def check_clock(self) -> int:
        """Terminal clock minus server clock, in ms (half the round trip allowed for)."""
        started = self.clock()
        response = self._request("GET", "/time")
        finished = self.clock()
        _raise_if_unavailable(response)
        response.raise_for_status()
        server_ms = response.json()["epoch_ms"]
        local_ms = int(((started.timestamp() + finished.timestamp()) / 2) * 1000)
        return local_ms - server_ms

    # --- journal --------------------------------------------------------------------------

    def push(self) -> int:
        """Push unacknowledged entries oldest first; returns how many the server took.
        HQ's head is asked first unless its last answer in this process still holds; a 409
        after trusting that answer asks it and starts again (docs/sync.md)."""
        trusted = self._trusted_head()
        try:
            return self._push(trusted)
        except _InDoubt:
            self.hq_said = None
            return self._push(None)

    def _trusted_head(self) -> tuple[int, str] | None:
        """HQ's last answer when it is what this terminal recorded as acknowledged."""
        if self.hq_said is None:
            return None
        acked = int(sync_state.get(self.terminal.store.conn, "acked_through", "0"))
        if self.hq_said[0] != acked or self.terminal.behind_hq() is not None:
            self.hq_said = None
        return self.hq_said

    def _push(self, trusted: tuple[int, str] | None) -> int:
        store = self.terminal.store
        if sync_state.get(store.conn, "sync_blocked"):
            return 0
        acked = int(sync_state.get(store.conn, "acked_through", "0"))
        if trusted is None:
            held, head = self.hq_head()
            if self.terminal.compare_with_hq(held, head) is not None:
                self.hq_said = None
                return 0  # HQ holds more, or other entries: pushing would fork (journal recover)
            if held < acked:  # HQ restored from an older backup: send the rest again
                acked = self._record_ack(held)
            self.hq_said = (held, head) if held == acked else None
        start_acked = acked
        batch = self.batch
        while True:
            lines = sync_state.unacked(store.conn, acked, batch)
            if not lines:
                return max(acked - start_acked, 0)
            body = ('{"entries":[' + ",".join(lines) + "]}").encode("utf-8")
            headers = {**self._headers(), "Content-Type": "application/json"}
            response = self._request("POST", "/journal", data=body, headers=headers)
            _raise_if_unavailable(response)
            if response.status_code == 200:
                answer = response.json()
                new_acked = int(answer["acked_through"])
                if self.terminal.compare_with_hq(new_acked, answer["head"]) is not None:
                    self.hq_said = None
                    return max(acked - start_acked, 0)
                if new_acked < json.loads(lines[-1])["seq"]:
                    # A server that answers 200 without taking the batch would loop us forever.
                    raise SyncError(
                        "The server did not take the entries it was sent; try again later."
                    )
                acked = self._record_ack(new_acked)
                self.hq_said = (new_acked, answer["head"])
                continue
            if response.status_code == 409:
                self.hq_said = None
                if trusted is not None:
                    raise _InDoubt  # HQ's head is asked before anything else is concluded
                answer = response.json()
                if answer.get("reason") == "gap" and int(answer.get("expected_seq", 0)) - 1 < acked:
                    # The server holds less than it acknowledged: restored from a backup. Re-push.
                    acked = self._record_ack(int(answer["expected_seq"]) - 1)
                    continue
                self._block(_detail(response))
                raise SyncError("Sync stopped: {detail}", detail=_detail(response))
            if response.status_code == 413 and batch > 1:
                batch = max(batch // 2, 1)
                continue
            if response.status_code == 401:
                raise _token_refused()
            raise SyncError(
                "The server refused the push ({detail}); sales are kept. If this goes on, call HQ.",
                detail=_detail(response),
            )

    def hq_head(self) -> tuple[int, str]:
        """(seq, hash) of what HQ holds of this terminal's journal (asked at every round)."""
        answer = self._get(
            "/journal/head",
            {},
            lambda detail: SyncError(
                "The server did not say how much of this terminal's journal it holds ({detail}); "
                "sales are kept. If this goes on, call HQ.",
                detail=detail,
            ),
        )
        return int(answer["acked_through"]), answer["head"]

    def _get(self, path: str, params: dict, refused) -> dict:
        """GET ``path`` with this terminal's token: the JSON answer. Offline (no answer, 429,
        503) and a refused token raise as everywhere; any other answer raises
        ``refused(detail)``, the sentence for what was being asked."""
        response = self._request("GET", path, params=params, headers=self._headers())
        _raise_if_unavailable(response)
        if response.status_code == 401:
            raise _token_refused()
        if response.status_code != 200:
            raise refused(_detail(response))
        return response.json()

    def _record_ack(self, acked: int) -> int:
        with self.terminal.store.write() as conn:
            sync_state.put(conn, "acked_through", acked)
            sync_state.put(conn, "last_push_at", _now())
        return acked

    def _block(self, reason: str) -> None:
        with self.terminal.store.write() as conn:
            sync_state.put(conn, "sync_blocked", reason)

    # --- mobile payments (HQ talks to the gateways; the till never holds merchant keys) ----

    def create_payment(
        self, out_trade_no: str, method: str, auth_code: str, amount_fen: int, description: str
    ) -> dict:
        """Ask HQ to collect a payment code; the same number again is the same payment."""
        body = {
            "out_trade_no": out_trade_no,
            "method": method,
            "auth_code": auth_code,
            "amount_fen": amount_fen,
            "description": description,
        }
        return self._payment_call("POST", "/payments", body)

    def query_payment(self, out_trade_no: str) -> dict:
        return self._payment_call("GET", f"/payments/{out_trade_no}")

    def cancel_payment(self, out_trade_no: str) -> dict:
        """Cancel (revoke) at HQ: an unpaid order is closed, a paid one given back."""
        return self._payment_call("POST", f"/payments/{out_trade_no}/cancel", {})

    def _payment_call(self, method: str, path: str, body: dict | None = None) -> dict:
        """HQ's answer {out_trade_no, state, transaction_id, amount_fen, message}. No answer,
        429 and 5xx raise HqUnreachable; 404 UnknownAtHq; any other refusal PaymentRefused."""
        if not self.enrolled:
            raise mobile_pay.offline_refusal()
        try:
            response = self._request(method, path, json=body, headers=self._payment_headers())
            _raise_if_unavailable(response)
        except requests.RequestException as exc:
            raise mobile_pay.HqUnreachable(
                "HQ did not answer ({kind}).", kind=type(exc).__name__
            ) from None
        if response.status_code == 401:
            raise _token_refused()
        if response.status_code == 404:
            raise mobile_pay.UnknownAtHq("HQ has no payment {number}.", number=path.split("/")[2])
        if response.status_code == 403 and _reason(response) == "not_set_up":
            raise mobile_pay.not_set_up()
        if response.status_code != 200:
            raise mobile_pay.PaymentRefused(
                "HQ refused the mobile payment ({detail}): nothing was charged.",
                detail=_detail(response),
            )
        return response.json()

    def payment_totals(self, start: str, end: str) -> dict:
        """What HQ's gateways collected for this terminal from ``start`` to ``end`` (UTC ISO):
        {"wechat": {"paid_fen", "count"}, "alipay": {...}}. Raises HqUnreachable offline."""
        query = "?" + urlencode({"from": start, "to": end})
        return self._payment_call("GET", "/payments/totals" + query)

    def pull_refunds(self, max_pages: int = 20) -> int:
        """Follow HQ's feed of this terminal's mobile refunds (pending, done, failed) from the
        cursor kept in booth.db; each page and its cursor are kept in one transaction.
        Returns how many outcomes were recorded. An HQ without the feed (404) has none."""
        recorded = 0
        for _ in range(max_pages):
            cursor = sync_state.get(self.terminal.store.conn, REFUNDS_CURSOR, "")
            params = {"since": cursor} if cursor else {}
            response = self._request("GET", "/payments/refunds", params=params, headers=self._headers())  # fmt: skip
            _raise_if_unavailable(response)
            if response.status_code == 401:
                raise _token_refused()
            if response.status_code == 404:
                return recorded
            if response.status_code != 200:
                raise SyncError(
                    "HQ did not send the outcome of mobile refunds ({detail}); they are asked "
                    "again at the next round.",
                    detail=_detail(response),
                )
            page = response.json()
            refunds, after = page.get("refunds") or [], str(page.get("cursor") or cursor)
            recorded += self.terminal.record_refund_outcomes(refunds, REFUNDS_CURSOR, after)
            if not refunds or after == cursor:
                return recorded
        return recorded

    # --- recovery -------------------------------------------------------------------------

    def fetch_entries(self, after: int) -> list[str]:
        """The next page of this terminal's journal as HQ holds it, after seq ``after``."""
        answer = self._get(
            "/journal/entries",
            {"after": after, "limit": self.batch},
            lambda detail: SyncError(
                "HQ did not send this terminal's journal ({detail}): nothing more was changed. "
                "Call HQ.",
                detail=detail,
            ),
        )
        return [canonical(entry) for entry in answer["entries"]]

    def recover(self, before_commit=None) -> dict:
        """`booth-pos journal recover`: pull the catalog (a replacement PC's entries name its
        products), then fetch from HQ what this PC's journal lacks and re-apply it."""
        if not self.enrolled:
            raise SyncError(
                "This terminal is not enrolled: run 'booth-pos enroll --server URL --code CODE'."
            )
        try:
            self.pull()
            held, head = self.hq_head()
            return self.terminal.recover_journal(held, head, self.fetch_entries, before_commit)
        except requests.RequestException as exc:
            raise SyncError(
                "The server did not answer ({kind}): what was recovered so far is kept. Run "
                "'booth-pos journal recover' again when the network is back.",
                kind=type(exc).__name__,
            ) from None

    # --- catalog --------------------------------------------------------------------------

    def pull(self) -> int:
        """Apply catalog pages; each page and its cursor commit together. Returns changes applied."""
        store = self.terminal.store
        applied = 0
        while True:
            cursor = int(sync_state.get(store.conn, "catalog_cursor", "0"))
            page = self._catalog_page(cursor)
            if page is None:  # 304: nothing since the last page asked with this cursor
                return applied
            if cursor > int(page.get("current", cursor)):
                # The server's catalog went back (restored from a backup): pull it all again.
                with store.write() as conn:
                    sync_state.begin_resync(conn)
                continue
            with store.write() as conn:
                if int(sync_state.get(conn, "catalog_cursor", "0")) != cursor:
                    continue  # another process applied this page meanwhile; read again
                resyncing = sync_state.get(conn, "catalog_resync") == "1"
                for change in page["changes"]:
                    _apply(conn, change)
                    if resyncing and change["kind"] == "product":
                        sync_state.seen_in_resync(conn, change["product"]["id"])
                sync_state.put(conn, "catalog_cursor", page["next"])
                if page["changes"]:
                    sync_state.put(conn, "catalog_version", page["next"])
                if resyncing and not page["more"]:
                    sync_state.finish_resync(conn, page["next"])
            applied += len(page["changes"])
            if not page["more"]:
                return applied

    def _catalog_page(self, cursor: int) -> dict | None:
        """One page of the feed after ``cursor``; None when HQ answers 304 to the ETag of
        the last empty page at this cursor. HQ's head of this journal comes with it
        (``wire.JOURNAL_HEAD_HEADER``): when it is not what HQ said last, or not there (an
        older HQ), the next push asks the head again."""
        headers = self._headers()
        if self.feed_etag is not None and self.feed_etag[0] == cursor:
            headers["If-None-Match"] = self.feed_etag[1]
        params = {"since": cursor, "limit": self.page}
        response = self._request("GET", "/catalog/changes", params=params, headers=headers)
        _raise_if_unavailable(response)
        if response.status_code == 401:
            raise _token_refused()
        if response.status_code not in (200, 304):
            raise SyncError(
                "The server refused the catalog pull ({detail}); the catalog stays as it is. If this goes on, call HQ.",
                detail=_detail(response),
            )
        said = wire.parse_journal_head(response.headers.get(wire.JOURNAL_HEAD_HEADER))
        if said is None or said != self.hq_said:
            self.hq_doubt = self.hq_said is not None and said is not None
            self.hq_said = None
        if response.status_code == 304:
            return None
        page = response.json()
        etag = response.headers.get("ETag")
        quiet = not page["changes"] and not page["more"]
        self.feed_etag = (cursor, etag) if quiet and etag else None
        return page


def _apply(conn, change: dict) -> None:
    kind, version = change["kind"], int(change["version"])
    if kind == "product":
        sync_state.apply_product(conn, change["product"], version)
    elif kind == "product_deleted":
        sync_state.withdraw_product(conn, change["id"], version)
    elif kind == stock_protocol.FEED_KIND:
        delivery = change["delivery"]
        if "product_id" in delivery:  # HQ's one-product form, also kept as it always was
            sync_state.add_expected_receipt(conn, delivery, version)
        try:
            expected = stock_protocol.expected_delivery(delivery)
        except ValueError:
            return  # a recall is not checked in at the booth; it stays in expected_receipts
        stock_db.add_expected_delivery(conn, expected, version)


def _no_printer(terminal: Terminal) -> bool:
    return terminal.settings.printer_url == "preview"


def printer_state_for_hq(state: str) -> str | None:
    """A print queue state (hardware.status) as HQ is told it; None when not known."""
    if state == "ok":
        return "ok"
    if state == "paper_out":
        return "paper_out"
    if state in ("cover_open", "offline", "error", "unreachable"):
        return "offline"
    return None


def token_path(home: Path) -> Path:
    return home / TOKEN_FILE
