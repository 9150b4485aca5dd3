"""The kiosk's systemd units: valid for systemd, and what keeps a booth's screen selling."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.deb_build import ROOT, unit_settings

SYSTEMD = ROOT / "packaging" / "systemd"
UNITS = {
    "booth-pos-kiosk.service": "/usr/bin/cage",
    "booth-pos-kiosk-x11.service": "/usr/bin/xinit",
}


@pytest.mark.parametrize(("unit", "command"), UNITS.items())
def test_systemd_analyze_verifies_the_unit(unit, command):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    if not Path(command).exists():
        pytest.skip(f"{command} (the unit's ExecStart) is not installed here")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(SYSTEMD / unit)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


@pytest.mark.parametrize("unit", UNITS)
def test_the_window_is_restarted_when_it_crashes_or_freezes(unit):
    service = unit_settings(SYSTEMD / unit)
    assert service["Type"] == "notify"  # READY=1 once the window shows
    assert service["NotifyAccess"] == "all"  # the window is the compositor's child
    assert service["WatchdogSec"] == "30s"  # WATCHDOG=1 from the Qt event loop
    assert service["Restart"] == "always"
    assert service["User"] == "booth-pos"
    assert service["Environment"]  # BOOTH_POS_HOME among them
    assert service["StandardOutput"] == service["StandardError"] == "journal"
    text = (SYSTEMD / unit).read_text(encoding="utf-8")
    assert "Environment=BOOTH_POS_HOME=/var/lib/booth-pos" in text
    assert "StartLimitIntervalSec=0" in text  # never gives up


def test_the_kiosk_runs_the_window_full_screen_under_cage():
    service = unit_settings(SYSTEMD / "booth-pos-kiosk.service")
    assert service["ExecStart"] == "/usr/bin/cage -d -s -- /opt/booth-pos/booth-pos run --kiosk"
    assert service["PAMName"] == "booth-pos-kiosk" and service["TTYPath"] == "/dev/tty1"


def test_the_x11_fallback_never_blanks_the_screen():
    service = unit_settings(SYSTEMD / "booth-pos-kiosk-x11.service")
    assert "-s 0 -dpms" in service["ExecStart"]
    session = (ROOT / "packaging" / "files" / "x11-session").read_text(encoding="utf-8")
    assert "xset s off s noblank -dpms" in session
    assert "exec /opt/booth-pos/booth-pos run --kiosk" in session


def test_under_x11_only_the_window_says_ready():
    """Xorg sends READY=1 itself when it sees $NOTIFY_SOCKET: its wrapper takes it away."""
    service = unit_settings(SYSTEMD / "booth-pos-kiosk-x11.service")
    assert "-- /usr/lib/booth-pos/x11-server :0" in service["ExecStart"]
    server = (ROOT / "packaging" / "files" / "x11-server").read_text(encoding="utf-8")
    assert 'unset NOTIFY_SOCKET\nexec /usr/bin/Xorg "$@"' in server
