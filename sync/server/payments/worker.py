"""The server process's own money work, on one background thread while it serves: refunds
left pending (after a crash, or still processing at the gateway) asked again, and the daily
reconciliation once its hour has come (claimed, so only one server process runs it)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete

from sync.server.payments import reconcile, refunds
from sync.server.tables import reconcile_claims

log = logging.getLogger("booth_pos.server.payments")


class MoneyWorker:
    def __init__(self, engine: Engine, payments, settings):
        self.engine, self.payments, self.settings = engine, payments, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="money-worker", daemon=True)

    def start(self) -> MoneyWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.settings.refund_retry_s):
            try:
                self.once(datetime.now(self.settings.zone))
            except Exception:  # the database away for a moment: try again next round
                log.exception("money worker round failed")

    def once(self, now: datetime) -> None:
        """One round: pending refunds, then yesterday's reconciliation when it is due."""
        refunds.carry_out_pending(self.engine, self.payments)
        hour = self.settings.reconcile_hour
        if hour < 0 or now.hour < hour:
            return
        day = (now - timedelta(days=1)).date()
        me = f"daily:{socket.gethostname()}:{os.getpid()}"
        if not reconcile.claim(self.engine, day, me):
            return
        try:
            reconcile.reconcile(self.engine, self.payments, day, self.settings.zone, "daily")
        except reconcile.ReconcileError as exc:
            log.error("daily reconciliation of %s failed: %s", day, exc)
            with self.engine.begin() as conn:  # give the day back: the next round retries
                conn.execute(delete(reconcile_claims).where(reconcile_claims.c.business_day == day))
