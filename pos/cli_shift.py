"""booth-pos shift … and report x: a shift's float and cash movements, and the X report."""

from __future__ import annotations

import os

from pos.cli_support import OneLineParser, add_command, emit
from pos.config import resolve_home
from pos.errors import Refused
from pos.money import format_fen
from pos.shift import parse_confirmed, parse_counts
from pos.terminal import Terminal


def _manager(args) -> tuple[Terminal, object]:
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    if not args.pin:
        raise Refused("Give the manager's PIN with --pin (or $BOOTH_POS_PIN).")
    return terminal, terminal.authenticate(args.manager, args.pin)


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
    entry = terminal.close_shift(manager, counts, parse_confirmed(args.confirm or []), args.reason)  # fmt: skip
    body = entry["body"]
    lines = [f"Z report (entry {entry['seq']}), shift closed by {manager.name}:"]
    for method, f in body["tenders"].items():
        lines.append(
            f"  {method:<8} expected {format_fen(f['expected_fen']):>12}  counted "
            f"{format_fen(f['counted_fen']):>12}  variance {format_fen(f['variance_fen']):>10}"
        )
    lines.append(f"  sales {body['sales_count']}, {format_fen(body['sales_fen'])}; grand total {format_fen(body['grand_total_fen'])}")  # fmt: skip
    emit(args, {**body, "seq": entry["seq"]}, "\n".join(lines))
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
    p.add_argument("--pin", default=os.environ.get("BOOTH_POS_PIN"), help="the manager's PIN (or $BOOTH_POS_PIN)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the journal entry written")


def add_shift_commands(sub) -> None:
    shift = add_command(sub, "shift", "Open a shift with its float; cash in and out of the drawer.",
                        "booth-pos shift open --manager 王强 --pin 1357 --float 50000", None)  # fmt: skip
    ssub = shift.add_subparsers(dest="shift_command", metavar="ACTION", parser_class=OneLineParser)  # fmt: skip
    ssub.required = True
    p = add_command(ssub, "open", "Open a shift: a manager puts the float in the drawer.",
                    "booth-pos shift open --manager 王强 --pin 1357 --float 50000 --counts 10000=3,5000=4",
                    cmd_shift_open)  # fmt: skip
    p.add_argument("--float", type=int, required=True, metavar="FEN", help="the float in fen")
    p.add_argument("--counts", metavar="D=N,...", help="the float by denomination in fen, e.g. 10000=3,5000=4")  # fmt: skip
    _approval(p)
    for name, text in (("cash-in", "Put cash into the drawer during the shift (approved, with a reason)."),
                       ("cash-out", "Take cash out of the drawer during the shift (approved, with a reason).")):  # fmt: skip
        p = add_command(ssub, name, text,
                        f"booth-pos shift {name} --amount 20000 --reason 'change from the bank' --manager 王强 --pin 1357",
                        cmd_shift_cash)  # fmt: skip
        p.add_argument("--amount", type=int, required=True, metavar="FEN", help="the amount in fen")  # fmt: skip
        p.add_argument("--reason", required=True, help="why, for the journal")
        _approval(p)
    p = add_command(ssub, "close", "Close the shift blind: count the drawer first, then see the variances (the Z).",
                    "booth-pos shift close --counts 10000=4,5000=2,100=8 --confirm wechat=13960 --manager 王强 --pin 1357 --json",
                    cmd_shift_close)  # fmt: skip
    p.add_argument("--counts", required=True, metavar="D=N,...", help="the cash in the drawer by denomination in fen")  # fmt: skip
    p.add_argument("--confirm", action="append", metavar="METHOD=FEN", help="a provider's settlement total; repeat per tender (default: accept the expected total)")  # fmt: skip
    p.add_argument("--reason", default="", help="why, when a variance is over shift.variance_threshold_fen")  # fmt: skip
    _approval(p)
    report = add_command(sub, "report", "Reports on the open shift.", "booth-pos report x --json", None)  # fmt: skip
    rsub = report.add_subparsers(dest="report_command", metavar="REPORT", parser_class=OneLineParser)  # fmt: skip
    rsub.required = True
    p = add_command(rsub, "x", "The X report: the open shift's sales, tenders and expected cash; resets nothing.",
                    "booth-pos report x --json", cmd_report_x)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
