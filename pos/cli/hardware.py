"""booth-pos receipt … and booth-pos hw …: receipts on demand and hardware diagnostics for IT.

Each command takes the device on the command line (``--printer URL`` or ``--port DEV``) or
from booth.toml, and when a device fails says what to check: cable, power, permissions
(groups lp and dialout), a port held by another program, the baud rate.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hardware.escpos import decode_for_humans, encode_receipt
from hardware.printers import deliver, parse_printer_url
from hardware.serial_port import DeviceError
from pos.cli.common import DeviceFailed, device_settings, who
from pos.config import Settings, load_settings, resolve_home
from pos.errors import BoothError
from pos.paper.text import WIDTHS, Receipt, center, two_columns
from pos.print_queue import PrintService, print_now, printer_profile, pulse_drawer, render
from pos.terminal import Terminal
from sync.cli_support import OneLineParser, add_command, add_group, emit
from sync.protocol import journal

# --- receipt ---------------------------------------------------------------------------


def cmd_receipt_print(args) -> int:
    home = resolve_home(args.home)
    terminal = args.terminal_opened = Terminal.open(home)
    settings = device_settings(args)
    entry = terminal.sale_entry(args.seq)
    try:
        where, state, data = print_now(home, entry, terminal.booth_name, settings, copy=True)
    except DeviceError as exc:
        raise DeviceFailed(f"Receipt {terminal.receipt_no(args.seq)} was not printed: {exc}") from None  # fmt: skip
    paper = printer_profile(settings).paper_mm
    copy = terminal.record_copy(args.seq, who(), queue=False)
    emit(
        args,
        {
            "seq": args.seq,
            "receipt_no": terminal.receipt_no(args.seq),
            "printer": settings.printer_url,
            "paper_mm": paper,
            "bytes": len(data),
            "status": state,
            "journal_seq": copy["seq"],
        },
        f"Printed a copy of receipt {terminal.receipt_no(args.seq)} ({paper} mm, "
        f"{len(data)} bytes) to {where}; printer status {state}; journaled as entry {copy['seq']}.",
    )
    return 0


def cmd_receipt_show(args) -> int:
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    settings = device_settings(args)
    entry = terminal.sale_entry(args.seq)
    data, receipt = render(entry, terminal.booth_name, settings)
    if args.escpos:
        print(decode_for_humans(data))
    else:
        print("\n".join(receipt.lines))
        print(f"[QR] {receipt.qr}")
    return 0


# --- hw --------------------------------------------------------------------------------


def test_page(settings: Settings, booth_name: str = "") -> bytes:
    """A page that shows whether Chinese, ￥, the paper width, the QR code and the cutter work."""
    chosen = printer_profile(settings)
    width = WIDTHS[chosen.paper_mm]
    lines = [
        center("打印测试 PRINT TEST", width),
        booth_name or "Booth POS",
        f"{settings.printer_url}",
        f"profile {chosen.name}: {chosen.paper_mm} mm, {chosen.encoding}, QR {chosen.qr}",
        "-" * width,
        "中文：扶贫产品 奉节脐橙 城口老腊肉",
        *two_columns("合计", "￥1,234.56", width),
        ("0123456789" * 5)[:width],
        "-" * width,
        time.strftime("%Y-%m-%d %H:%M:%S"),
    ]
    qr = "BPOS-TEST" if chosen.qr == "native" else ""
    return encode_receipt(Receipt(lines, qr, width), chosen.encoding, cut=chosen.cut, jump=chosen.jump)  # fmt: skip


def cmd_hw_print_test(args) -> int:
    settings = device_settings(args)
    spec = parse_printer_url(settings.printer_url)
    data = test_page(settings)
    if spec.kind == "preview":
        raise BoothError(
            "No printer is configured (printer.url is preview): give one with --printer URL."
        )
    try:
        delivery = deliver(spec, data, settings.printer_timeout_s, 1.0)
    except DeviceError as exc:
        raise DeviceFailed(str(exc)) from None
    emit(
        args,
        {
            "printer": spec.url,
            "printed": delivery.printed,
            "status": delivery.after.state,
            "detail": delivery.after.detail,
            "bytes": len(data),
        },  # fmt: skip
        f"Test page {'sent' if delivery.printed else 'NOT printed'} to {spec.url} "
        f"({len(data)} bytes); printer status {delivery.after.state}"
        + (f": {delivery.after.detail}" if delivery.after.detail else "."),
    )
    return 0 if delivery.printed else 1


def cmd_hw_status(args) -> int:
    settings = device_settings(args)
    service = PrintService(resolve_home(args.home), "", "", settings)
    status = service.check_status()
    emit(
        args,
        {
            "printer": settings.printer_url,
            "state": status.state,
            "paper_near_end": status.paper_near_end,
            "detail": status.detail,
        },  # fmt: skip
        f"{settings.printer_url}: {status.state}" + (f". {status.detail}" if status.detail else ""),
    )
    return 0 if status.can_print else 1


def cmd_hw_drawer(args) -> int:
    settings = device_settings(args)
    home = resolve_home(args.home)
    if not args.reason.strip():
        raise BoothError("Say why the drawer is opened (--reason), e.g. 'drawer test'.")
    ok, message = pulse_drawer(parse_printer_url(settings.printer_url), settings)
    if not ok:
        raise DeviceFailed(message)
    journaled = None
    if (home / "booth.db").exists():
        terminal = args.terminal_opened = Terminal.open(home)
        journaled = terminal.record_drawer_open(who(), args.reason)["seq"]
    emit(
        args,
        {
            "printer": settings.printer_url,
            "pin": settings.printer_drawer_pin,
            "journal_seq": journaled,
        },  # fmt: skip
        f"Drawer pulse sent through {settings.printer_url} on pin {settings.printer_drawer_pin}"
        + (f"; journaled as entry {journaled}." if journaled else "."),
    )
    return 0


def cmd_hw_simulate_printer(args) -> int:
    from hardware.sim_printer import PrinterSimulator

    save = Path(args.save) if args.save else None
    try:
        sim = PrinterSimulator(args.host, args.port, save)
    except OSError as exc:
        raise DeviceFailed(f"Cannot listen on {args.host}:{args.port} ({exc.strerror}): is another simulator or printer service using it?") from None  # fmt: skip
    sim.paper_out = args.paper_out
    sim.silent = args.silent
    print(f"Simulated printer listening on {sim.url} (Ctrl-C to stop)", flush=True)
    if save:
        print(f"Each job is written decoded to {save}/job-NNN.txt", flush=True)
    shown = 0
    try:
        while True:
            jobs = sim.wait_for_jobs(shown + 1, timeout=0.5)
            for job in jobs[shown:]:
                shown += 1
                print(
                    f"--- job {shown}: {len(job)} bytes ---\n{decode_for_humans(job)}", flush=True
                )
    except KeyboardInterrupt:
        return 0
    finally:
        sim.close()


def add_receipt_commands(sub) -> None:
    rsub = add_group(sub, "receipt", "Print or show the receipt of a past sale.",
                     "booth-pos receipt print 42 --printer tcp://192.168.1.50:9100")  # fmt: skip
    p = add_command(rsub, "print", "Print the receipt of the sale at journal SEQ, marked as a copy (journaled).",
                    "booth-pos receipt print 42 --printer tcp://192.168.1.50:9100 --width 58",
                    cmd_receipt_print)  # fmt: skip
    p.add_argument("seq", type=int, metavar="SEQ", help="the sale's journal seq (the receipt number's last part)")  # fmt: skip
    p.add_argument("--printer", metavar="URL", help="printer URL (default: printer.url in booth.toml)")  # fmt: skip
    p.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm (default: the profile's)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(rsub, "show", "Show the receipt of the sale at journal SEQ as it would print.",
                    "booth-pos receipt show 42 --width 58", cmd_receipt_show)  # fmt: skip
    p.add_argument("seq", type=int, metavar="SEQ")
    p.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm")
    p.add_argument("--escpos", action="store_true", help="show the printer commands, decoded")


def add_hw_commands(sub) -> None:
    hsub = add_group(
        sub,
        "hw",
        "Hardware diagnostics: printers, drawer, scanners, scales, simulators.",
        "booth-pos hw status --printer tcp://192.168.1.50:9100",
    )
    p = add_command(hsub, "list", "List serial ports, USB printers and printer device files.",
                    "booth-pos hw list --json", cmd_hw_list)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(hsub, "print-test", "Print a test page: Chinese, ￥, paper width, QR code, cutter.",
                    "booth-pos hw print-test --printer usb://0416:5011", cmd_hw_print_test)  # fmt: skip
    p.add_argument("--printer", metavar="URL", help="printer URL (default: printer.url in booth.toml)")  # fmt: skip
    p.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(hsub, "status", "Ask the printer for its state (exit 1 unless it can print).",
                    "booth-pos hw status --printer tcp://192.168.1.50:9100 --json", cmd_hw_status)  # fmt: skip
    p.add_argument("--printer", metavar="URL", help="printer URL (default: printer.url in booth.toml)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(hsub, "drawer", "Open the cash drawer on the printer (journaled when the terminal is set up).",
                    "booth-pos hw drawer --printer tcp://192.168.1.50:9100 --reason 'drawer test'",
                    cmd_hw_drawer)  # fmt: skip
    p.add_argument("--printer", metavar="URL", help="printer URL (default: printer.url in booth.toml)")  # fmt: skip
    p.add_argument("--reason", default="drawer test from the command line", help="why, for the journal")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(hsub, "scan-test", "Read codes from a serial scanner: one line (or JSON line) per code.",
                    "booth-pos hw scan-test --port /dev/ttyACM0 --count 3 --json", cmd_hw_scan_test)  # fmt: skip
    p.add_argument("--port", metavar="DEV", help="the scanner's serial port (default: scanner.port)")  # fmt: skip
    p.add_argument("--baud", type=int, metavar="B", help="baud rate (default: scanner.baud)")
    p.add_argument("--suffix", choices=["enter", "tab"], help="what ends a code (default: scanner.suffix)")  # fmt: skip
    p.add_argument("--count", type=int, metavar="N", help="stop after N codes")
    p.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds in all")  # fmt: skip
    p.add_argument("--json", action="store_true", help='one {"code": ..., "kind": ...} line per code')  # fmt: skip
    p = add_command(hsub, "scale-read", "Read one weight from a serial scale.",
                    "booth-pos hw scale-read --port /dev/ttyUSB1 --protocol toledo8217 --json",
                    cmd_hw_scale_read)  # fmt: skip
    p.add_argument("--port", metavar="DEV", help="the scale's serial port (default: scale.port)")
    p.add_argument("--protocol", choices=["toledo8217", "continuous"], help="default: scale.protocol")  # fmt: skip
    p.add_argument("--baud", type=int, metavar="B", help="default: scale.baud")
    p.add_argument("--timeout", type=float, default=3.0, metavar="S", help="seconds to wait (default 3)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    sim = add_command(hsub, "simulate", "Run a simulated printer, scanner or scale for development.",
                      "booth-pos hw simulate printer --port 9100 --save /tmp/jobs", None)  # fmt: skip
    ssub = sim.add_subparsers(dest="sim_command", metavar="DEVICE", parser_class=OneLineParser)
    ssub.required = True
    p = add_command(ssub, "printer", "A network receipt printer on a TCP port; prints each job decoded.",
                    "booth-pos hw simulate printer --port 9100 --save /tmp/jobs",
                    cmd_hw_simulate_printer)  # fmt: skip
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")  # fmt: skip
    p.add_argument("--port", type=int, default=9100, help="TCP port (default 9100)")
    p.add_argument("--save", metavar="DIR", help="also write each decoded job to DIR/job-NNN.txt")  # fmt: skip
    p.add_argument("--paper-out", action="store_true", help="start out of paper")
    p.add_argument("--silent", action="store_true", help="never answer status requests")
    p = add_command(ssub, "scanner", "A serial scanner on a pseudo-terminal: each line typed is scanned.",
                    "booth-pos hw simulate scanner", cmd_hw_simulate_scanner)  # fmt: skip
    p.add_argument("--link", metavar="PATH", help="also reachable at PATH (a symlink), e.g. /tmp/scanner")  # fmt: skip
    p = add_command(ssub, "scale", "A serial scale on a pseudo-terminal; type weights such as 1.234.",
                    "booth-pos hw simulate scale --protocol continuous --weight 0.500",
                    cmd_hw_simulate_scale)  # fmt: skip
    p.add_argument("--protocol", choices=["toledo8217", "continuous"], default="toledo8217")
    p.add_argument("--weight", default="0.000", metavar="KG", help="starting weight in kg")
    p.add_argument("--link", metavar="PATH", help="also reachable at PATH (a symlink), e.g. /tmp/scale")  # fmt: skip


def cmd_hw_list(args) -> int:
    from hardware.ports import lp_devices, serial_ports, usb_printers

    ports = serial_ports()
    printers, note = usb_printers()
    devices = lp_devices()
    data = {"serial_ports": ports, "usb_printers": printers, "usb_note": note, "lp_devices": devices}  # fmt: skip
    if args.json:
        print(journal.canonical(data))
        return 0
    lines = ["Serial ports (scanners, scales, displays, serial printers):"]
    for port in ports:
        ids = f" [{port['vid']:04x}:{port['pid']:04x}]" if port.get("vid") is not None else ""
        lines.append(f"  {port['device']}  {port['description']}{ids}")
        if port.get("by_id"):
            lines.append(f"    stable name: {port['by_id']}")
    if not ports:
        lines.append("  none found")
    lines.append("USB printers (printer.url):")
    lines += [f"  {p['url']}  {p.get('manufacturer') or ''} {p.get('product') or ''}".rstrip() for p in printers]  # fmt: skip
    if not printers:
        lines.append("  none found")
    if note:
        lines.append(f"  note: {note}")
    lines.append("Printer device files (usblp):")
    for device in devices:
        access = "writable" if device["writable"] else "NOT writable by this user (group lp)"
        lines.append(f"  {device['url']}  {access}")
    if not devices:
        lines.append("  none found")
    print("\n".join(lines))
    return 0


def cmd_hw_scan_test(args) -> int:
    from hardware.serial_scanner import code_kind, read_codes

    settings = load_settings(resolve_home(args.home))
    rules = settings.barcode
    args.port = args.port or settings.scanner_port
    args.baud = args.baud or settings.scanner_baud
    args.suffix = args.suffix or settings.scanner_suffix
    if not args.port:
        raise BoothError("No scanner port: give --port DEV or set scanner.port in booth.toml.")
    if not args.json:
        _stderr(f"Reading {args.port} at {args.baud} baud: scan some codes (Ctrl-C to stop).")
    seen = 0
    try:
        for code in read_codes(args.port, args.baud, args.suffix, args.count, args.timeout):
            seen += 1
            kind = code_kind(code, rules)
            emit(args, {"code": code, "kind": kind}, f"{code}\t{kind}")
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    if args.count is not None and seen < args.count and args.timeout is not None:
        raise DeviceFailed(
            f"Only {seen} of {args.count} codes arrived from {args.port} in {args.timeout:g} s: "
            "check the scanner's cable, that it is set to serial (not keyboard) mode, "
            "its baud rate and its suffix (CR or LF)."
        )
    return 0


def cmd_hw_scale_read(args) -> int:
    from hardware.scale_reader import read_once
    from hardware.scales import FrameError, sellable

    settings = load_settings(resolve_home(args.home))
    port = args.port or settings.scale_port
    if not port:
        raise BoothError("No scale port: give --port DEV or set scale.port in booth.toml.")
    protocol = args.protocol or settings.scale_protocol
    baud = args.baud or settings.scale_baud
    try:
        reading = read_once(port, protocol, baud, args.timeout)
    except (FrameError, TimeoutError) as exc:
        raise DeviceFailed(str(exc)) from None
    why_not = sellable(reading)
    data = {
        "port": port,
        "protocol": protocol,
        "weight_g": reading.weight_g,
        "stable": reading.stable,
        "overload": reading.overload,
        "under_zero": reading.under_zero,
        "net": reading.net,
        "sellable": why_not is None,
        "reason": why_not or "",
    }
    kg = f"{reading.weight_g / 1000:.3f} kg"
    emit(args, data, f"{port} ({protocol}): {kg}, " + ("stable" if reading.stable else "moving") + (f"; cannot sell: {why_not}" if why_not else ""))  # fmt: skip
    return 0


def _link(path: str | None, target: str) -> None:
    if not path:
        return
    link = Path(path)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)
    print(f"Also reachable as {link}", flush=True)


def cmd_hw_simulate_scanner(args) -> int:
    from hardware.sim_scanner import ScannerSimulator

    with ScannerSimulator(args.link) as sim:
        print(f"Simulated scanner on {sim.path}: each line you type is sent as a scan (Ctrl-D to stop).", flush=True)  # fmt: skip
        try:
            sent = sim.feed_from_lines(sys.stdin)
        except KeyboardInterrupt:
            return 0
    print(f"Sent {sent} code(s).")
    return 0


def cmd_hw_simulate_scale(args) -> int:
    from hardware.sim_scale import ScaleSimulator, typed_grams

    grams = typed_grams(args.weight)
    if grams is None:
        raise BoothError(f"--weight '{args.weight}' is not a weight: write kilograms such as 1.234.")  # fmt: skip
    sim = ScaleSimulator(args.protocol, weight_g=grams)
    try:
        print(f"Simulated {args.protocol} scale on {sim.path}.", flush=True)
        _link(args.link, sim.path)
        sim.run_from_lines(sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
        if args.link and Path(args.link).is_symlink():
            Path(args.link).unlink()
    return 0


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
