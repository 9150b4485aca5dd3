"""A kiosk that crashes or freezes comes back by itself: the cashier's window under a
supervisor with the kiosk unit's own Restart=, RestartSec= and watchdog settings.

The window is the real one (`booth-pos run --kiosk`, offscreen), from the bundle when it has
been built and from this checkout always. The unit's WatchdogSec is 30 s; the freeze test
uses 3 s so that it does not take a minute (the window beats at a third of the period,
whatever the period is)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from pos.terminal import Terminal
from tests.packaging.deb_build import artefacts, seconds, unit_settings
from tests.packaging.supervisor import Supervisor

pytestmark = pytest.mark.packaging  # make test-fast leaves the kiosk package out

FREEZE_WATCHDOG_S = 3.0


@pytest.fixture(params=["checkout", "bundle"])
def kiosk(request, tmp_path):
    """A supervised `booth-pos run --kiosk` on a fresh booth, as the unit runs it."""
    if request.param == "bundle":
        built = artefacts()
        if built is None:
            pytest.skip("no bundle: run 'make bundle' or set BOOTH_POS_BUILD_DEB=1")
        command = [str(built[0] / "booth-pos")]
    else:
        command = [sys.executable, "-m", "pos.cli"]
    home = tmp_path / "booth"
    Terminal.init(home, "CQ-FJ-001-T1", "奉节县扶贫专柜")[0].close()
    service = unit_settings()
    assert service["Restart"] == "always" and service["Type"] == "notify"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BOOTH_POS_HOME": str(home)}
    supervisor = Supervisor(
        [*command, "run", "--kiosk"],
        env,
        restart_sec=seconds(service["RestartSec"]),
        watchdog_sec=FREEZE_WATCHDOG_S,
        log=tmp_path / "window.log",
    )
    supervisor.start()
    yield supervisor
    supervisor.stop()


def _ready(pid_not: int = 0):
    return lambda event: event.what == "READY=1" and event.pid not in (0, pid_not)


def test_a_killed_window_comes_back_with_a_new_process(kiosk):
    first = kiosk.wait_for(_ready()).pid
    os.kill(first, signal.SIGKILL)
    kiosk.wait_for(lambda e: e.pid == first and e.what == f"exited {-signal.SIGKILL}")
    second = kiosk.wait_for(_ready(pid_not=first)).pid
    assert second != first
    assert Path(f"/proc/{second}").exists()


def test_a_frozen_window_is_killed_by_the_watchdog_and_comes_back(kiosk):
    first = kiosk.wait_for(_ready()).pid
    kiosk.wait_for(lambda e: e.pid == first and e.what == "WATCHDOG=1")  # it was beating
    os.kill(first, signal.SIGSTOP)  # frozen: its event loop no longer runs
    kiosk.wait_for(lambda e: e.pid == first and e.what == "watchdog")
    second = kiosk.wait_for(_ready(pid_not=first)).pid
    assert second != first
