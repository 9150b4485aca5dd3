"""The server process's loop that applies scheduled catalog changes when they are due
(``catalog_schedule.apply_due``), every ``schedule_check_s`` seconds while it serves."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

from sync.server import catalog_schedule

log = logging.getLogger("booth_pos.server.catalog")


class ScheduleWorker:
    def __init__(self, engine: Engine, settings):
        self.engine, self.settings = engine, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedule-worker", daemon=True)

    def start(self) -> ScheduleWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.settings.schedule_check_s):
            try:
                self.once()
            except Exception:  # the database away for a moment: try again next round
                log.exception("applying scheduled catalog changes failed")

    def once(self) -> list[dict]:
        done = catalog_schedule.apply_due(self.engine, catalog_schedule.SERVER_ACTOR)
        for result in done:
            if "problem" in result:
                log.error("scheduled change %s of %s not applied: %s",
                          result["id"], result["product_id"], result["problem"])  # fmt: skip
        return done
