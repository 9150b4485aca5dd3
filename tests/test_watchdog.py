"""The cashier's window tells systemd it is ready and alive (pos/watchdog.py), and only then."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from pos import watchdog


class NotifyReceiver:
    """A service manager's notify socket: collects what is sent to it."""

    def __init__(self, address: str):
        self.address = address  # "@name" (abstract) or a path, as in $NOTIFY_SOCKET
        bind_to = "\0" + address[1:] if address.startswith("@") else address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(bind_to)
        self.messages: list[str] = []

    def wait_for(self, predicate, timeout: float = 30.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while not predicate(self.messages):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not received in {timeout} s; got {self.messages}")
            self.sock.settimeout(left)
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
        return self.messages

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def receiver(monkeypatch):
    address = f"@booth-pos-test-{uuid.uuid4().hex}"
    got = NotifyReceiver(address)
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    yield got
    got.close()


def test_notify_reaches_an_abstract_socket(receiver):
    assert watchdog.enabled()
    assert watchdog.notify("READY=1")
    assert receiver.wait_for(lambda got: got) == ["READY=1"]


def test_notify_reaches_a_socket_file(monkeypatch, tmp_path):
    path = Path(os.path.realpath("/tmp")) / f"booth-pos-{uuid.uuid4().hex[:8]}.sock"
    got = NotifyReceiver(str(path))
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        assert watchdog.notify("WATCHDOG=1")
        assert got.wait_for(lambda messages: messages) == ["WATCHDOG=1"]
    finally:
        got.close()
        path.unlink()


def test_nothing_is_sent_without_a_service_manager(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not watchdog.enabled()
    assert watchdog.notify("READY=1") is False


def test_a_vanished_service_manager_does_not_stop_the_terminal(monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", f"@booth-pos-nobody-{uuid.uuid4().hex}")
    assert watchdog.notify("WATCHDOG=1") is False


@pytest.mark.parametrize(
    ("usec", "interval"),
    [("30000000", 10_000), ("300000", 100), ("1000", 100), ("", 10_000), ("x", 10_000)],
)
def test_heartbeats_come_three_times_per_watchdog_period(monkeypatch, usec, interval):
    monkeypatch.setenv("WATCHDOG_USEC", usec)
    assert watchdog.interval_ms() == interval


def test_the_window_says_ready_once_shown_then_beats_from_its_event_loop(
    receiver, terminal, home, tmp_path
):
    terminal.close()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "NOTIFY_SOCKET": receiver.address,
        "WATCHDOG_USEC": "300000",  # a beat every 100 ms
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "pos.cli", "--home", str(home), "run", "--kiosk"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        got = receiver.wait_for(lambda messages: messages.count("WATCHDOG=1") >= 3)
    finally:
        app.kill()
        app.wait()
    assert got[0] == "READY=1"
    assert set(got) == {"READY=1", "WATCHDOG=1"}
