"""booth-pos shift … and report x|z: a shift's float and cash movements, the X and Z reports."""

from __future__ import annotations

from hardware.serial_port import DeviceError
from pos.cli.common import DeviceFailed, add_pin_options, device_settings, read_pin, who
from pos.config import resolve_home
from pos.errors import Refused
from pos.money import format_fen
from pos.print_queue import PREVIEW_DIR, PrintService, print_now, printer_profile, render
from pos.shift import parse_confirmed, parse_counts
from pos.terminal import Terminal
from sync.cli_support import add_command, add_group, emit


def _manager(args) -> tuple[Terminal, object]:
    pin = read_pin(args, "The manager's")
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    return terminal, terminal.authenticate(args.manager, pin)


def cmd_shift_open(args) -> int:
    terminal, manager = _manager(args)
    counts = parse_counts(args.counts) if args.counts else None
    entry = terminal.open_shift(manager, args.float, counts)
    emit(
        args,
        entry,
        f"Shift open (entry {entry['seq']}) by {manager.name} with a float of "
        f"{format_fen(args.float)}.",
    )
    return 0


def cmd_shift_cash(args) -> int:
    terminal, manager = _manager(args)
    kind = "cash_in" if args.shift_command == "cash-in" else "cash_out"
    entry = terminal.move_cash(kind, args.amount, args.reason, manager)
    verb = "into" if kind == "cash_in" else "out of"
    emit(
        args,
        entry,
        f"{format_fen(args.amount)} {verb} the drawer (entry {entry['seq']}), "
        f"approved by {manager.name}: {entry['body']['reason']}",
    )
    return 0


def cmd_shift_close(args) -> int:
    terminal, manager = _manager(args)
    counts = parse_counts(args.counts)
    confirmed = parse_confirmed(args.confirm or [])
    held = terminal.held_sales()
    if held and args.held is None:
        raise Refused(
            "{count} held sale(s) are still waiting: close with --held keep to keep them for "
            "the next shift, or --held discard to drop them.",
            count=len(held),
        )
    entry = terminal.close_shift(manager, counts, confirmed, args.reason, print_report=args.print)
    body = entry["body"]
    lines = [f"Z report (entry {entry['seq']}), shift closed by {manager.name}:"]
    if held:
        dropped = terminal.discard_held_sales(manager) if args.held == "discard" else 0
        verb = "discarded" if dropped else "kept for the next shift"
        lines.append(f"  {len(held)} held sale(s) {verb}")
    for method, f in body["tenders"].items():
        lines.append(
            f"  {method:<8} expected {format_fen(f['expected_fen']):>12}  counted "
            f"{format_fen(f['counted_fen']):>12}  variance {format_fen(f['variance_fen']):>10}"
        )
    lines.append(f"  sales {body['sales_count']}, {format_fen(body['sales_fen'])}; grand total {format_fen(body['grand_total_fen'])}")  # fmt: skip
    data = {**body, "seq": entry["seq"]}
    if held:
        data["held_sales"] = {"count": len(held), "action": args.held}
    if args.print:
        data["printed"], sentence = _print_queued_z(terminal, entry["seq"])
        lines.append(sentence)
    emit(args, data, "\n".join(lines))
    return 0


def _print_queued_z(terminal: Terminal, seq: int) -> tuple[bool, str]:
    """Print the queue (the Z is its newest job) on the configured printer, now."""
    settings = terminal.settings
    service = PrintService(terminal.home, terminal.terminal_id, terminal.booth_name, settings)
    state = service.print_waiting()
    if state.last_printed_seq == seq and service.spec.kind == "preview":
        return True, f"  Z written to the preview in {terminal.home / PREVIEW_DIR}."
    if state.last_printed_seq == seq:
        return True, f"  Z printed on {settings.printer_url}."
    reason = state.last_error or state.status.detail or "the printer did not print it."
    return False, (
        f"  The Z is not printed yet: {reason} It waits in the print queue; "
        f"'booth-pos report z {seq} --print' prints a copy now."
    )


def cmd_report_z(args) -> int:
    home = resolve_home(args.home)
    terminal = args.terminal_opened = Terminal.open(home)
    settings = device_settings(args)
    entry = terminal.z_entry(args.seq)
    number = terminal.receipt_no(entry["seq"])
    if not args.print:
        _, report = render(entry, terminal.booth_name, settings)
        emit(args, {**entry["body"], "seq": entry["seq"], "at": entry["at"]}, "\n".join(report.lines))  # fmt: skip
        return 0
    try:
        where, state, data = print_now(home, entry, terminal.booth_name, settings, copy=True)
    except DeviceError as exc:
        raise DeviceFailed(f"Z report {number} was not printed: {exc}") from None
    copy = terminal.record_z_copy(entry["seq"], who(), queue=False)
    paper = printer_profile(settings).paper_mm
    emit(
        args,
        {
            "z_seq": entry["seq"],
            "printer": settings.printer_url,
            "paper_mm": paper,
            "bytes": len(data),
            "status": state,
            "journal_seq": copy["seq"],
        },
        f"Printed a copy of Z report {number} ({paper} mm, {len(data)} bytes) to {where}; "
        f"printer status {state}; journaled as entry {copy['seq']}.",
    )
    return 0


def cmd_report_x(args) -> int:
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    report = terminal.x_report()
    if report is None:
        raise Refused("No shift is open: there is nothing to report yet.")
    lines = [
        f"X report, shift opened at entry {report['opened_seq']} by {report['opened_by']}"
        f" (through entry {report['through_seq']}; nothing is reset)",
        f"  sales            {report['sales_count']:>6}  {format_fen(report['sales_fen']):>14}",
        f"  refunds          {report['refunds_count']:>6}  {format_fen(report['refunds_fen']):>14}",
        f"  post-voids       {report['post_voids_count']:>6}  {format_fen(report['post_voids_fen']):>14}",
        f"  net sales                {format_fen(report['net_fen']):>14}",
        f"  discounts                {format_fen(report['discount_fen']):>14}",
        f"  cash rounding            {format_fen(report['rounding_fen']):>14}",
        f"  price changes    {report['overrides']:>6}",
        f"  voided lines     {report['voided_lines']:>6}  {format_fen(report['voided_fen']):>14}",
    ]
    lines += [f"  {method:<16}         {format_fen(fen):>14}" for method, fen in report["tenders"].items()]  # fmt: skip
    lines += [
        f"  float                    {format_fen(report['float_fen']):>14}",
        f"  cash in                  {format_fen(report['cash_in_fen']):>14}",
        f"  cash out                 {format_fen(report['cash_out_fen']):>14}",
        f"  expected cash            {format_fen(report['expected_cash_fen']):>14}",
    ]
    lines += [f"  county {name or '-'}: {format_fen(fen)}" for name, fen in report["counties"].items()]  # fmt: skip
    emit(args, report, "\n".join(lines))
    return 0


def _approval(p) -> None:
    p.add_argument("--manager", required=True, metavar="NAME", help="the approving manager")
    add_pin_options(p, "the manager's")
    p.add_argument("--json", action="store_true", help="print the journal entry written")


def add_shift_commands(sub) -> None:
    ssub = add_group(sub, "shift", "Open a shift with its float; cash in and out of the drawer.",
                     "booth-pos shift open --manager 王强 --pin-file ~/.pin --float 50000")  # fmt: skip
    p = add_command(ssub, "open", "Open a shift: a manager puts the float in the drawer.",
                    "booth-pos shift open --manager 王强 --pin-file ~/.pin --float 50000 --counts 10000=3,5000=4",
                    cmd_shift_open)  # fmt: skip
    p.add_argument("--float", type=int, required=True, metavar="FEN", help="the float in fen")
    p.add_argument("--counts", metavar="D=N,...", help="the float by denomination in fen, e.g. 10000=3,5000=4")  # fmt: skip
    _approval(p)
    for name, text in (("cash-in", "Put cash into the drawer during the shift (approved, with a reason)."),
                       ("cash-out", "Take cash out of the drawer during the shift (approved, with a reason).")):  # fmt: skip
        p = add_command(ssub, name, text,
                        f"booth-pos shift {name} --amount 20000 --reason 'change from the bank' --manager 王强 --pin-file ~/.pin",
                        cmd_shift_cash)  # fmt: skip
        p.add_argument("--amount", type=int, required=True, metavar="FEN", help="the amount in fen")  # fmt: skip
        p.add_argument("--reason", required=True, help="why, for the journal")
        _approval(p)
    p = add_command(ssub, "close", "Close the shift blind: count the drawer first, then see the variances (the Z).",
                    "booth-pos shift close --counts 10000=4,5000=2,100=8 --confirm wechat=13960 --manager 王强 --pin-file ~/.pin --json",
                    cmd_shift_close)  # fmt: skip
    p.add_argument("--counts", required=True, metavar="D=N,...", help="the cash in the drawer by denomination in fen")  # fmt: skip
    p.add_argument("--confirm", action="append", metavar="METHOD=FEN", help="a provider's settlement total; repeat per tender (default: accept the expected total)")  # fmt: skip
    p.add_argument("--reason", default="", help="why, when a variance is over shift.variance_threshold_fen")  # fmt: skip
    p.add_argument("--print", action="store_true", help="queue the Z for the printer and print it now on printer.url")  # fmt: skip
    p.add_argument("--held", choices=("keep", "discard"), help="what to do with sales still held (挂单): required when there are any")  # fmt: skip
    _approval(p)
    rsub = add_group(sub, "report", "Reports on the open shift (X) and closed shifts (Z).",
                     "booth-pos report x --json", metavar="REPORT")  # fmt: skip
    p = add_command(rsub, "x", "The X report: the open shift's sales, tenders and expected cash; resets nothing.",
                    "booth-pos report x --json", cmd_report_x)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(rsub, "z", "Show the last (or SEQ's) Z report as it prints; --print prints a copy marked 补打 (journaled).",
                    "booth-pos report z 12 --print --printer tcp://192.168.1.50:9100 --width 58", cmd_report_z)  # fmt: skip
    p.add_argument("seq", type=int, nargs="?", metavar="SEQ", help="the z_close entry's seq (default: the last Z)")  # fmt: skip
    p.add_argument("--print", action="store_true", help="print a copy, marked 补打, and journal it as z_copy")  # fmt: skip
    p.add_argument("--printer", metavar="URL", help="printer URL (default: printer.url in booth.toml)")  # fmt: skip
    p.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm (default: the profile's)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
