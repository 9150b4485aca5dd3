"""What is plugged in, for `booth-pos hw list`: serial ports, USB printers, /dev/usb/lp devices.

Listing is diagnostics: it never raises. What could not be read is left out or reported in a
note that says what to do, because the person reading it is setting up a booth.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PRINTER_CLASS = 7  # USB interface class for printers
BY_ID = Path("/dev/serial/by-id")
NO_LIBUSB = "USB printers cannot be listed because libusb is missing: install it with `sudo apt install libusb-1.0-0` and run this again."  # fmt: skip
NO_PYUSB = "USB printers cannot be listed because pyusb is not installed: reinstall booth-pos, which installs it with python-escpos."  # fmt: skip
NO_NAMES = "Some USB printer names could not be read because this user may not open USB devices: install the udev rule in docs/hardware.md (the printers are still listed)."  # fmt: skip


def serial_ports() -> list[dict]:
    """Serial ports (not pseudo-terminals): device, description, hwid, vid, pid, by_id."""
    try:
        from serial.tools import list_ports

        found = list_ports.comports()
    except Exception as exc:  # diagnostics must not fail: report nothing rather than crash
        log.warning("Serial ports could not be listed: %s", exc)
        return []
    stable = _by_id_links()
    ports = []
    for port in sorted(found, key=lambda p: p.device):
        if port.device.startswith("/dev/pts/"):
            continue
        ports.append(
            {
                "device": port.device,
                "description": port.description if port.description != "n/a" else "",
                "hwid": port.hwid if port.hwid != "n/a" else "",
                "vid": port.vid,
                "pid": port.pid,
                "by_id": stable.get(os.path.realpath(port.device)),
            }
        )
    return ports


def _by_id_links(directory: Path = BY_ID) -> dict[str, str]:
    """Real device path -> its /dev/serial/by-id name, the path that survives re-plugging."""
    try:
        return {os.path.realpath(link): str(link) for link in sorted(directory.iterdir())}
    except OSError:
        return {}


def usb_printers() -> tuple[list[dict], str]:
    """USB devices with a printer interface, and a note ("" when all went well)."""
    try:
        import usb.core
        import usb.util
    except ImportError:
        return [], NO_PYUSB
    printers, unreadable = [], False
    try:
        for device in usb.core.find(find_all=True):
            if not _is_printer(device):
                continue
            names = {}
            for key, index in (("manufacturer", "iManufacturer"), ("product", "iProduct")):
                names[key], failed = _usb_string(device, getattr(device, index, 0))
                unreadable = unreadable or failed
            printers.append(
                {
                    "vendor_id": device.idVendor,
                    "product_id": device.idProduct,
                    **names,
                    "url": f"usb://{device.idVendor:04x}:{device.idProduct:04x}",
                }
            )
    except usb.core.NoBackendError:
        return [], NO_LIBUSB
    except Exception as exc:  # a USB bus error must not end the listing of everything else
        why = getattr(exc, "strerror", None) or exc
        return printers, f"USB devices could not all be read ({why}): check the USB cables, replug the printer and run this again."  # fmt: skip
    return printers, NO_NAMES if unreadable else ""


def _is_printer(device: Any) -> bool:
    if getattr(device, "bDeviceClass", 0) == PRINTER_CLASS:
        return True
    try:
        return any(
            interface.bInterfaceClass == PRINTER_CLASS
            for configuration in device
            for interface in configuration
        )
    except Exception:  # a descriptor this user may not read: not provably a printer
        return False


def _usb_string(device: Any, index: int) -> tuple[str | None, bool]:
    """A USB string descriptor, and whether reading it failed (usually permissions)."""
    if not index:
        return None, False
    import usb.core
    import usb.util

    try:
        return usb.util.get_string(device, index), False
    except (usb.core.USBError, ValueError, NotImplementedError, OSError):
        return None, True
    finally:
        try:
            usb.util.dispose_resources(device)
        except Exception:
            log.debug("Could not release a USB device after reading its name.")


def lp_devices(directory: str = "/dev/usb") -> list[dict]:
    """Kernel printer devices (usblp): device, url, writable by this user, and a note if not."""
    try:
        paths = sorted(Path(directory).glob("lp[0-9]*"))
    except OSError:
        return []
    devices = []
    for path in paths:
        writable = os.access(path, os.W_OK)
        note = "" if writable else f"{path} may not be written by this user: add the user to the lp group and log in again, or install the udev rule in docs/hardware.md."  # fmt: skip
        devices.append({"device": str(path), "url": f"file://{path}", "writable": writable, "note": note})  # fmt: skip
    return devices
