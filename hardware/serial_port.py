"""Opening a serial port with a message IT staff can act on when it fails.

Every serial device (scanner, scale, customer display, serial printer) is opened here, so a
wrong path, a missing ``dialout`` group or a port held by another program reads the same
everywhere. Settings that a port accepts but does not apply (a pseudo-terminal ignores
parity and data bits) are reported in ``SerialLink.ignored`` instead of failing.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import termios
from dataclasses import dataclass, field

import serial

log = logging.getLogger(__name__)

PARITIES = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
FLOW_CONTROLS = ("none", "rtscts", "xonxoff")


class DeviceError(OSError):
    """A device could not be reached; the message says what to check."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


@dataclass
class SerialLink:
    """An open port and the settings it silently did not apply."""

    port: serial.Serial
    ignored: list[str] = field(default_factory=list)

    def close(self) -> None:
        with contextlib.suppress(OSError, serial.SerialException):
            self.port.close()


def explain(path: str, exc: BaseException, what: str = "device") -> DeviceError:
    """Turn an OS or pyserial failure into a sentence that says what to check."""
    code = getattr(exc, "errno", None)
    if code is None and exc.args and isinstance(exc.args[0], int):
        code = exc.args[0]
    if code == errno.ENOENT:
        why = f"{path} does not exist: check the {what}'s cable and the port name (`booth-pos hw list` shows the ports)"  # fmt: skip
    elif code in (errno.EACCES, errno.EPERM):
        why = f"{path} may not be opened by this user: add the user to the dialout group and log in again, or install the udev rule in docs/hardware.md"  # fmt: skip
    elif code in (errno.EBUSY, errno.EAGAIN):
        why = f"{path} is in use by another program: close it (or stop ModemManager) and try again"  # fmt: skip
    elif code in (errno.EIO, errno.ENXIO, errno.ENODEV):
        why = f"{path} stopped answering: it was unplugged or switched off; check the cable and power"  # fmt: skip
    else:
        why = f"{path} could not be used ({exc}): check the cable, the power and the port name"  # fmt: skip
    return DeviceError(code or 0, f"The {what} at {why}.")


def open_serial(
    path: str,
    baud: int = 9600,
    bytesize: int = 8,
    parity: str = "N",
    stopbits: int = 1,
    flow: str = "none",
    timeout: float = 0.2,
    write_timeout: float = 2.0,
    what: str = "device",
) -> SerialLink:
    """Open ``path`` with the line settings; raise DeviceError with what to check."""
    if parity not in PARITIES:
        raise ValueError(f"Parity must be one of {', '.join(PARITIES)}, not '{parity}'.")
    if flow not in FLOW_CONTROLS:
        raise ValueError(f"Flow control must be one of {', '.join(FLOW_CONTROLS)}, not '{flow}'.")
    try:
        port = serial.Serial(
            path,
            baudrate=baud,
            bytesize=bytesize,
            parity=PARITIES[parity],
            stopbits=stopbits,
            timeout=timeout,
            write_timeout=write_timeout,
            rtscts=flow == "rtscts",
            xonxoff=flow == "xonxoff",
            exclusive=True,
        )
    except (OSError, serial.SerialException, termios.error) as exc:
        raise explain(path, _cause(exc), what) from exc
    link = SerialLink(port)
    link.ignored = _ignored_settings(port, bytesize, parity)
    if link.ignored:
        log.warning("%s accepted but did not apply: %s", path, ", ".join(link.ignored))
    return link


def _cause(exc: BaseException) -> BaseException:
    """pyserial wraps the OSError; the errno is on the original."""
    inner = exc.__context__ or exc.__cause__
    if getattr(exc, "errno", None) is None and isinstance(inner, OSError):
        return inner
    return exc


def _ignored_settings(port: serial.Serial, bytesize: int, parity: str) -> list[str]:
    """Settings the driver dropped: a pseudo-terminal keeps 8N1 whatever it is asked."""
    try:
        cflag = termios.tcgetattr(port.fd)[2]
    except (termios.error, AttributeError, TypeError):
        return []
    ignored = []
    if parity != "N" and not cflag & termios.PARENB:
        ignored.append(f"parity {parity}")
    sizes = {5: termios.CS5, 6: termios.CS6, 7: termios.CS7, 8: termios.CS8}
    if (cflag & termios.CSIZE) != sizes[bytesize]:
        ignored.append(f"{bytesize} data bits")
    return ignored
