"""Reading a serial scale in a worker thread: readings and faults go to callbacks.

The reader never stops on a bad frame or an unplugged cable: it reports the fault, keeps
going, and reopens the port every ``reconnect_s`` until the scale is back. Zero and tare
that the protocol cannot do on the scale are done here in software.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import serial

from hardware.scales import (
    LINE_SETTINGS,
    PROTOCOL_NAMES,
    REQUEST_WEIGHT,
    REQUEST_ZERO,
    FrameError,
    FrameSplitter,
    Reading,
    check_protocol,
    even_parity,
    parse,
)
from hardware.serial_port import DeviceError, SerialLink, explain, open_serial

log = logging.getLogger(__name__)

READ_SLICE_S = 0.05  # a read returns this often, so stop() is quick


class ScaleReader:
    """A scale on ``path`` speaking ``protocol``; callbacks run on the worker thread."""

    def __init__(
        self,
        path: str,
        protocol: str,
        baud: int = 9600,
        on_reading: Callable[[Reading], None] | None = None,
        on_fault: Callable[[str], None] | None = None,
        poll_s: float = 0.2,
        reconnect_s: float = 1.0,
        answer_timeout_s: float = 1.0,
    ):
        self.path = path
        self.protocol = check_protocol(protocol)
        self.baud = baud
        self.on_reading = on_reading or (lambda reading: None)
        self.on_fault = on_fault or (lambda text: None)
        self.poll_s = poll_s
        self.reconnect_s = reconnect_s
        self.answer_timeout_s = answer_timeout_s
        self.last: Reading | None = None  # as reported, after software zero and tare
        self.tare_g: int | None = None  # software tare, None when there is none
        self._zero_offset_g = 0  # software zero (continuous scales)
        self._last_gross: Reading | None = None
        self._lock = threading.Lock()
        self._zero_requested = False
        self._last_fault: str | None = None
        self._ignored_logged = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- control (any thread) -----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scale {self.path}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop reading and close the port; returns within about a second."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def zero(self) -> str | None:
        """Zero the scale (and drop any tare); return why it cannot, or None."""
        with self._lock:
            if self.protocol == "toledo8217":
                self._zero_requested = True  # the worker sends Z between requests
            else:
                gross = self._last_gross
                if gross is None or not gross.stable or gross.overload:
                    return "Zero needs a steady scale: wait for it to settle, then press Zero."
                self._zero_offset_g += gross.weight_g
            self.tare_g = None
            return None

    def tare(self) -> str | None:
        """Subtract the last stable gross weight from what follows; return why not, or None."""
        with self._lock:
            gross = self._last_gross
            if gross is None or not gross.stable or gross.overload or gross.under_zero:
                return "Tare needs a steady weight: wait for it to settle, then press Tare."
            if gross.weight_g <= 0:
                return "There is nothing on the scale to tare: put the container on first."
            self.tare_g = gross.weight_g
            return None

    def clear_tare(self) -> None:
        with self._lock:
            self.tare_g = None

    # --- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            link = self._connect()
            if link is not None:
                failure = self._read_from(link)
                if failure is None:
                    return  # stopped
                self._fault(str(failure))
            self._stop.wait(self.reconnect_s)

    def _read_from(self, link: SerialLink) -> DeviceError | None:
        """Read until stopped (None) or until the port fails (why, e.g. unplugged)."""
        try:
            if self.protocol == "toledo8217":
                self._poll(link)
            else:
                self._listen(link)
            return None
        except (OSError, serial.SerialException) as exc:
            return explain(self.path, _cause(exc), "scale")
        finally:
            link.close()

    def _connect(self) -> SerialLink | None:
        try:
            link = open_scale(self.path, self.protocol, self.baud)
        except DeviceError as exc:
            self._fault(str(exc))
            return None
        if link.ignored and not self._ignored_logged:
            log.info(
                "The scale port %s does not apply %s (a pseudo-terminal?): bit 7 is masked off.",
                self.path,
                ", ".join(link.ignored),
            )
            self._ignored_logged = True
        return link

    def _poll(self, link: SerialLink) -> None:
        """8217: ask for the weight every ``poll_s`` and wait for the answer."""
        splitter = FrameSplitter(self.protocol)
        while not self._stop.is_set():
            with self._lock:
                zero, self._zero_requested = self._zero_requested, False
            if zero:
                link.port.write(even_parity(REQUEST_ZERO))
            link.port.write(even_parity(REQUEST_WEIGHT))
            if not self._await_frames(link, splitter, self.answer_timeout_s):
                self._fault(
                    f"The scale at {self.path} did not answer: check that it is switched on, "
                    f"its cable, and that it is set to {PROTOCOL_NAMES[self.protocol]} "
                    f"at {self.baud} baud."
                )
            self._stop.wait(self.poll_s)

    def _listen(self, link: SerialLink) -> None:
        """Continuous: take frames as they come; silence for too long is a fault."""
        splitter = FrameSplitter(self.protocol)
        silence_s = max(self.answer_timeout_s, 5 * self.poll_s)
        while not self._stop.is_set():
            if not self._await_frames(link, splitter, silence_s):
                self._fault(
                    f"The scale at {self.path} sent nothing for {silence_s:g} s: check that it "
                    f"is switched on, its cable, and that it sends continuously at {self.baud} baud."
                )

    def _await_frames(self, link: SerialLink, splitter: FrameSplitter, timeout_s: float) -> bool:
        """Read until at least one frame (good or bad) is handled; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while not self._stop.is_set():
            data = link.port.read(max(1, link.port.in_waiting))
            items = splitter.feed(data) if data else []
            for item in items:
                self._handle(item)
            if items:
                return True
            if time.monotonic() >= deadline:
                junk = splitter.flush()
                if junk is not None:
                    self._fault(str(junk))
                    return True
                return False
        return True

    def _handle(self, item: bytes | FrameError) -> None:
        if isinstance(item, FrameError):
            self._fault(str(item))
            return
        try:
            reading = parse(self.protocol, item)
        except FrameError as exc:
            self._fault(str(exc))
            return
        self._deliver(reading)

    def _deliver(self, raw: Reading) -> None:
        with self._lock:
            reading = self._adjust(raw)
            self.last = reading
        self._last_fault = None
        _call(self.on_reading, reading)

    def _adjust(self, raw: Reading) -> Reading:
        """Apply software zero and tare; remember the gross weight for the next tare."""
        gross = raw
        if self._zero_offset_g and not raw.net and not raw.overload:
            weight = raw.weight_g - self._zero_offset_g
            gross = replace(raw, weight_g=weight, under_zero=weight < 0)
        self._last_gross = gross
        if self.tare_g is None:
            return gross
        return replace(gross, weight_g=gross.weight_g - self.tare_g, net=True)

    def _fault(self, text: str) -> None:
        """Report a fault once, until a good reading or a different fault comes."""
        if text == self._last_fault:
            return
        self._last_fault = text
        log.warning("%s", text)
        _call(self.on_fault, text)


def _call(callback: Callable, argument) -> None:
    """A failing callback is logged, never the end of the reader."""
    try:
        callback(argument)
    except Exception:
        log.exception("A scale callback failed")


def _cause(exc: BaseException) -> BaseException:
    """The OSError with the errno; a port that fails once open was unplugged (EIO)."""
    inner = exc.__context__ or exc.__cause__
    if getattr(exc, "errno", None) is not None:
        return exc
    if isinstance(inner, OSError) and inner.errno is not None:
        return inner
    # pyserial: "device reports readiness to read but returned no data"
    return OSError(errno.EIO, str(exc))


def open_scale(path: str, protocol: str, baud: int = 9600) -> SerialLink:
    """Open a scale's port with its protocol's line settings; raise DeviceError.

    Some pseudo-terminals refuse 7E1 outright instead of ignoring it; 8N1 then carries the
    same bits (commands are sent with their parity bit, replies are masked to 7 bits).
    """
    bytesize, parity, stopbits = LINE_SETTINGS[check_protocol(protocol)]
    try:
        link = open_serial(
            path, baud, bytesize, parity, stopbits, timeout=READ_SLICE_S, what="scale"
        )
    except DeviceError as exc:  # open_serial's sentence for the OS's refusal
        if bytesize == 8 or exc.errno != errno.EINVAL:
            raise
        link = open_serial(path, baud, timeout=READ_SLICE_S, what="scale")
        link.ignored = [f"parity {parity}", f"{bytesize} data bits"]
    with contextlib.suppress(OSError, serial.SerialException):
        link.port.reset_input_buffer()  # a reply from before is not today's weight
    return link


# --- the command line's one-shot read ---------------------------------------------------------


def read_once(path: str, protocol: str, baud: int = 9600, timeout: float = 3.0) -> Reading:
    """The scale's current reading; raise DeviceError, FrameError or TimeoutError."""
    link = open_scale(path, protocol, baud)
    splitter = FrameSplitter(protocol)
    deadline = time.monotonic() + timeout
    next_request = 0.0
    try:
        while time.monotonic() < deadline:
            if protocol == "toledo8217" and time.monotonic() >= next_request:
                link.port.write(even_parity(REQUEST_WEIGHT))
                next_request = time.monotonic() + 0.5
            data = link.port.read(max(1, link.port.in_waiting))
            for item in splitter.feed(data) if data else []:
                if isinstance(item, FrameError):
                    raise item
                return parse(protocol, item)
    except (OSError, serial.SerialException) as exc:
        if isinstance(exc, DeviceError):
            raise
        raise explain(path, _cause(exc), "scale") from exc
    finally:
        link.close()
    junk = splitter.flush()
    if junk is not None:
        raise junk
    raise TimeoutError(
        f"The scale at {path} sent no weight within {timeout:g} s: check that it is switched on, "
        f"its cable, and that it is set to {PROTOCOL_NAMES[protocol]} at {baud} baud."
    )
