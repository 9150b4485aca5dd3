"""ScaleReader against a simulated scale on a real pseudo-terminal: no mocks, no sleeps."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from hardware.scale_reader import ScaleReader, read_once
from hardware.scales import FrameError, Reading
from hardware.serial_port import DeviceError
from hardware.sim_scale import ScaleSimulator

WAIT_S = 5.0  # generous: a slow CI box still passes, a broken reader still fails


class Heard:
    """What the reader's callbacks reported, with a way to wait for something in it."""

    def __init__(self):
        self.readings: list[Reading] = []
        self.faults: list[str] = []
        self.changed = threading.Condition()

    def reading(self, reading: Reading) -> None:
        with self.changed:
            self.readings.append(reading)
            self.changed.notify_all()

    def fault(self, text: str) -> None:
        with self.changed:
            self.faults.append(text)
            self.changed.notify_all()

    def reading_after(self, start: int, match) -> Reading:
        """The first reading from index ``start`` on that matches; fail after WAIT_S."""
        found: list[Reading] = []

        def seen() -> bool:
            found[:] = [r for r in self.readings[start:] if match(r)]
            return bool(found)

        with self.changed:
            assert self.changed.wait_for(seen, WAIT_S), f"no such reading in {self.readings[-5:]}"
        return found[0]

    def fault_after(self, start: int, words: str) -> str:
        found: list[str] = []

        def seen() -> bool:
            found[:] = [f for f in self.faults[start:] if words in f]
            return bool(found)

        with self.changed:
            assert self.changed.wait_for(seen, WAIT_S), f"no {words!r} fault in {self.faults}"
        return found[0]


@pytest.fixture(params=["toledo8217", "continuous"])
def protocol(request) -> str:
    return request.param


@pytest.fixture
def sim(protocol):
    simulator = ScaleSimulator(protocol, interval_s=0.05, weight_g=1234)
    yield simulator
    simulator.close()


@pytest.fixture
def heard() -> Heard:
    return Heard()


def start_reader(path: str, protocol: str, heard: Heard, **options) -> ScaleReader:
    options = {"poll_s": 0.05, "reconnect_s": 0.1, "answer_timeout_s": 0.5, **options}
    reader = ScaleReader(path, protocol, on_reading=heard.reading, on_fault=heard.fault, **options)
    reader.start()
    return reader


@pytest.fixture
def reader(sim, heard):
    scale = start_reader(sim.path, sim.protocol, heard)
    yield scale
    scale.stop()


def stable(grams: int, net: bool = False):
    return lambda r: r == Reading(grams, stable=True, net=net)


def test_a_stable_weight_arrives(sim, reader, heard):
    assert heard.reading_after(0, stable(1234))
    assert heard.faults == []


def test_moving_then_stable(sim, reader, heard):
    heard.reading_after(0, stable(1234))
    sim.stable = False
    moving = heard.reading_after(0, lambda r: not r.stable)
    assert not moving.overload and not moving.under_zero
    start = len(heard.readings)
    sim.weight_g, sim.stable = 2500, True
    heard.reading_after(start, stable(2500))


def test_overload_is_reported(sim, reader, heard):
    heard.reading_after(0, stable(1234))
    sim.overload = True
    assert heard.reading_after(0, lambda r: r.overload)


def test_below_zero_is_reported(sim, reader, heard):
    heard.reading_after(0, stable(1234))
    sim.weight_g = 0
    sim.under_zero = True
    assert heard.reading_after(0, lambda r: r.under_zero)


def test_a_garbage_frame_is_a_fault_with_its_reason_and_reading_goes_on(sim, reader, heard):
    heard.reading_after(0, stable(1234))
    sim.garbage = b"\x02?\xff\r" if sim.protocol == "toledo8217" else b"ST,GS,+ 1.2?4kg\r\n"
    fault = heard.fault_after(0, "The scale sent a frame that is not a weight")
    assert "check that the scale is set to" in fault
    start = len(heard.readings)
    sim.weight_g = 777
    heard.reading_after(start, stable(777))


def test_junk_without_an_end_is_a_fault_then_reading_goes_on(sim, reader, heard):
    heard.reading_after(0, stable(1234))
    sim.garbage = b"\xff" * 60
    heard.fault_after(0, "without an end")
    start = len(heard.readings)
    heard.reading_after(start, stable(1234))


def test_unplugged_then_plugged_back_in(sim, heard, tmp_path: Path):
    port = tmp_path / "scale"
    port.symlink_to(sim.path)
    reader = start_reader(str(port), sim.protocol, heard)
    try:
        heard.reading_after(0, stable(1234))
        sim.close()
        fault = heard.fault_after(0, "stopped answering")
        assert fault.startswith(f"The scale at {port} stopped answering")
        assert "check the cable and power" in fault
        start = len(heard.readings)
        replugged = ScaleSimulator(sim.protocol, interval_s=0.05, weight_g=2500)
        try:
            fresh_link = tmp_path / "scale.new"
            fresh_link.symlink_to(replugged.path)
            os.replace(fresh_link, port)  # the udev symlink now points at the new device
            heard.reading_after(start, stable(2500))
        finally:
            replugged.close()
    finally:
        reader.stop()


def test_a_scale_that_is_not_there_says_what_to_check(protocol, heard, tmp_path: Path):
    reader = start_reader(str(tmp_path / "ttyUSB9"), protocol, heard)
    try:
        fault = heard.fault_after(0, "does not exist")
        assert "check the scale's cable and the port name" in fault
    finally:
        reader.stop()


def test_a_silent_toledo_scale_did_not_answer(heard):
    sim = ScaleSimulator("toledo8217", weight_g=1234)
    sim.silent = True
    reader = start_reader(sim.path, "toledo8217", heard)
    try:
        fault = heard.fault_after(0, "did not answer")
        assert fault.startswith(f"The scale at {sim.path} did not answer: check")
        assert "Mettler Toledo 8217 at 9600 baud" in fault
        sim.silent = False
        heard.reading_after(0, stable(1234))
    finally:
        reader.stop()
        sim.close()


def test_a_silent_continuous_scale_is_a_fault(heard):
    sim = ScaleSimulator("continuous", interval_s=0.05, weight_g=1234)
    sim.silent = True
    reader = start_reader(sim.path, "continuous", heard)
    try:
        assert "sent nothing for" in heard.fault_after(0, f"The scale at {sim.path}")
    finally:
        reader.stop()
        sim.close()


def test_the_same_fault_is_reported_once(heard):
    sim = ScaleSimulator("toledo8217")
    sim.silent = True
    reader = start_reader(sim.path, "toledo8217", heard, answer_timeout_s=0.1)
    try:
        heard.fault_after(0, "did not answer")
        with heard.changed:  # several more unanswered requests go by in this half second
            assert not heard.changed.wait_for(lambda: len(heard.faults) > 1, 0.5)
        sim.silent = False  # a reading in between makes the next fault news again
        heard.reading_after(0, stable(0))
        sim.silent = True
        with heard.changed:
            assert heard.changed.wait_for(lambda: len(heard.faults) == 2, WAIT_S)
        assert heard.faults[0] == heard.faults[1]
    finally:
        reader.stop()
        sim.close()


def test_zero(sim, reader, heard):
    sim.weight_g = 150  # an empty tray the scale drifted to
    heard.reading_after(0, stable(150))
    assert reader.zero() is None
    start = len(heard.readings)
    heard.reading_after(start, stable(0))
    if sim.protocol == "toledo8217":
        assert b"Z" in sim.received  # the scale zeroed itself
    sim.weight_g = 1150
    heard.reading_after(start, stable(1000))


def test_zero_while_moving_is_refused_on_a_continuous_scale(heard):
    sim = ScaleSimulator("continuous", interval_s=0.05, weight_g=150)
    reader = start_reader(sim.path, "continuous", heard)
    try:
        sim.stable = False
        heard.reading_after(0, lambda r: not r.stable)
        assert "wait for it to settle" in reader.zero()
    finally:
        reader.stop()
        sim.close()


def test_tare_subtracts_the_container_and_clear_tare_restores_gross(sim, reader, heard):
    sim.weight_g = 200  # the bag
    heard.reading_after(0, stable(200))
    assert reader.tare() is None
    assert reader.tare_g == 200
    start = len(heard.readings)
    heard.reading_after(start, stable(0, net=True))
    sim.weight_g = 1434
    heard.reading_after(start, stable(1234, net=True))
    reader.clear_tare()
    assert reader.tare_g is None
    heard.reading_after(len(heard.readings), stable(1434))


def test_tare_is_refused_while_moving_or_empty(sim, reader, heard):
    sim.weight_g = 0
    heard.reading_after(0, stable(0))
    assert "nothing on the scale" in reader.tare()
    sim.weight_g, sim.stable = 300, False
    heard.reading_after(0, lambda r: not r.stable)
    assert "wait for it to settle" in reader.tare()
    assert reader.tare_g is None


def test_stop_is_quick(sim, heard):
    reader = start_reader(sim.path, sim.protocol, heard, poll_s=5.0)
    heard.reading_after(0, stable(1234))
    began = time.monotonic()
    reader.stop()
    assert time.monotonic() - began < 1.0


def test_a_failing_callback_does_not_stop_the_reader(sim):
    heard = Heard()
    calls = []

    def explode(reading):
        calls.append(reading)
        if len(calls) == 1:
            raise RuntimeError("the screen went away")
        heard.reading(reading)

    reader = ScaleReader(sim.path, sim.protocol, on_reading=explode, poll_s=0.05)
    reader.start()
    try:
        heard.reading_after(0, stable(1234))
    finally:
        reader.stop()


# --- read_once --------------------------------------------------------------------------------


def test_read_once_gives_the_weight(sim):
    assert read_once(sim.path, sim.protocol) == Reading(1234, stable=True)


def test_read_once_times_out_with_what_to_check(protocol):
    sim = ScaleSimulator(protocol)
    sim.silent = True
    try:
        with pytest.raises(TimeoutError, match="sent no weight within 0.3 s: check"):
            read_once(sim.path, protocol, timeout=0.3)
    finally:
        sim.close()


def test_read_once_refuses_a_scale_set_to_pounds(sim):
    sim.unit = "lb"
    with pytest.raises(FrameError, match="weighs in lb; set it to kg"):
        read_once(sim.path, sim.protocol)


def test_read_once_refuses_a_garbled_toledo_reply():
    sim = ScaleSimulator("toledo8217")
    sim.garbage = b"\x02?\xff\r"
    try:
        with pytest.raises(FrameError, match="unknown status byte 0x7F"):
            read_once(sim.path, "toledo8217")
    finally:
        sim.close()


def test_read_once_on_a_missing_port(tmp_path: Path):
    with pytest.raises(DeviceError, match="does not exist: check"):
        read_once(str(tmp_path / "ttyUSB9"), "toledo8217")


# --- the simulator's typed commands -----------------------------------------------------------


def test_typed_lines_change_the_simulated_scale():
    sim = ScaleSimulator("continuous")
    try:
        assert sim.apply_line("1.234") == "The scale shows 01.234 kg and is stable."
        assert sim.weight_g == 1234
        assert sim.apply_line("850g") == "The scale shows 00.850 kg and is stable."
        assert "moving" in sim.apply_line("moving")
        assert "over capacity" in sim.apply_line("over")
        assert "garbage" in sim.apply_line("garbage") and sim.garbage is not None
        assert "is not understood" in sim.apply_line("heavy")
    finally:
        sim.close()


def test_run_from_lines_stops_at_quit(capsys):
    sim = ScaleSimulator("toledo8217")
    try:
        sim.run_from_lines(["2.5\n", "quit\n", "3\n"], sys.stdout)
        assert sim.weight_g == 2500
        assert "The scale shows 02.500 kg and is stable." in capsys.readouterr().out
    finally:
        sim.close()
