"""The print queue against the network printer simulator: faults never lose a receipt."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from hardware.escpos import decode_for_humans
from pos.cart import Cart, Payment
from pos.print_queue import PrinterState, PrintService
from tests.support import CASHIER, CASHIER_PIN, OIL, RICE


class States:
    """Printer states as the worker reports them, waited on with a condition."""

    def __init__(self):
        self.seen: list[PrinterState] = []
        self.changed = threading.Condition()

    def __call__(self, state: PrinterState) -> None:
        with self.changed:
            self.seen.append(state)
            self.changed.notify_all()

    def wait_for(self, test, timeout: float = 10.0) -> PrinterState:
        with self.changed:
            assert self.changed.wait_for(lambda: any(test(s) for s in self.seen), timeout), (
                f"no such printer state; saw {[(s.status.state, s.waiting) for s in self.seen]}"
            )
            return next(s for s in self.seen if test(s))

    def clear(self) -> None:
        with self.changed:
            self.seen.clear()


def configured(terminal, url: str, **extra):
    settings = dataclasses.replace(
        terminal.settings,
        printer_url=url,
        printer_retry_s=1,
        printer_timeout_s=2,
        printer_status_poll_s=0,
        **extra,
    )
    terminal.settings = settings
    return settings


def sell(terminal, method="cash", amount=20000, code=OIL, svc: PrintService | None = None) -> dict:
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    terminal.add_to_cart(cart, code)
    entry = terminal.checkout(cart, [Payment(method, amount)], cashier, print_receipt=True)
    if svc is not None:
        svc.wake()  # as the window does after every sale
    return entry


def service(terminal, settings, states, clock=None) -> PrintService:
    svc = PrintService(
        terminal.home, terminal.terminal_id, terminal.booth_name, settings, states, clock=clock
    )
    svc.start()
    return svc


def job_states(terminal) -> list[tuple]:
    return terminal.store.conn.execute(
        "SELECT kind, seq, state, kick FROM print_jobs ORDER BY id"
    ).fetchall()


@pytest.mark.parametrize("paper", [58, 80])
def test_a_cash_sale_prints_in_chinese_and_opens_the_drawer(terminal, printer, paper):
    settings = configured(terminal, printer.url, printer_paper_mm=paper)
    states = States()
    svc = service(terminal, settings, states)
    try:
        entry = sell(terminal, svc=svc)
        text = decode_for_humans(printer.wait_for_jobs(1)[0])
        states.wait_for(lambda s: s.last_printed_seq == entry["seq"] and s.waiting == 0)
    finally:
        svc.stop()
    assert text.startswith("<INIT><DRAWER 0>")  # the drawer opens as the receipt starts
    assert "奉节县扶贫产品专柜" in text and "酉阳茶油" in text
    assert "￥88.00" in text and "￥200.00" in text and "￥112.00" in text  # total, cash, change
    assert f"|{entry['seq']}|8800|{entry['hash'][:16]}" in text  # the QR payload
    assert text.rstrip().endswith("<CUT>")
    widest = max(len(line.encode("gbk", "replace")) for line in _plain(text).splitlines())
    assert widest <= {58: 32, 80: 48}[paper]
    assert job_states(terminal) == [("receipt", entry["seq"], "printed", 1)]


def _plain(decoded: str) -> str:
    import re

    return re.sub(r"<[^>]*>", "", decoded)


def test_mobile_payment_does_not_open_the_drawer(terminal, printer):
    settings = configured(terminal, printer.url)
    svc = service(terminal, settings, States())
    try:
        sell(terminal, "wechat", 8800, svc=svc)
        text = decode_for_humans(printer.wait_for_jobs(1)[0])
    finally:
        svc.stop()
    assert "<DRAWER" not in text and "微信支付" in text


def test_paper_out_keeps_the_sale_and_prints_when_paper_is_loaded(terminal, printer):
    printer.paper_out = True
    settings = configured(terminal, printer.url)
    states = States()
    svc = service(terminal, settings, states)
    try:
        entry = sell(terminal, svc=svc)
        waiting = states.wait_for(lambda s: s.status.state == "paper_out" and s.waiting == 1)
        assert "paper" in waiting.last_error
        assert printer.drawer_kicks == 1  # real-time pulse: change can still be given
        assert printer.jobs == []
        assert terminal.verify_journal().ok  # the sale is complete whatever the printer says
        printer.paper_out = False
        states.clear()
        svc.wake()
        states.wait_for(lambda s: s.last_printed_seq == entry["seq"] and s.waiting == 0)
    finally:
        svc.stop()
    text = decode_for_humans(printer.jobs[0])
    assert "<DRAWER" not in text  # it already opened once for this sale
    assert "酉阳茶油" in text


def test_printer_unplugged_then_back(terminal, printer):
    printer.unplug()
    settings = configured(terminal, printer.url)
    states = States()
    svc = service(terminal, settings, states)
    try:
        entries = [sell(terminal, svc=svc), sell(terminal, code=RICE, svc=svc)]
        state = states.wait_for(lambda s: s.status.state == "unreachable" and s.waiting == 2)
        assert "cannot be reached" in state.last_error and "switched on" in state.last_error
        printer.plug()
        states.wait_for(lambda s: s.waiting == 0 and s.last_printed_seq == entries[1]["seq"])
    finally:
        svc.stop()
    texts = [decode_for_humans(j) for j in printer.jobs]
    assert "酉阳茶油" in texts[0] and "秀山土家米" in texts[1]  # in the order they were sold


def test_printer_that_stops_answering_mid_job_gets_the_receipt_again(terminal, printer):
    printer.stall_after = 100
    settings = configured(terminal, printer.url)
    states = States()
    svc = service(terminal, settings, states)
    try:
        entry = sell(terminal, "wechat", 8800, svc=svc)
        states.wait_for(lambda s: s.status.state == "unknown" and s.waiting == 1)
        assert printer.jobs == []
        printer.stall_after = None
        states.clear()
        svc.wake()
        states.wait_for(lambda s: s.last_printed_seq == entry["seq"] and s.waiting == 0)
    finally:
        svc.stop()
    assert len(printer.wait_for_jobs(1)) == 1 and "酉阳茶油" in printer.decoded(0)


def test_no_reply_is_unknown_never_ok(terminal, printer):
    printer.silent = True
    settings = configured(terminal, printer.url)
    states = States()
    svc = service(terminal, settings, states)
    try:
        entry = sell(terminal, "wechat", 8800, svc=svc)
        state = states.wait_for(lambda s: s.last_printed_seq == entry["seq"])
    finally:
        svc.stop()
    assert state.status.state == "unknown"  # sent, but nobody said it printed
    assert len(printer.jobs) == 1


def test_garbled_status_is_unknown(terminal, printer):
    printer.garbled_status = True
    settings = configured(terminal, printer.url)
    svc = PrintService(terminal.home, "T1", "x", settings)
    status = svc.check_status()
    assert status.state == "unknown" and "0xFF" in status.detail


def test_old_receipts_stop_waiting_but_can_be_reprinted(terminal, printer):
    printer.unplug()
    settings = configured(terminal, printer.url, printer_keep_waiting_min=30)
    entry = sell(terminal)
    now = [datetime.now(UTC) + timedelta(minutes=31)]
    states = States()
    svc = service(terminal, settings, states, clock=lambda: now[0])
    try:
        states.wait_for(lambda s: s.waiting == 0)
        assert job_states(terminal)[0][2] == "expired"
        assert terminal.printer_queue() == (0, 1)
        now[0] = datetime.now(UTC)
        printer.plug()
        assert terminal.reprint_last(CASHIER) == "waiting"  # the original, never printed
        svc.wake()
        states.wait_for(lambda s: s.last_printed_seq == entry["seq"])
    finally:
        svc.stop()
    assert "<DRAWER" not in printer.decoded(0)  # half an hour later the drawer stays shut


def test_reprint_last_prints_a_journaled_copy(terminal, printer):
    settings = configured(terminal, printer.url)
    states = States()
    svc = service(terminal, settings, states)
    try:
        entry = sell(terminal, svc=svc)
        printer.wait_for_jobs(1)
        states.wait_for(lambda s: s.last_printed_seq == entry["seq"] and s.waiting == 0)
        assert terminal.reprint_last(CASHIER) == "copy"
        svc.wake()
        printer.wait_for_jobs(2)
    finally:
        svc.stop()
    copy = printer.decoded(1)
    assert "补打小票" in copy and "<DRAWER" not in copy and "酉阳茶油" in copy
    last = json.loads(list(terminal.export_journal())[-1])
    assert last["type"] == "receipt_copy"
    assert last["body"] == {"sale_seq": entry["seq"], "receipt_no": f"T1-{entry['seq']:06d}", "by": CASHIER}  # fmt: skip
    assert terminal.verify_journal().ok


def test_preview_printer_writes_text_and_png(terminal):
    settings = configured(terminal, "preview")
    states = States()
    svc = service(terminal, settings, states)
    try:
        entry = sell(terminal, svc=svc)
        states.wait_for(lambda s: s.last_printed_seq == entry["seq"])
    finally:
        svc.stop()
    stem = terminal.home / "receipts" / f"receipt-T1-{entry['seq']:06d}"
    assert "酉阳茶油" in stem.with_suffix(".txt").read_text(encoding="utf-8")
    from PIL import Image

    with Image.open(stem.with_suffix(".png")) as image:
        assert image.width == 576 and image.height > 500


def test_a_receipt_job_is_written_with_the_sale(terminal):
    """No service runs: the job waits in the database for the printer."""
    entry = sell(terminal)
    assert job_states(terminal) == [("receipt", entry["seq"], "waiting", 1)]
    assert terminal.printer_queue() == (1, 0)
