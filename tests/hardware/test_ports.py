"""Device listing for `booth-pos hw list`: well-formed entries, never an exception."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
import usb.core
import usb.util
from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

from hardware import ports

SERIAL_KEYS = {"device", "description", "hwid", "vid", "pid", "by_id"}
PRINTER_KEYS = {"vendor_id", "product_id", "manufacturer", "product", "url"}


def check_serial_entry(entry: dict) -> None:
    assert set(entry) == SERIAL_KEYS
    assert entry["device"].startswith("/dev/") and not entry["device"].startswith("/dev/pts/")
    assert isinstance(entry["description"], str) and isinstance(entry["hwid"], str)
    for key in ("vid", "pid"):
        assert entry[key] is None or 0 <= entry[key] <= 0xFFFF
    assert entry["by_id"] is None or entry["by_id"].startswith("/dev/serial/by-id/")


def test_real_serial_ports_are_well_formed_and_exclude_ptys():
    master, slave = os.openpty()
    try:
        listed = ports.serial_ports()
        for entry in listed:
            check_serial_entry(entry)
        assert os.ttyname(slave) not in {entry["device"] for entry in listed}
    finally:
        os.close(master)
        os.close(slave)


def fake_port(device: str, vid: int | None = None, pid: int | None = None) -> ListPortInfo:
    port = ListPortInfo(device, skip_link_detection=True)
    port.vid, port.pid = vid, pid
    if vid is not None:
        port.description = "USB-Serial Controller"
        port.hwid = f"USB VID:PID={vid:04X}:{pid:04X}"
    return port


def test_serial_ports_keep_usb_ids_and_drop_ptys(monkeypatch):
    found = [
        fake_port("/dev/ttyUSB0", 0x067B, 0x2303),
        fake_port("/dev/pts/3"),
        fake_port("/dev/ttyS0"),
    ]
    monkeypatch.setattr(list_ports, "comports", lambda: found)
    listed = ports.serial_ports()
    assert [entry["device"] for entry in listed] == ["/dev/ttyS0", "/dev/ttyUSB0"]
    for entry in listed:
        check_serial_entry(entry)
    usb_port = listed[1]
    assert (usb_port["vid"], usb_port["pid"]) == (0x067B, 0x2303)
    assert usb_port["description"] == "USB-Serial Controller"
    assert listed[0]["description"] == "" and listed[0]["hwid"] == ""


def test_serial_port_listing_failure_returns_nothing(monkeypatch):
    def broken():
        raise OSError("sysfs is not mounted")

    monkeypatch.setattr(list_ports, "comports", broken)
    assert ports.serial_ports() == []


def test_real_usb_printers_never_raise():
    printers, note = ports.usb_printers()
    assert isinstance(note, str)
    for printer in printers:
        assert set(printer) == PRINTER_KEYS
        assert printer["url"] == f"usb://{printer['vendor_id']:04x}:{printer['product_id']:04x}"


def test_missing_libusb_says_what_to_install(monkeypatch):
    def no_backend(**kwargs):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    printers, note = ports.usb_printers()
    assert printers == []
    assert "libusb-1.0-0" in note and note.endswith(".")


@pytest.fixture
def usb_bus(monkeypatch):
    devices = []

    def find(find_all=False, **kwargs):
        return iter(devices)

    monkeypatch.setattr(usb.core, "find", find)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda device: None)
    return devices


class FakeDevice:
    def __init__(self, vendor: int, product: int, *classes: int, device_class: int = 0):
        self.idVendor, self.idProduct, self.bDeviceClass = vendor, product, device_class
        self.iManufacturer, self.iProduct = 1, 2
        self._configuration = [SimpleNamespace(bInterfaceClass=c) for c in classes]

    def __iter__(self):
        return iter([self._configuration])


def test_only_devices_with_a_printer_interface_are_listed(usb_bus, monkeypatch):
    usb_bus.extend(
        [
            FakeDevice(0x046D, 0xC077, 3),  # a mouse (HID)
            FakeDevice(0x0416, 0x5011, 7),  # a receipt printer
            FakeDevice(0x04B8, 0x0E15, 0xFF, 7),  # vendor interface then printer
        ]
    )
    names = {1: "Winbond", 2: "POS58 Printer"}
    monkeypatch.setattr(usb.util, "get_string", lambda device, index: names[index])
    printers, note = ports.usb_printers()
    assert note == ""
    assert printers == [
        {
            "vendor_id": 0x0416,
            "product_id": 0x5011,
            "manufacturer": "Winbond",
            "product": "POS58 Printer",
            "url": "usb://0416:5011",
        },
        {
            "vendor_id": 0x04B8,
            "product_id": 0x0E15,
            "manufacturer": "Winbond",
            "product": "POS58 Printer",
            "url": "usb://04b8:0e15",
        },
    ]


def test_unreadable_printer_names_are_not_fatal(usb_bus, monkeypatch):
    usb_bus.append(FakeDevice(0x0416, 0x5011, 7))

    def denied(device, index):
        raise usb.core.USBError("Access denied (insufficient permissions)", errno=13)

    monkeypatch.setattr(usb.util, "get_string", denied)
    printers, note = ports.usb_printers()
    assert printers == [
        {
            "vendor_id": 0x0416,
            "product_id": 0x5011,
            "manufacturer": None,
            "product": None,
            "url": "usb://0416:5011",
        }
    ]
    assert "udev rule" in note


def test_usb_bus_error_keeps_what_was_found(monkeypatch):
    def bus():
        yield FakeDevice(0x0416, 0x5011, 7)
        raise usb.core.USBError("Pipe error", errno=32)

    monkeypatch.setattr(usb.core, "find", lambda **kwargs: bus())
    monkeypatch.setattr(usb.util, "dispose_resources", lambda device: None)
    monkeypatch.setattr(usb.util, "get_string", lambda device, index: "POS58")
    printers, note = ports.usb_printers()
    assert [p["url"] for p in printers] == ["usb://0416:5011"]
    assert note.startswith("USB devices could not all be read (Pipe error)")


def test_lp_devices_say_whether_this_user_may_write(tmp_path, monkeypatch):
    for name in ("lp0", "lp1", "lpx", "hiddev0"):
        (tmp_path / name).write_bytes(b"")
    # Tests may run as root, who may write anything: ask about permissions through a fake.
    monkeypatch.setattr(ports.os, "access", lambda path, mode: not str(path).endswith("lp1"))
    devices = ports.lp_devices(str(tmp_path))
    assert [d["device"] for d in devices] == [str(tmp_path / "lp0"), str(tmp_path / "lp1")]
    assert devices[0] == {
        "device": str(tmp_path / "lp0"),
        "url": f"file://{tmp_path / 'lp0'}",
        "writable": True,
        "note": "",
    }
    assert devices[1]["writable"] is False
    assert "lp group" in devices[1]["note"]


def test_no_lp_directory_lists_nothing(tmp_path):
    assert ports.lp_devices(str(tmp_path / "missing")) == []
