"""Scale frames: good weights, every 8217 status bit, garbled frames and their reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.scales import (
    PROTOCOLS,
    FrameError,
    FrameSplitter,
    Reading,
    even_parity,
    parse,
    sellable,
)

# --- Mettler Toledo 8217 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "reading"),
    [
        (b"\x0201.234\r", Reading(1234, stable=True)),
        (b"\x0200.005\r", Reading(5, stable=True)),
        (b"\x0212.000\r", Reading(12000, stable=True)),
        (b"\x02 0.50\r", Reading(500, stable=True)),  # a scale set to 2 decimals
        (b"\x0201.234N\r", Reading(1234, stable=True, net=True)),
        (b"\x0201.234KG\r", Reading(1234, stable=True)),
        (b"\x0201.234", Reading(1234, stable=True)),  # without its CR
        (even_parity(b"\x0201.234\r"), Reading(1234, stable=True)),  # 7E1 read as 8N1
    ],
)
def test_toledo_weight_frames(frame, reading):
    assert parse("toledo8217", frame) == reading


@pytest.mark.parametrize(
    ("status", "reading"),
    [
        (0x41, Reading(0, stable=False)),  # bit 0: in motion
        (0x42, Reading(0, stable=True, overload=True)),  # bit 1: over capacity
        (0x44, Reading(0, stable=True, under_zero=True)),  # bit 2: under zero
        (0x48, Reading(0, stable=True)),  # bit 3: outside zero capture range
        (0x50, Reading(0, stable=True)),  # bit 4: centre of zero
        (0x60, Reading(0, stable=True, net=True)),  # bit 5: net weight
        (0x43, Reading(0, stable=False, overload=True)),
        (0x65, Reading(0, stable=False, under_zero=True, net=True)),
    ],
)
def test_toledo_status_bits(status, reading):
    frame = b"\x02?" + bytes([status]) + b"\r"
    assert parse("toledo8217", frame) == reading
    assert parse("toledo8217", even_parity(frame)) == reading  # with its parity bit


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"\x02?\xff\r", "unknown status byte 0x7F (over capacity and under zero at once)"),
        (b"\x02?\x01\r", "unknown status byte 0x01 (bit 6 is always set)"),
        (b"\x02?AB\r", "a status reply holds exactly one status byte"),
        (b"\x02?\r", "a status reply holds exactly one status byte"),
        (b"01.234\r", "it does not begin with STX (0x02)"),
        (b"\x021234\r", "'1234' is not a weight in kg with a decimal point"),
        (b"\x021.2345\r", "'1.2345' kg has more than 3 decimals"),
        (b"\x02.\r", "'.' is not a weight in kg with a decimal point"),
        (b"\x0201.234LB\r", "the scale weighs in lb; set it to kg"),
        (b"\x02#1.2\r", "'#1.2' is not a weight"),
    ],
)
def test_garbled_toledo_frames_say_why(frame, reason):
    with pytest.raises(FrameError) as caught:
        parse("toledo8217", frame)
    message = str(caught.value)
    assert message.startswith(f"The scale sent a frame that is not a weight ({frame!r}): ")
    assert reason in message
    assert message.endswith(".")


# --- continuous ASCII -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "reading"),
    [
        (b"ST,GS,+  1.234kg\r\n", Reading(1234, stable=True)),
        (b"US,GS,+  1.234kg\r\n", Reading(1234, stable=False)),
        (b"ST,NT,+  0.250kg", Reading(250, stable=True, net=True)),
        (b"ST,NT,-  0.250kg", Reading(-250, stable=True, net=True)),  # net below zero
        (b"ST,GS,-  0.012kg", Reading(-12, stable=True, under_zero=True)),
        (b"OL,GS,+ 31.000kg", Reading(31000, stable=False, overload=True)),
        (b"OL,GS,+ --.---kg", Reading(0, stable=False, overload=True)),
        (b"ST,GS,+    850g", Reading(850, stable=True)),
        (b"ST,GS,+  1.234 KG", Reading(1234, stable=True)),
        (b"ST,GS,   0.000kg", Reading(0, stable=True)),
    ],
)
def test_continuous_frames(frame, reading):
    assert parse("continuous", frame) == reading


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"ST,GS,+  1.234lb", "the scale weighs in lb; set it to kg"),
        (b"ST,GS,+  1.234oz", "the scale weighs in oz; set it to kg"),
        (b"ST,GS,+  1.234t", "unknown unit 't'"),
        (b"ST,GS,+  850.5g", "'850.5' g is not a whole number of grams"),
        (b"ST,GS,+  1.2345kg", "'1.2345' kg has more than 3 decimals"),
        (b"XX,GS,+  1.234kg", "expected a line like 'ST,GS,+  1.234kg'"),
        (b"ST,GS,+ 1.2?4kg", "expected a line like 'ST,GS,+  1.234kg'"),
        (b"ST,GS,+ --.---kg", "'--.---' is not a weight in kg"),
        (b"", "expected a line like"),
    ],
)
def test_garbled_continuous_frames_say_why(frame, reason):
    with pytest.raises(FrameError) as caught:
        parse("continuous", frame)
    assert reason in str(caught.value)
    assert repr(frame) in str(caught.value)


def test_an_unknown_protocol_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="toledo8217, continuous"):
        parse("dibal", b"")


# --- splitting the byte stream ----------------------------------------------------------------


def test_toledo_frames_arrive_in_pieces():
    splitter = FrameSplitter("toledo8217")
    assert splitter.feed(b"\x0201.") == []
    assert splitter.feed(b"234\r\x02?") == [b"\x0201.234\r"]
    assert splitter.feed(b"A\r") == [b"\x02?A\r"]


def test_toledo_junk_before_a_frame_is_reported_and_the_frame_kept():
    splitter = FrameSplitter("toledo8217")
    out = splitter.feed(b"\xff\xfe\x0201.234\r")
    assert isinstance(out[0], FrameError)
    assert "it does not begin with STX" in str(out[0])
    assert out[1:] == [b"\x0201.234\r"]


def test_a_toledo_frame_cut_off_by_the_next_is_reported():
    out = FrameSplitter("toledo8217").feed(b"\x0201.2\x0201.234\r")
    assert "the next frame began before it ended" in str(out[0])
    assert out[1:] == [b"\x0201.234\r"]


def test_over_long_junk_is_dropped_with_a_reason_then_frames_resume():
    splitter = FrameSplitter("toledo8217")
    out = splitter.feed(b"\x02" + b"9" * 100 + b"\r\x0201.234\r")
    assert len(out) == 2
    assert "without an end" in str(out[0])
    assert out[1] == b"\x0201.234\r"


def test_continuous_lines_skip_the_partial_first_line():
    splitter = FrameSplitter("continuous")
    assert splitter.feed(b".234kg\r\nST,GS,+  1.2") == []
    assert splitter.feed(b"34kg\r\nUS,GS,+  1.000kg\r\n") == [
        b"ST,GS,+  1.234kg",
        b"US,GS,+  1.000kg",
    ]


def test_continuous_over_long_line_is_reported_once():
    splitter = FrameSplitter("continuous")
    splitter.feed(b"\n")
    out = splitter.feed(b"x" * 200 + b"\r\nST,GS,+  1.234kg\r\n")
    assert len(out) == 2
    assert "ran past 40 bytes" in str(out[0])
    assert out[1] == b"ST,GS,+  1.234kg"


def test_flush_reports_a_frame_that_stopped_midway():
    splitter = FrameSplitter("toledo8217")
    splitter.feed(b"\x0201.2")
    junk = splitter.flush()
    assert "it stopped before its end" in str(junk)
    assert splitter.flush() is None


def test_parity_bits_are_masked_by_the_splitter():
    assert FrameSplitter("toledo8217").feed(even_parity(b"\x02?A\r")) == [b"\x02?A\r"]


@given(protocol=st.sampled_from(PROTOCOLS), chunks=st.lists(st.binary(max_size=64), max_size=8))
def test_any_bytes_give_frames_or_frame_errors_never_a_crash(protocol, chunks):
    splitter = FrameSplitter(protocol)
    for chunk in chunks:
        for item in splitter.feed(chunk):
            if isinstance(item, FrameError):
                assert str(item).startswith("The scale sent a frame that is not a weight")
                continue
            assert len(item) <= 41
            try:
                assert isinstance(parse(protocol, item), Reading)
            except FrameError as exc:
                assert str(exc).endswith(".")
    leftover = splitter.flush()
    assert leftover is None or isinstance(leftover, FrameError)


@given(grams=st.integers(0, 99_999))
def test_every_toledo_weight_parses_to_its_grams(grams):
    frame = f"\x02{grams // 1000:02d}.{grams % 1000:03d}\r".encode()
    assert parse("toledo8217", even_parity(frame)) == Reading(grams, stable=True)


# --- what may be sold ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "reason"),
    [
        (None, "has not sent a weight"),
        (Reading(1234, stable=True, overload=True), "over capacity"),
        (Reading(-5, stable=True, under_zero=True), "below zero"),
        (Reading(1234, stable=False), "moving"),
        (Reading(0, stable=True), "not above zero"),
        (Reading(-250, stable=True, net=True), "not above zero"),
    ],
)
def test_only_a_stable_positive_weight_is_sellable(reading, reason):
    assert reason in sellable(reading)


def test_a_stable_positive_weight_is_sellable():
    assert sellable(Reading(1234, stable=True)) is None
    assert sellable(Reading(1, stable=True, net=True)) is None
