"""`booth-pos stock deliveries|check-in|count|transfer|low|minimum`: booth stock for scripts
and tests, the same use cases as the manager screen."""

from __future__ import annotations

from pos.cli.common import add_pin_options, read_pin
from pos.config import resolve_home
from pos.errors import Refused
from pos.terminal import Terminal
from sync.cli_support import add_command, add_group, emit
from sync.protocol.entries import CHECK_IN_REASONS


def _terminal(args) -> Terminal:
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    return terminal


def _manager(args):
    pin = read_pin(args, "The manager's")
    terminal = _terminal(args)
    return terminal, terminal.authenticate(args.manager, pin)


def _pairs(values: list[str] | None, what: str) -> dict[str, str]:
    """CODE=VALUE arguments as a mapping; a repeated code is refused."""
    found: dict[str, str] = {}
    for value in values or []:
        code, sep, rest = value.rpartition("=")
        if not (sep and code.strip() and rest.strip()):
            raise Refused("{value} is not CODE={what}, e.g. 6970006000011=12.", value=value, what=what)  # fmt: skip
        if code.strip() in found:
            raise Refused("{code} is named twice: give each product once.", code=code.strip())
        found[code.strip()] = rest.strip()
    return found


def _quantities(values: list[str] | None) -> dict[str, int]:
    found = {}
    for code, qty in _pairs(values, "QTY").items():
        try:
            found[code] = int(qty)
        except ValueError:
            raise Refused(
                "{qty} is not a whole number: give pieces, or grams for goods sold by the kg.",
                qty=qty,
            ) from None
    return found


def _delivery_json(delivery) -> dict:
    return {
        "delivery_id": delivery.delivery_id,
        "transfer_id": delivery.transfer_id,
        "from_booth": delivery.from_booth,
        "note": delivery.note,
        "sent_at": delivery.sent_at,
        "checked_in_seq": delivery.checked_in_seq,
        "lines": [
            {
                "product_id": line.product_id,
                "name": line.name,
                "unit": line.unit,
                "expected": line.expected,
                "received": line.received,
                "reason": line.reason,
            }  # fmt: skip
            for line in delivery.lines
        ],
    }


def cmd_deliveries(args) -> int:
    found = _terminal(args).booth_stock.deliveries(include_checked_in=args.all)
    text = []
    for delivery in found:
        source = f"transfer {delivery.transfer_id} from {delivery.from_booth}" if delivery.is_transfer else "HQ"  # fmt: skip
        state = f"checked in (entry {delivery.checked_in_seq})" if delivery.checked_in_seq else "expected"  # fmt: skip
        text.append(f"{delivery.delivery_id}  {source}  {delivery.sent_at[:16]}  {state}")
        for line in delivery.lines:
            got = "-" if line.received is None else line.received
            text.append(f"    {line.expected:>8} {line.unit:<5} {line.name}  received {got}")
    emit(args, [_delivery_json(d) for d in found], "\n".join(text) or "No deliveries are expected.")
    return 0


def cmd_check_in(args) -> int:
    terminal, manager = _manager(args)
    reasons = _pairs(args.reason, "|".join(CHECK_IN_REASONS))
    entry = terminal.booth_stock.check_in(
        args.delivery, manager, _quantities(args.line), reasons, args.note
    )
    body = entry["body"]
    short = [line for line in body["lines"] if line["received"] != line["expected"]]
    text = [
        f"{entry['type']} (entry {entry['seq']}): {body['received_total']} received of "
        f"{body['expected_total']} expected, {len(body['lines'])} products"
    ]
    text += [
        f"  {line['name']}: {line['received']} of {line['expected']} {line['unit']} ({line['reason']})"
        for line in short
    ]
    emit(args, entry, "\n".join(text))
    return 0


def cmd_transfer(args) -> int:
    terminal, manager = _manager(args)
    entry = terminal.booth_stock.transfer_out(args.to, _quantities(args.line), manager, args.note)
    body = entry["body"]
    emit(
        args,
        entry,
        f"Transfer {body['transfer_id']} to {body['to_booth']} (entry {entry['seq']}): "
        f"{len(body['lines'])} products, {body['sent_total']} units left stock",
    )
    return 0


def _count_json(count) -> dict | None:
    if count is None:
        return None
    return {
        "count_id": count.count_id,
        "scope": count.scope,
        "category": count.category,
        "started_at": count.started_at,
        "started_by": count.started_by,
        "snapshot_seq": count.snapshot_seq,
        "products": len(count.lines),
        "counted": count.counted,
    }


def cmd_count_start(args) -> int:
    terminal, manager = _manager(args)
    count = terminal.booth_stock.start_count(manager, args.category)
    scope = f"category {count.category}" if count.category else "the whole booth"
    emit(
        args,
        _count_json(count),
        f"Count {count.count_id} of {scope} started: {len(count.lines)} products in the "
        f"snapshot (after entry {count.snapshot_seq}). Keep selling.",
    )
    return 0


def cmd_count_add(args) -> int:
    terminal = _terminal(args)
    added = []
    for code, qty in _quantities(args.line).items():
        line = terminal.booth_stock.add_counted(code, qty, replace=args.set)
        added.append({"product_id": line.product_id, "name": line.name, "counted": line.counted})
    text = "\n".join(f"{a['name']}: {a['counted']} counted" for a in added)
    emit(args, added, text or "Nothing counted: give --line CODE=QTY.")
    return 0


def cmd_count_show(args) -> int:
    terminal = _terminal(args)
    count = terminal.booth_stock.current_count()
    if count is None:
        emit(args, None, "No count is in progress.")
        return 0
    lines = terminal.booth_stock.count_lines(count)
    data = {**_count_json(count), "lines": lines}
    text = [f"Count {count.count_id}: {count.counted} of {len(count.lines)} products counted"]
    text += [
        f"  {line['name']}: counted {line['counted']}, expected {line['expected']}, "
        f"sold {line['sold_during']}, refunded {line['refunded_during']}, variance {line['variance']}"
        for line in lines
    ]
    emit(args, data, "\n".join(text))
    return 0


def cmd_count_finish(args) -> int:
    terminal, manager = _manager(args)
    entry = terminal.booth_stock.finish_count(manager, reason=args.reason, count_id=args.count)
    body = entry["body"]
    missing = [line for line in body["lines"] if line["variance"]]
    text = [
        f"Count {body['count_id']} finished (entry {entry['seq']}): {len(body['lines'])} "
        f"products counted, variance {body['variance_total']}"
        + (f", {body['uncounted']} left uncounted (unchanged)" if body.get("uncounted") else "")
    ]
    text += [f"  {line['name']}: {line['variance']:+} {line['unit']}" for line in missing]
    emit(args, entry, "\n".join(text))
    return 0


def cmd_low(args) -> int:
    rows = _terminal(args).booth_stock.low_stock()
    data = [row.__dict__ for row in rows]
    text = "\n".join(
        f"{r.on_hand:>8} of {r.minimum:<8} {r.unit:<5} {r.name} (minimum from {r.source})"
        for r in rows
    )
    emit(args, data, text or "Nothing is below its minimum.")
    return 0


def cmd_minimum(args) -> int:
    terminal, manager = _manager(args)
    if (args.qty is None) == (not args.clear):
        raise Refused("Give the minimum, or --clear to go back to HQ's.")
    product = terminal.booth_stock.set_minimum(args.code, None if args.clear else args.qty, manager)
    what = "HQ's minimum" if args.clear else f"a minimum of {args.qty}"
    emit(args, {"product_id": product.id, "min_stock": args.qty}, f"{product.name}: {what}")
    return 0


def _approval(p) -> None:
    p.add_argument("--manager", required=True, metavar="NAME", help="the approving manager")
    add_pin_options(p, "the manager's")
    p.add_argument("--json", action="store_true", help="print the journal entry written")


def add_stock_commands(stock_sub) -> None:
    """The booth stock commands, added to `booth-pos stock`."""
    p = add_command(stock_sub, "deliveries", "List the deliveries this booth expects (HQ's and transfers).",
                    "booth-pos stock deliveries --json", cmd_deliveries)  # fmt: skip
    p.add_argument("--all", action="store_true", help="also those already checked in")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(stock_sub, "check-in", "Check a delivery in: what was received, and why it differs.",
                    "booth-pos stock check-in 1128 --line 6970006000011=8 --reason 6970006000011=short --manager 王强 --pin-file ~/.pin",
                    cmd_check_in)  # fmt: skip
    p.add_argument("delivery", metavar="DELIVERY", help="the delivery id, or a transfer id")
    p.add_argument("--line", action="append", metavar="CODE=QTY",
                   help="pieces (grams for goods sold by kg) received; products not named are received as expected")  # fmt: skip
    p.add_argument("--reason", action="append", metavar="CODE=REASON",
                   help="short, damaged or extra, for each line that differs")  # fmt: skip
    p.add_argument("--note", default="")
    _approval(p)
    p = add_command(stock_sub, "transfer", "Send goods to another booth: they leave stock at once.",
                    "booth-pos stock transfer --to B0042 --line 6970006000011=6 --manager 王强 --pin-file ~/.pin",
                    cmd_transfer)  # fmt: skip
    p.add_argument("--to", required=True, metavar="BOOTH", help="HQ's id of the booth")
    p.add_argument("--line", action="append", metavar="CODE=QTY", help="pieces, or grams for goods sold by kg")  # fmt: skip
    p.add_argument("--note", default="")
    _approval(p)
    p = add_command(stock_sub, "low", "List what is below its minimum stock.",
                    "booth-pos stock low --json", cmd_low)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(stock_sub, "minimum", "Set this booth's own minimum stock of a product (wins over HQ's).",
                    "booth-pos stock minimum 6970006000011 12 --manager 王强 --pin-file ~/.pin", cmd_minimum)  # fmt: skip
    p.add_argument("code", metavar="CODE")
    p.add_argument("qty", type=int, nargs="?", metavar="QTY", help="pieces, or grams for goods sold by kg")  # fmt: skip
    p.add_argument("--clear", action="store_true", help="remove the booth's minimum: HQ's applies")
    _approval(p)

    csub = add_group(stock_sub, "count", "Count stock while selling (盘点): start, add, show, finish.",
                     "booth-pos stock count start --category 粮油 --manager 王强 --pin-file ~/.pin")  # fmt: skip
    p = add_command(csub, "start", "Start a count: the snapshot of expected stock is taken now.",
                    "booth-pos stock count start --category 粮油 --manager 王强 --pin-file ~/.pin", cmd_count_start)  # fmt: skip
    p.add_argument("--category", metavar="NAME", help="count one category (default: the whole booth)")  # fmt: skip
    _approval(p)
    p = add_command(csub, "add", "Add what was found on the shelf to the count in progress.",
                    "booth-pos stock count add --line 6970006000011=14 --line 00101=2350", cmd_count_add)  # fmt: skip
    p.add_argument("--line", action="append", metavar="CODE=QTY", help="pieces, or grams for goods sold by kg")  # fmt: skip
    p.add_argument("--set", action="store_true", help="replace what was counted instead of adding")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(csub, "show", "Show the count in progress and its variances so far.",
                    "booth-pos stock count show --json", cmd_count_show)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(csub, "finish", "Finish the count: one stock_count entry adjusts stock by the variances.",
                    "booth-pos stock count finish --manager 王强 --pin-file ~/.pin --reason 'monthly count'",
                    cmd_count_finish)  # fmt: skip
    p.add_argument("--reason", default="")
    p.add_argument("--count", metavar="COUNT_ID", help="the count meant: refused if it is not the one open")  # fmt: skip
    _approval(p)
