"""The real `booth-pos run` on a real X server (Xvfb, no window manager, like the kiosk's X11
fallback), driven with XTest key events from xdotool as a cashier's keyboard and a
keyboard-wedge scanner would type. Every test here is marked ``x11``: `make test` runs them,
`make test-fast` leaves them out; without Xvfb or xdotool they skip and say what to install
(.ci/run installs both, see tools/apt-packages)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pos.demo import CASHIER, CASHIER_PIN
from tests.support.xserver import xvfb

ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("BOOTH_POS_X11_SHOTS", "")  # a folder: the tests leave screenshots there


def need_x_tools() -> None:
    for tool, package in (("Xvfb", "xvfb"), ("xdotool", "xdotool")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install {package}; .ci/run does)")


def wait_for(what, check: Callable[[], object], timeout_s: float = 10.0, process=None):
    """Poll ``check`` until it returns something true; fail naming ``what`` at the deadline
    (or at once when the window's process ended)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the window ended ({process.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what() if callable(what) else what}: not within {timeout_s} s")
        time.sleep(0.02)  # polling a condition with a deadline, not waiting blindly


class Till:
    """One `booth-pos run` window on one X display, and the keys sent to it."""

    def __init__(self, display: str, home: Path, process: subprocess.Popen, log: Path):
        self.display = display
        self.home = home
        self.process = process
        self.log = log
        self.presses = 0  # keys a cashier pressed (a scan counts as one trigger press)
        self.window = ""

    # --- X ---------------------------------------------------------------------------------

    def xdo(self, *args: str, timeout_s: float = 15) -> str:
        env = {**os.environ, "DISPLAY": self.display}
        done = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                              timeout=timeout_s)  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def find_window(self) -> str:
        def visible() -> str:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid)],
                env={**os.environ, "DISPLAY": self.display}, capture_output=True, text=True,
            )  # fmt: skip
            ids = found.stdout.split()
            return ids[0] if ids else ""

        self.window = wait_for("the window showing", visible, 30, self.process)
        return self.window

    def windows(self) -> list[str]:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid)],
            env={**os.environ, "DISPLAY": self.display}, capture_output=True, text=True,
        )  # fmt: skip
        return found.stdout.split()

    def geometry(self, window: str | None = None) -> tuple[int, int, int, int]:
        """x, y, width, height of a window on the screen (xwininfo)."""
        env = {**os.environ, "DISPLAY": self.display}
        info = subprocess.run(["xwininfo", "-id", window or self.window], env=env,
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        values = {}
        for line in info.splitlines():
            key, _, value = line.strip().partition(":")
            values[key] = value.strip()
        return (int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"]),
                int(values["Width"]), int(values["Height"]))  # fmt: skip

    def screen(self) -> tuple[int, int]:
        width, height = self.xdo("getdisplaygeometry").split()
        return int(width), int(height)

    def focused(self) -> str:
        return self.xdo("getwindowfocus").strip()

    # --- a cashier's hands ------------------------------------------------------------------

    def key(self, *keys: str) -> None:
        """Keys pressed one after another on the keyboard (XTest: to whatever has X focus)."""
        self.presses += len(keys)
        self.xdo("key", "--delay", "60", *keys)

    def type(self, text: str, delay_ms: int = 90) -> None:
        """A person typing (each character a press)."""
        self.presses += len(text)
        self.xdo("type", "--delay", str(delay_ms), text)

    def scan(self, code: str) -> None:
        """A keyboard-wedge scanner: the code and Enter a few ms apart; one trigger press."""
        assert code.isalnum() and code.isascii(), code
        self.presses += 1
        self.xdo("key", "--delay", "4", *code, "Return")  # keysyms "0".."9", "a".. are the keys

    def screenshot(self, name: str, folder: Path | None = None) -> Path | None:
        """The whole screen as ``name``.png in ``folder``, else in $BOOTH_POS_X11_SHOTS (if set)."""
        if folder is None and not SHOTS:
            return None
        out = (folder or Path(SHOTS)) / f"{name}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        grab = "from PySide6.QtGui import QGuiApplication as A; import sys; a = A([]); " \
               "a.primaryScreen().grabWindow(0).save(sys.argv[1])"  # fmt: skip
        subprocess.run([sys.executable, "-c", grab, str(out)], check=True, timeout=30,
                       env={**os.environ, "DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"})  # fmt: skip
        return out

    def grab(self) -> bytes:
        """The whole screen as PNG bytes (to see that it changed)."""
        with tempfile.TemporaryDirectory() as folder:
            return self.screenshot("now", Path(folder)).read_bytes()

    def press_and_see_it_change(self, *keys: str, timeout_s: float = 30) -> None:
        """Press keys, then wait until the screen no longer shows what it showed before, as
        a cashier waits for the next screen before scanning."""
        before = self.grab()
        self.key(*keys)
        wait_for("the screen changing after " + " ".join(keys), lambda: self.grab() != before,
                 timeout_s, self.process)  # fmt: skip

    # --- what the booth recorded ------------------------------------------------------------

    def entries(self, kind: str = "sale") -> list[dict]:
        conn = sqlite3.connect(f"file:{self.home / 'booth.db'}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("SELECT line FROM journal WHERE type = ? ORDER BY seq", (kind,))
            return [json.loads(line) for (line,) in rows]
        finally:
            conn.close()

    def wait_sales(self, count: int, timeout_s: float = 10) -> list[dict]:
        return wait_for(f"{count} sale(s) in the journal",
                        lambda: (s := self.entries()) and len(s) >= count and s, timeout_s,
                        self.process)  # fmt: skip

    def login(self) -> None:
        """Log in by keyboard alone: the name field has the keyboard when the screen opens.
        xdotool types a Chinese character by remapping a spare key, and the first remap can
        reach the window late (a lost character): type the name, select it all, type it
        again."""
        self.type(CASHIER, 60)
        self.key("ctrl+a")
        self.type(CASHIER, 60)
        self.key("Return")
        self.type(CASHIER_PIN, 60)
        self.key("Return")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo booth (`booth-pos demo`, as `make run` makes it): catalog, 李娜 and 王强, a
    shift open with its float, three demo sales. Made once; each test copies it."""
    need_x_tools()
    home = tmp_path_factory.mktemp("x11-demo") / "booth"
    subprocess.run([sys.executable, "-m", "pos.cli", "--home", str(home), "demo", "--no-repeat"],
                   check=True, capture_output=True, cwd=ROOT)  # fmt: skip
    return home


@pytest.fixture
def demo_home(demo_template, tmp_path) -> Path:
    home = tmp_path / "booth"
    shutil.copytree(demo_template, home)
    return home


@contextmanager
def till(home: Path, size: str, language: str = "zh_CN", kiosk: bool = True) -> Iterator[Till]:
    """Xvfb at ``size``, the real `booth-pos run` on it (xcb), until the block ends."""
    need_x_tools()
    log = home.parent / f"window-{size}-{language}.log"
    with xvfb(size) as display, log.open("w") as out:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("WAYLAND_DISPLAY", None)
        command = [sys.executable, "-m", "pos.cli", "--home", str(home), "run",
                   "--language", language, *(["--kiosk"] if kiosk else [])]  # fmt: skip
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=ROOT)  # fmt: skip
        session = Till(display, home, process, log)
        try:
            session.find_window()
            yield session
        except BaseException:
            print(log.read_text(errors="replace")[-3000:])
            session.screenshot(f"failed-{size}-{language}")
            raise
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
