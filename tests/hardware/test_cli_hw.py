"""booth-pos receipt … and hw … against the simulators: a TCP printer and ptys."""

from __future__ import annotations

import json
import os
import threading

import pytest

from hardware.escpos import decode_for_humans
from hardware.sim_scale import ScaleSimulator
from hardware.sim_scanner import ScannerSimulator
from hardware.status import DLE_EOT


@pytest.fixture
def demo(cli):
    assert cli("demo", "--no-repeat").code == 0
    return cli


def journal(cli) -> list[dict]:
    result = cli("journal", "export")
    return [json.loads(line) for line in result.out.splitlines()]


def first_sale(cli) -> dict:
    return next(e for e in journal(cli) if e["type"] == "sale")


@pytest.mark.parametrize("width", ["58", "80"])
def test_receipt_print_sends_a_journaled_copy(demo, printer, width):
    sale = first_sale(demo)
    result = demo("receipt", "print", str(sale["seq"]), "--printer", printer.url, "--width", width, "--json")  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["status"] == "ok" and report["paper_mm"] == int(width)
    text = printer.decoded(0)
    assert "补打小票" in text and "<DRAWER" not in text
    assert f"|{sale['seq']}|{sale['body']['total_fen']}|{sale['hash'][:16]}" in text
    copy = journal(demo)[-1]
    assert copy["type"] == "receipt_copy" and copy["body"]["sale_seq"] == sale["seq"]
    assert copy["seq"] == report["journal_seq"]


def test_receipt_print_on_a_printer_out_of_paper_fails_and_journals_nothing(demo, printer):
    printer.paper_out = True
    before = len(journal(demo))
    result = demo("receipt", "print", str(first_sale(demo)["seq"]), "--printer", printer.url)
    assert result.code == 1
    assert "was not printed" in result.err and "out of paper" in result.err
    assert len(journal(demo)) == before


def test_receipt_print_refuses_what_is_not_a_sale(demo, printer):
    result = demo("receipt", "print", "1", "--printer", printer.url)
    assert result.code == 1 and "not a sale" in result.err
    result = demo("receipt", "print", "9999", "--printer", printer.url)
    assert result.code == 1 and "no journal entry 9999" in result.err
    assert printer.jobs == []


def test_receipt_print_to_the_preview_writes_text_and_png(demo, home):
    sale = first_sale(demo)
    result = demo("receipt", "print", str(sale["seq"]))
    assert result.code == 0, result.err
    stem = home / "receipts" / f"receipt-{sale['terminal']}-{sale['seq']:06d}-copy"
    assert "补打小票" in stem.with_suffix(".txt").read_text(encoding="utf-8")
    assert stem.with_suffix(".png").stat().st_size > 1000


def test_hw_status_reports_each_state(cli, printer):
    ok = cli("hw", "status", "--printer", printer.url, "--json")
    assert ok.code == 0 and json.loads(ok.out)["state"] == "ok"
    printer.cover_open = True
    cover = cli("hw", "status", "--printer", printer.url)
    assert cover.code == 1 and "cover_open" in cover.out and "close it" in cover.out
    printer.cover_open = False
    printer.silent = True
    silent = cli("hw", "status", "--printer", printer.url, "--json")
    assert silent.code == 0 and json.loads(silent.out)["state"] == "unknown"
    printer.unplug()
    gone = cli("hw", "status", "--printer", printer.url, "--json")
    assert gone.code == 1 and json.loads(gone.out)["state"] == "unreachable"


def test_hw_print_test_prints_chinese_yuan_and_the_ruler(cli, printer):
    result = cli("hw", "print-test", "--printer", printer.url, "--width", "58")
    assert result.code == 0, result.err
    text = printer.decoded(0)
    assert "打印测试" in text and "￥1,234.56" in text and "01234567890123456789012345678901\n" in text  # fmt: skip
    assert '<QR "BPOS-TEST">' in text and "<CUT>" in text


def test_hw_drawer_pulses_and_journals(demo, printer):
    refused = demo("hw", "drawer", "--printer", printer.url, "--reason", " ")
    assert refused.code == 1 and printer.drawer_kicks == 0
    result = demo("hw", "drawer", "--printer", printer.url, "--reason", "drawer test")
    assert result.code == 0, result.err
    assert printer.drawer_kicks == 1
    last = journal(demo)[-1]
    assert last["type"] == "drawer_open" and last["body"]["reason"] == "drawer test"


def test_hw_drawer_without_a_printer_says_so(cli):
    result = cli("hw", "drawer")
    assert result.code == 1 and "no cash drawer" in result.err


def test_hw_scan_test_prints_one_json_line_per_code(cli, tmp_path):
    with ScannerSimulator(tmp_path / "scanner") as sim:
        codes = ["6970006000011", "134567890123456789"]
        feeder = threading.Timer(0.3, lambda: [sim.type(code) for code in codes])
        feeder.start()
        result = cli("hw", "scan-test", "--port", sim.path, "--count", "2", "--timeout", "10", "--json")  # fmt: skip
        feeder.join()
    assert result.code == 0, result.err
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert rows == [
        {"code": "6970006000011", "kind": "ean13"},
        {"code": "134567890123456789", "kind": "wechat_pay"},
    ]


def test_hw_scan_test_on_a_missing_port_says_what_to_check(cli):
    result = cli("hw", "scan-test", "--port", "/dev/ttyNOSUCH9", "--count", "1")
    assert result.code == 1 and "does not exist" in result.err and "hw list" in result.err


@pytest.mark.parametrize("protocol", ["toledo8217", "continuous"])
def test_hw_scale_read_gives_the_weight(cli, protocol):
    sim = ScaleSimulator(protocol, interval_s=0.05, weight_g=1234)
    try:
        result = cli("hw", "scale-read", "--port", sim.path, "--protocol", protocol, "--json")
    finally:
        sim.close()
    assert result.code == 0, result.err
    reading = json.loads(result.out)
    assert (reading["weight_g"], reading["stable"], reading["sellable"]) == (1234, True, True)


def test_hw_scale_read_rejects_a_garbled_frame(cli):
    sim = ScaleSimulator("toledo8217", weight_g=1234)  # answers each request: garbage next
    sim.garbage = b"\x02?\xff\r"
    try:
        result = cli("hw", "scale-read", "--port", sim.path, "--protocol", "toledo8217")
    finally:
        sim.close()
    assert result.code == 1 and "not a weight" in result.err and "8217 protocol, 7E1" in result.err


def test_hw_list_never_fails(cli):
    result = cli("hw", "list", "--json")
    assert result.code == 0
    listing = json.loads(result.out)
    assert set(listing) == {"serial_ports", "usb_printers", "usb_note", "lp_devices"}


def test_a_serial_printer_on_a_pty_answers_status_and_gets_the_copy(demo):
    """A serial receipt printer: status requests answered over the line, then the job."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    received = bytearray()
    stop = threading.Event()

    def printer_side():
        pending = b""
        while not stop.is_set():
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            pending += chunk
            while DLE_EOT in pending and len(pending) >= pending.index(DLE_EOT) + 3:
                at = pending.index(DLE_EOT)
                received.extend(pending[:at])
                pending = pending[at + 3 :]
                os.write(master, b"\x12")  # ready, paper present
            if DLE_EOT not in pending and not pending.endswith(b"\x10"):
                received.extend(pending)
                pending = b""

    thread = threading.Thread(target=printer_side, daemon=True)
    thread.start()
    sale = first_sale(demo)
    result = demo("receipt", "print", str(sale["seq"]), "--printer", f"serial://{path}?baud=115200", "--json")  # fmt: skip
    stop.set()
    os.close(slave)
    os.close(master)
    thread.join(2)
    assert result.code == 0, result.err
    assert json.loads(result.out)["status"] == "ok"
    assert "补打小票" in decode_for_humans(bytes(received))


def test_a_toledo_scale_can_be_opened_again(cli):
    """Reopening a pty with 7E1 is refused on some kernels (EINVAL): 8N1 with 7-bit masking."""
    sim = ScaleSimulator("toledo8217", weight_g=850)
    try:
        results = [cli("hw", "scale-read", "--port", sim.path, "--json") for _ in range(2)]
    finally:
        sim.close()
    assert [json.loads(r.out)["weight_g"] for r in results] == [850, 850], results
