"""booth-pos: the terminal's command line (every command has --help with an example).

The commands of a booth's day are here; `booth-pos receipt …` and `booth-pos hw …` are in
pos.cli.hardware, `booth-pos shift …` and `booth-pos report …` in pos.cli.shift, and what
they share in pos.cli.common. `python -m pos.cli` runs it too."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from hardware.serial_port import DeviceError
from pos import __version__
from pos.cart import Cart, Payment
from pos.cli.common import add_pin_options, read_pin
from pos.cli.hardware import add_hw_commands, add_receipt_commands
from pos.cli.payments import add_payments_commands, take_mobile
from pos.cli.shift import add_shift_commands
from pos.cli.stock import add_stock_commands
from pos.config import load_settings, resolve_home
from pos.errors import BoothError, Refused
from pos.money import format_fen
from pos.terminal import CatalogRejected, Terminal
from pos.usecases import mobile_pay
from sync.cli_support import OneLineParser, add_command, add_group, emit
from sync.protocol import journal
from sync.protocol.barcodes import classify

PROG = "booth-pos"


def _open(args) -> Terminal:
    args.terminal_opened = Terminal.open(resolve_home(args.home))
    return args.terminal_opened


# --- handlers --------------------------------------------------------------------------


def cmd_init(args) -> int:
    home = resolve_home(args.home)
    terminal, created = Terminal.init(home, args.terminal, args.booth_name)
    args.terminal_opened = terminal
    verb = "Created" if created else "Already set up:"
    emit(
        args,
        {
            "terminal": terminal.terminal_id,
            "booth_name": terminal.booth_name,
            "home": str(home),
            "created": created,
        },
        f"{verb} terminal {terminal.terminal_id} for {terminal.booth_name} in {home}",
    )
    return 0


def cmd_user_add(args) -> int:
    pin = read_pin(args, f"{args.name}'s", confirm=True)
    terminal = _open(args)
    terminal.add_user(args.name, args.role, pin)
    emit(args, {"name": args.name, "role": args.role}, f"Added {args.role} {args.name}")
    return 0


def cmd_user_list(args) -> int:
    users = _open(args).users()
    rows = [{"name": u.name, "role": u.role} for u in users]
    emit(args, rows, "\n".join(f"{u.name}\t{u.role}" for u in users) or "No users yet.")
    return 0


def cmd_catalog_import(args) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise BoothError(f"Cannot read {args.file}: {exc.strerror}.") from None
    terminal = _open(args)
    try:
        summary, encoding = terminal.import_catalog(data)
    except CatalogRejected as rejected:
        for line in rejected.errors:
            print(line, file=sys.stderr)
        raise
    emit(
        args,
        {**summary.__dict__, "encoding": encoding},
        f"Imported {args.file} ({encoding}): {summary.added} added, {summary.updated} updated, "
        f"{summary.unchanged} unchanged; catalog version {summary.catalog_version}",
    )
    return 0


def _product_dict(p) -> dict:
    return {k: v for k, v in p.__dict__.items()}


def cmd_catalog_search(args) -> int:
    found = _open(args).search(args.text, args.limit)
    text = "\n".join(
        f"{p.plu or '-':>5}  {p.name}  {format_fen(p.price_fen)}{'/kg' if p.weighed else ''}"
        for p in found
    )
    emit(args, [_product_dict(p) for p in found], text or f"Nothing matches '{args.text}'.")
    return 0


def cmd_barcode(args) -> int:
    rules = load_settings(resolve_home(args.home)).barcode
    scans = [classify(code, rules) for code in args.codes]
    for scan in scans:
        if args.json:
            print(journal.canonical(scan.as_dict()))
        else:
            detail = ", ".join(f"{k}={v}" for k, v in scan.as_dict().items() if k not in ("code",))
            print(f"{scan.code}: {detail}")
    return 0 if all(scan.valid for scan in scans) else 1


def _parse_item(text: str) -> tuple[str, int]:
    code, _, qty = text.partition("*")
    if not code:
        raise Refused(f"--item '{text}' has no code: write CODE or CODE*QTY.")
    if qty and not qty.isdigit():
        raise Refused(f"--item '{text}': the quantity after * must be a whole number.")
    return code, int(qty) if qty else 1


def _parse_payment(text: str) -> Payment:
    method, _, rest = text.partition(":")
    amount, _, reference = rest.partition(":")
    if not amount.isdigit():
        raise Refused(
            f"--pay '{text}': write METHOD:FEN[:REF], e.g. cash:5000 for {format_fen(5000)}."
        )
    return Payment(method, int(amount), reference)


def cmd_sale(args) -> int:
    items = [_parse_item(item) for item in args.item]
    payments = [_parse_payment(p) for p in args.pay or []]
    if not payments and not args.code:
        raise Refused("Say how the customer pays: --pay METHOD:FEN, or --code with their payment code.")  # fmt: skip
    pin = read_pin(args, "The cashier's")
    terminal = _open(args)
    cashier = terminal.authenticate(args.cashier, pin)
    cart = Cart()
    for code, qty in items:
        line = terminal.add_to_cart(cart, code, qty)
        if line.certificate == "expired":
            print(
                f"warning: the certificate {line.product.certificate_no} of {line.product.name} "
                f"expired on {line.product.certificate_expires}",
                file=sys.stderr,
            )
    if any(p.method in mobile_pay.MOBILE_METHODS for p in payments) and not (
        terminal.settings.payments_reference_only
    ):
        raise Refused(
            "A WeChat or Alipay payment is collected through HQ: pass the customer's code with "
            "--code (a reference alone is recorded only under payments.reference_only)."
        )
    if args.code:
        due = cart.total_fen - sum(p.amount_fen for p in payments)
        payments.append(take_mobile(terminal, cart, args.code, due, cashier))
    entry = terminal.checkout(cart, payments, cashier)
    body = entry["body"]
    paid = ", ".join(f"{p['method']} {format_fen(p['amount_fen'])}" for p in body["payments"])
    emit(
        args,
        entry,
        f"Sale {terminal.receipt_no(entry['seq'])}: {format_fen(body['total_fen'])}, "
        f"paid {paid}, change {format_fen(body['change_fen'])}",
    )
    return 0


def _stock_rows(rows) -> list[dict]:
    return [
        {
            "product_id": pid,
            "name": name,
            "unit": "g" if unit == "kg" else "piece",
            "on_hand": qty,
            "movements": n,
        }
        for pid, name, unit, qty, n in rows
    ]


def cmd_stock_receive(args) -> int:
    entry = _open(args).receive_stock(args.code, args.qty, args.note or "")
    body = entry["body"]
    emit(
        args,
        entry,
        f"Received {body['delta']} {body['unit']} of {body['name']} (seq {entry['seq']})",
    )
    return 0


def cmd_stock_adjust(args) -> int:
    entry = _open(args).adjust_stock(args.code, args.delta, args.reason)
    body = entry["body"]
    emit(
        args,
        entry,
        f"Adjusted {body['name']} by {body['delta']} {body['unit']} (seq {entry['seq']})",
    )
    return 0


def cmd_stock_show(args) -> int:
    rows = _stock_rows(_open(args).stock(args.code))
    text = "\n".join(f"{r['on_hand']:>8} {r['unit']:<5} {r['name']}" for r in rows)
    emit(args, rows, text or "No stock movements yet.")
    return 0


def cmd_journal_verify(args) -> int:
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as handle:
                verdict = journal.verify(handle)
        except (OSError, UnicodeDecodeError) as exc:
            raise BoothError(f"Cannot read {args.file}: {exc}.") from None
    else:
        terminal = _open(args)
        verdict = terminal.verify_journal()
        behind = terminal.behind_hq()
        if behind is not None:  # the chain here is whole, but HQ holds more of it
            print(f"{PROG}: note: {behind}", file=sys.stderr)
    if verdict.ok:
        emit(
            args,
            verdict.as_dict(),
            f"Journal OK: {verdict.entries} entries, head seq {verdict.head_seq}, "
            f"grand total {format_fen(verdict.grand_total_fen)}",
        )
        return 0
    if args.json:
        print(journal.canonical(verdict.as_dict()))
    print(f"{PROG}: journal broken at seq {verdict.bad_seq}: {verdict.reason}", file=sys.stderr)
    return 1


def cmd_journal_export(args) -> int:
    terminal = _open(args)
    with contextlib.ExitStack() as stack:
        out = (
            stack.enter_context(open(args.out, "w", encoding="utf-8", newline="\n"))
            if args.out
            else sys.stdout
        )
        for line in terminal.export_journal(args.since):
            out.write(line + "\n")
    return 0


def _recover_pause():
    """BOOTH_POS_RECOVER_PAUSE=N: stop inside page N's transaction, before its commit, until
    a line arrives on standard input (the tests SIGKILL the process there)."""
    wanted = os.environ.get("BOOTH_POS_RECOVER_PAUSE", "")
    if not wanted.isdigit():
        return None

    def pause(page: int, last_seq: int) -> None:
        if page == int(wanted):
            print(f"{PROG}: paused before committing page {page} (to seq {last_seq})", file=sys.stderr, flush=True)  # fmt: skip
            sys.stdin.readline()

    return pause


def cmd_journal_recover(args) -> int:
    from sync.client import SyncClient

    client = SyncClient(_open(args), batch=args.page)
    result = client.recover(_recover_pause())
    if result["recovered"]:
        text = (
            f"Recovered {result['recovered']} entries from HQ (seq {result['from_seq'] + 1} to "
            f"{result['head_seq']}, {result['pages']} page(s)); the journal ends at seq "
            f"{result['head_seq']}, as HQ's does: selling can resume."
        )
    else:
        text = (
            f"Nothing to recover: this journal ends at seq {result['head_seq']} and HQ holds it "
            f"up to seq {result['hq_seq']}, the same entries: selling can go on."
        )
    emit(args, result, text)
    return 0


def cmd_demo(args) -> int:
    from pos.demo import run_demo

    return run_demo(resolve_home(args.home), json_output=args.json, repeat=not args.no_repeat)


def cmd_run(args) -> int:
    from pos.ui.app import run

    home = resolve_home(args.home)
    Terminal.open(home).close()  # a missing or broken data directory fails here, in words
    return run(home, kiosk=args.kiosk, language=args.language)


def cmd_enroll(args) -> int:
    from sync.client import enroll

    result = enroll(_open(args), args.server, args.code)
    text = f"Enrolled terminal {result['terminal']} at {result['server']} for booth {result['booth']['id']} ({result['booth']['name']})"  # fmt: skip
    if result["behind_hq"]:
        text += f". {result['behind_hq']}"
    emit(args, result, text)
    return 0


def cmd_sync(args) -> int:
    from sync.client import SyncClient

    result = SyncClient(_open(args)).round()
    data = result.as_dict()
    state = "online" if result.online else "offline"
    if result.behind:
        pushed = "journal behind HQ, nothing pushed"
    else:
        pushed = (
            f"pushed {result.pushed}, acknowledged through seq {result.acked_through}, "
            f"{result.unsynced} unsynced"
        )
    text = f"Sync {state}: {pushed}; pulled {result.pulled} catalog changes (cursor {result.catalog_cursor})"  # fmt: skip
    if result.skew_ms is not None:
        text += f"; clock {result.skew_ms / 1000:+.1f} s from the server"
    emit(args, data, text)
    if result.error or result.blocked or result.behind:
        print(f"{PROG}: {result.blocked or result.behind or result.error}", file=sys.stderr)
        return 1
    return 0


def cmd_doctor(args) -> int:
    from pos.doctor import render, run_checks

    report = run_checks(resolve_home(args.home))
    emit(args, report.as_dict(), render(report))
    return 0 if report.ok else 1


# --- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description="Booth POS terminal: sells offline, keeps a hash-chained journal.",
        epilog="example:\n  booth-pos --home /var/lib/booth-pos journal verify",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="data directory (default: $BOOTH_POS_HOME, else the user data dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True

    p = add_command(sub, "init", "Create the terminal's database in the data directory.",
                 "booth-pos --home /var/lib/booth-pos init --terminal CQ-FJ-001-T1 --booth-name '奉节县扶贫专柜'",
                 cmd_init)  # fmt: skip
    p.add_argument("--terminal", required=True, metavar="ID", help="terminal id, e.g. CQ-FJ-001-T1")
    p.add_argument(
        "--booth-name", required=True, metavar="NAME", help="booth name printed on receipts"
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    user_sub = add_group(
        sub,
        "user",
        "Manage cashiers and managers.",
        "booth-pos user add 李娜 --role cashier --pin-file /run/user/1000/pin",
    )
    p = add_command(user_sub, "add", "Add a cashier or manager with a PIN (stored only as a salted hash).",
                 "booth-pos user add 李娜 --role cashier   # then type the PIN twice", cmd_user_add)  # fmt: skip
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["cashier", "manager"])
    add_pin_options(p, "the new user's (4 to 8 digits)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        user_sub, "list", "List users and roles.", "booth-pos user list --json", cmd_user_list
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    cat_sub = add_group(
        sub,
        "catalog",
        "Import and search the product catalog.",
        "booth-pos catalog import products.csv",
    )
    p = add_command(cat_sub, "import", "Import a catalog CSV (UTF-8 or GBK); all rows or none.",
                 "booth-pos catalog import assets/demo/catalog.csv", cmd_catalog_import)  # fmt: skip
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(cat_sub, "search", "Find products by barcode, PLU, name or pinyin initials.",
                 "booth-pos catalog search fjqc", cmd_catalog_search)  # fmt: skip
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add_command(sub, "barcode", "Say what kind of code each CODE is (product, scale label, payment code).",
                 "booth-pos barcode 6901234567892 2112345012342 --json", cmd_barcode)  # fmt: skip
    p.add_argument("codes", nargs="+", metavar="CODE")
    p.add_argument("--json", action="store_true", help="one JSON object per code, in order")

    p = add_command(sub, "sale", "Ring up and commit a sale (for smoke tests and scripts).",
                 "BOOTH_POS_PIN=2468 booth-pos sale --cashier 李娜 --item 6901234567892*2 --pay cash:5000 --json",
                 cmd_sale)  # fmt: skip
    p.add_argument("--cashier", required=True, metavar="NAME")
    add_pin_options(p, "the cashier's")
    p.add_argument("--item", action="append", required=True, metavar="CODE[*QTY]",
                   help="barcode, scale label or PLU, optionally *QTY; repeat per item")  # fmt: skip
    p.add_argument("--pay", action="append", metavar="METHOD:FEN[:REF]",
                   help="cash, wechat, alipay, card or voucher; repeat to split")  # fmt: skip
    p.add_argument("--code", metavar="CODE",
                   help="the customer's WeChat Pay / Alipay payment code: collects what is still due through HQ")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the journal entry written")

    stock_sub = add_group(
        sub,
        "stock",
        "Stock: deliveries checked in, counts, transfers, low stock (on hand = sum of movements).",
        "booth-pos stock show",
    )
    p = add_command(stock_sub, "receive", "Record a delivery (pieces, or grams for products sold by kg).",
                 "booth-pos stock receive 6901234567892 24 --note 'HQ delivery 1128'", cmd_stock_receive)  # fmt: skip
    p.add_argument("code", metavar="CODE")
    p.add_argument("qty", type=int, metavar="QTY")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true", help="print the journal entry written")
    p = add_command(stock_sub, "adjust", "Correct stock up or down, with a reason.",
                 "booth-pos stock adjust 6901234567892 -2 --reason 'damaged in transit'", cmd_stock_adjust)  # fmt: skip
    p.add_argument("code", metavar="CODE")
    p.add_argument("delta", type=int, metavar="DELTA")
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true", help="print the journal entry written")
    p = add_command(
        stock_sub,
        "show",
        "Show stock on hand.",
        "booth-pos stock show 6901234567892 --json",
        cmd_stock_show,
    )
    p.add_argument("code", nargs="?", metavar="CODE")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_stock_commands(stock_sub)

    jrn_sub = add_group(
        sub,
        "journal",
        "Verify, export or recover the hash-chained journal.",
        "booth-pos journal verify",
    )
    p = add_command(jrn_sub, "verify", "Check hashes, chain, gap-free seqs and the grand total.",
                 "booth-pos journal verify --json", cmd_journal_verify)  # fmt: skip
    p.add_argument(
        "--file", metavar="FILE.jsonl", help="verify an exported journal instead of this terminal's"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(jrn_sub, "export", "Write the journal as JSON lines, exactly as hashed.",
                 "booth-pos journal export --since 120 --out journal.jsonl", cmd_journal_export)  # fmt: skip
    p.add_argument("--since", type=int, default=0, metavar="SEQ", help="only entries after SEQ")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    p = add_command(jrn_sub, "recover", "Fetch from HQ the entries this PC lacks (restored from an older backup, or a replacement PC), verify and re-apply them; then selling resumes.",
                 "booth-pos journal recover", cmd_journal_recover)  # fmt: skip
    p.add_argument(
        "--page",
        type=int,
        default=500,
        choices=range(1, 501),
        metavar="N",
        help="entries fetched and applied per transaction (1 to 500, default 500)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add_command(sub, "enroll", "Enrol this terminal with the central server using a one-time code.",
                 "booth-pos enroll --server https://hq.example.cn --code 7KQ4-M9XP-2HTD", cmd_enroll)  # fmt: skip
    p.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="the central server, e.g. https://hq.example.cn",
    )
    p.add_argument("--code", required=True, metavar="CODE", help="the one-time code from HQ")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add_command(sub, "sync", "Sync with the central server: push the journal, pull the catalog.",
                 "booth-pos sync --once --json", cmd_sync)  # fmt: skip
    p.add_argument(
        "--once", action="store_true", help="one round, then exit (the only mode for now)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add_command(sub, "doctor", "Check that this terminal is ready to sell: config, database, journal, disk, devices, server, clock.",
                 "booth-pos --home /var/lib/booth-pos doctor --json", cmd_doctor)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print every check as JSON")

    p = add_command(sub, "run", "Open the cashier's window (full screen with --kiosk).",
                 "booth-pos --home /var/lib/booth-pos run --kiosk", cmd_run)  # fmt: skip
    p.add_argument("--kiosk", action="store_true", help="full screen, for the booth's kiosk PC")
    p.add_argument(
        "--language",
        choices=["zh_CN", "en"],
        default="zh_CN",
        help="starting language (default zh_CN)",
    )

    p = add_command(sub, "demo", "Set up a demo booth and ring up demo sales end to end.",
                 "booth-pos --home ./demo-home demo", cmd_demo)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--no-repeat",
        action="store_true",
        help="ring up the demo sales only when the demo booth is new",
    )

    add_receipt_commands(sub)
    add_hw_commands(sub)
    add_shift_commands(sub)
    add_payments_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BoothError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except DeviceError as exc:  # a printer, scanner or scale: the message says what to check
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        opened = getattr(args, "terminal_opened", None)
        if opened is not None:
            opened.close()
