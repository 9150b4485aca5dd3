"""The bundled window on the kiosk's two displays: under cage, as booth-pos-kiosk.service
starts it (the unit's own cage command line, Qt's wayland platform, on wlroots' headless
backend: no screen needed), and on an X server (Xvfb standing in for the X11 fallback's
Xorg, Qt's xcb platform). Each time it says READY=1 once shown and then beats, which is
what systemd's watchdog waits for."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from pos.terminal import Terminal
from tests.packaging.deb_build import unit_settings
from tests.packaging.qt_start import fatal_lines, platform_problem
from tests.support.xserver import xvfb

pytestmark = pytest.mark.packaging  # make test-fast leaves the kiosk package out

USER = "nobody"  # cage refuses to run as root


def _need_cage() -> None:
    for command in ("cage", "Xwayland"):
        if shutil.which(command) is None:
            pytest.skip(f"{command} is not installed (apt-get install cage xwayland)")


@pytest.fixture
def scratch():
    """A folder the kiosk's user may use (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="booth-pos-cage-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _give(path: Path, uid: int, gid: int) -> None:
    for item in [path, *path.rglob("*")]:
        os.chown(item, uid, gid, follow_symlinks=False)


def _loads(bundle: Path, platform: str) -> None:
    """Fail at once, naming the missing libraries, when the window's Qt platform cannot load."""
    problem = platform_problem(bundle, platform)
    if problem:
        pytest.fail(f"{problem}. .ci/run installs them (tools/apt-packages)", pytrace=False)


def _still_starting(process: subprocess.Popen, log: Path):
    """A check for _receive: why the window will never beat ('' while it still may)."""

    def check() -> str:
        text = log.read_text(errors="replace") if log.exists() else ""
        lines = fatal_lines(text)
        if lines:
            return "the window cannot start:\n  " + "\n  ".join(lines)
        if process.poll() is not None:
            ended = f"the window's process ended ({process.returncode}) before beating"
            return f"{ended}:\n{text[-3000:]}"
        return ""

    return check


def _receive(sock: socket.socket, messages: list, until, timeout: float, failed=None) -> None:
    deadline = time.monotonic() + timeout
    while not until(messages):
        if failed is not None and (problem := failed()):
            pytest.fail(problem, pytrace=False)
        left = deadline - time.monotonic()
        assert left > 0, f"not received within {timeout} s: {messages}"
        sock.settimeout(min(left, 0.25))
        try:
            data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except TimeoutError:
            continue
        pid = struct.unpack("iII", ancillary[0][2][:12])[0] if ancillary else 0
        messages.append((data.decode(), pid))


def test_the_bundled_window_starts_under_cage_and_beats(bundle, scratch):
    _need_cage()
    _loads(bundle, "wayland")
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", USER, "--"]
        account = pwd.getpwnam(USER)
    home, runtime, cache = scratch / "booth", scratch / "runtime", scratch / "cache"
    Terminal.init(home, "CQ-FJ-001-T1", "奉节县扶贫专柜")[0].close()
    runtime.mkdir(mode=0o700)
    cache.mkdir()
    program = bundle / "booth-pos"
    if as_user:
        _give(scratch, account.pw_uid, account.pw_gid)
        if subprocess.run([*as_user, "test", "-x", str(program)]).returncode != 0:
            shutil.copytree(bundle, scratch / "opt", symlinks=True)  # root's checkout
            program = scratch / "opt" / "booth-pos"

    service = unit_settings()
    command = shlex.split(service["ExecStart"])
    assert command[0] == "/usr/bin/cage" and "/opt/booth-pos/booth-pos" in command
    command = [str(program) if word == "/opt/booth-pos/booth-pos" else word for word in command]
    address = f"booth-pos-cage-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + address)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CACHE_HOME": str(cache),
        "BOOTH_POS_HOME": str(home),
        "QT_QPA_PLATFORM": "wayland",
        "QT_WAYLAND_DISABLE_WINDOWDECORATION": "1",
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "NOTIFY_SOCKET": "@" + address,
        "WATCHDOG_USEC": "3000000",  # a beat a second
    }
    log = scratch / "cage.log"
    with log.open("w") as out:
        kiosk = subprocess.Popen([*as_user, "env", *(f"{k}={v}" for k, v in env.items()), *command],
                                 stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    messages: list[tuple[str, int]] = []
    try:
        _receive(sock, messages, lambda got: sum(m == "WATCHDOG=1" for m, _ in got) >= 2, 60,
                 _still_starting(kiosk, log))  # fmt: skip
        assert kiosk.poll() is None, log.read_text(errors="replace")
    finally:
        kiosk.terminate()
        try:
            kiosk.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            kiosk.wait()
        sock.close()
    # Qt's wayland platform loaded (QT_QPA_PLATFORM=wayland has no fallback), the window showed.
    assert messages[0][0] == "READY=1", messages
    assert len({pid for _, pid in messages}) == 1  # all from the window, cage's child


def test_the_bundled_window_starts_on_x11_and_beats(bundle, tmp_path):
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    _loads(bundle, "xcb")
    home = tmp_path / "booth"
    Terminal.init(home, "CQ-FJ-001-T1", "奉节县扶贫专柜")[0].close()
    address = f"booth-pos-x11-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + address)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "BOOTH_POS_HOME": str(home),
        "NOTIFY_SOCKET": "@" + address,
        "WATCHDOG_USEC": "3000000",
    }
    messages: list[tuple[str, int]] = []
    kiosk = None
    log = tmp_path / "window.log"
    try:
        with xvfb("1280x800") as display, log.open("w") as out:
            kiosk = subprocess.Popen([str(bundle / "booth-pos"), "run", "--kiosk"],
                                     env={**env, "DISPLAY": display},
                                     stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
            _receive(sock, messages, lambda got: sum(m == "WATCHDOG=1" for m, _ in got) >= 2, 60,
                     _still_starting(kiosk, log))  # fmt: skip
            kiosk.kill()
            kiosk.wait()
    finally:
        if kiosk is not None and kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
        sock.close()
    assert messages[0] == ("READY=1", kiosk.pid), messages
    assert {pid for _, pid in messages} == {kiosk.pid}
