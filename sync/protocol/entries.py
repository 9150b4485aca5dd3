"""Every journal entry type, the fields its body holds, and the checks on them (version 1).

The one statement of what an entry must hold: the terminal checks each entry with
:func:`problem` before it writes it, and the central server checks every pushed entry
with the same function before it stores it. An entry with a problem is malformed: the
terminal refuses to write it, the server answers 422 and stores nothing of the push.

Whether an entry agrees with what came before it (the chain, the grand total, a refund of
a sale that exists) is the journal's and the server's business, not this module's.
Standard library only.
"""

from __future__ import annotations

import re

from sync.protocol.journal import (
    KEYS,
    MAX_ROUNDING_FEN,
    VERSION,
    floats_in,
    parse_utc,
    sale_rounding_problem,
)
from sync.protocol.payments import METHODS as COLLECTED_METHODS
from sync.protocol.payments import out_refund_no_problem, out_trade_no_problem, subsidy_problem

#: Bounds on every integer in a body, so no figure can overflow a database column or a
#: report's sum (BIGINT, SQLite's int64) however many rows it adds up.
#: One line, one payment, one cash move, one float: at most ￥1,000,000.
MAX_AMOUNT_FEN = 100_000_000
#: Totals, change, grand totals, a Z's figures: inside 2**53 (exact in every JSON reader).
MAX_TOTAL_FEN = 2**53 - 1
#: Counts of things (sales on a Z, notes in a drawer, seqs): the same safe bound.
MAX_COUNT = 2**53 - 1
MAX_QTY = 100_000
#: 10 tonnes.
MAX_WEIGHT_G = 10_000_000
#: One stock move: at most ten million units in or out.
MAX_DELTA = 10_000_000
#: Nesting of a body: a sale is body > lines > line (3); anything deeper than this is junk.
MAX_DEPTH = 8
#: ``at`` is a full UTC time as terminals write it, inside the years a terminal can live.
AT_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
EARLIEST_AT = "2020-01-01T00:00:00"
LATEST_AT = "2100-01-01T00:00:00"

#: Every entry type a terminal writes.
ENTRY_TYPES = (
    "sale",
    "refund",
    "receipt_copy",
    "drawer_open",
    "shift_open",
    "cash_in",
    "cash_out",
    "z_close",
    "z_copy",
    "stock_receive",
    "stock_adjust",
    "delivery_received",
    "transfer_out",
    "transfer_in",
    "stock_count",
)
HEX64 = re.compile(r"^[0-9a-f]{64}$")
#: Entries that move one product's stock by ``delta``.
STOCK_TYPES = ("stock_receive", "stock_adjust")
#: Entries that move the stock of several products, one line each (booth stock).
STOCK_LINE_TYPES = ("delivery_received", "transfer_out", "transfer_in", "stock_count")
#: Why a checked-in line differs from what was expected: fewer arrived (``short``), some
#: arrived unsellable and stay out of stock (``damaged``), more arrived (``extra``).
CHECK_IN_REASONS = ("short", "damaged", "extra")
#: What a count covers: every product of the booth, or one category.
COUNT_SCOPES = ("all", "category")
#: Lines in one stock entry: a whole booth's count of every certified product fits.
MAX_STOCK_LINES = 10_000
#: How a customer pays (a sale's payments) and how money goes back (a refund's).
PAYMENT_METHODS = ("cash", "wechat", "alipay", "card", "voucher")
#: The methods HQ collects through a gateway (sync/protocol/payments.py).
PAYMENT_METHODS_COLLECTED = COLLECTED_METHODS
#: What a sale or refund line's price is per: a piece, or a kg (the line then has weight_g).
LINE_UNITS = {"piece": "qty", "kg": "weight_g"}
#: The unit of a stock move's delta: pieces, or grams for products sold by the kg.
STOCK_UNITS = ("piece", "g")
MAX_TEXT = 200
#: Reasons (refunds, Z reports) are free text typed by a manager: allow a paragraph.
MAX_REASON = 1000
REFUND_KINDS = ("refund", "post_void")
#: A Z's shift figures (integers, 0 or more) in the groups and order the Z report prints
#: them: a count and its amount, or the drawer's amounts.
Z_SALES = ("sales_count", "sales_fen")
Z_REFUNDS = ("refunds_count", "refunds_fen")
Z_POST_VOIDS = ("post_voids_count", "post_voids_fen")
Z_DISCOUNTS = ("discount_fen",)
#: The shift's cash rounding (抹零): its sales' rounding_fen less its refunds'; may be < 0.
Z_ROUNDING = ("rounding_fen",)
Z_VOIDED = ("voided_lines", "voided_fen")
Z_DRAWER = ("float_fen", "cash_in_fen", "cash_out_fen")
Z_FIGURE_GROUPS = (Z_SALES, Z_REFUNDS, Z_POST_VOIDS, Z_DISCOUNTS, Z_ROUNDING, Z_VOIDED, Z_DRAWER)
#: Groups that came later (refunds, then rounding): an older z_close lacks them (read as 0).
Z_ADDED_GROUPS = (Z_REFUNDS, Z_POST_VOIDS, Z_DISCOUNTS, Z_ROUNDING)
Z_FIGURES = tuple(key for group in Z_FIGURE_GROUPS for key in group)
Z_ADDED_FIGURES = tuple(key for group in Z_ADDED_GROUPS for key in group)
#: Per tender on a Z: what the journal says the drawer or provider should hold, what was
#: counted or confirmed, and counted minus expected.
TENDER_FIGURES = ("expected_fen", "counted_fen", "variance_fen")
#: A tender on a Z may also say whether its counted figure is HQ's verified total of what the
#: gateway collected (true) or typed by hand while offline (false); absent: not said.
TENDER_VERIFIED = "verified"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, limit: int = MAX_TEXT) -> bool:
    # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the INSERT.
    return isinstance(value, str) and len(value) <= limit and "\x00" not in value


def _name(value, limit: int = MAX_TEXT) -> bool:
    """Short text that is not blank: an id or a person's name."""
    return _text(value, limit) and bool(value.strip())


def _count(value, limit: int = MAX_COUNT) -> bool:
    """An integer from 0 to ``limit``."""
    return _is_int(value) and 0 <= value <= limit


def _within(value, limit: int) -> bool:
    """An integer from -``limit`` to ``limit``."""
    return _is_int(value) and -limit <= value <= limit


def _fen(value) -> str:
    """A bound in fen as a person reads it: ￥1,000,000."""
    return f"{value // 100:,}" if value % 100 == 0 else f"{value / 100:,.2f}"


def too_deep(value, limit: int = MAX_DEPTH) -> bool:
    """True when objects and lists nest deeper than ``limit`` levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def at_problem(at) -> str | None:
    """Why ``at`` is not a UTC time a terminal could have written, or None."""
    if not (isinstance(at, str) and AT_FORM.match(at)):
        return f"at {_show(at)} is not a full UTC time like 2026-11-28T09:15:02.120Z"
    try:
        parse_utc(at)
    except ValueError:
        return f"at {_show(at)} is not a real time"
    if not EARLIEST_AT <= at[:19] < LATEST_AT:
        return f"at {_show(at)} is outside 2020-01-01 to 2100-01-01"
    return None


def _show(value) -> str:
    """A value from a body, shortened for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def problem(entry) -> str | None:
    """Why an entry cannot be a version-1 journal entry, or None."""
    if not isinstance(entry, dict):
        return "an entry is not a JSON object"
    if sorted(entry) != list(KEYS):
        return f"entry keys are {sorted(entry)[:10]}, expected {list(KEYS)}"
    if entry["v"] != VERSION:
        return f"unknown entry version {entry['v']!r}"
    if not _is_int(entry["seq"]) or not 1 <= entry["seq"] <= MAX_COUNT:
        return "seq must be a positive integer below 2**53"
    if not (_text(entry["type"], 32) and _text(entry["terminal"], 64) and _text(entry["at"], 32)):
        return "type, terminal and at must be short strings"
    reason = at_problem(entry["at"])
    if reason:
        return reason
    if not (isinstance(entry["prev"], str) and HEX64.match(entry["prev"])):
        return "prev must be 64 lowercase hex digits"
    if not (isinstance(entry["hash"], str) and HEX64.match(entry["hash"])):
        return "hash must be 64 lowercase hex digits"
    if not isinstance(entry["body"], dict):
        return "body must be a JSON object"
    if too_deep(entry["body"]):
        return f"the body nests objects and lists deeper than {MAX_DEPTH} levels"
    if floats_in(entry["body"]):
        return "a number in the body is not an integer"
    check = _BODY_CHECKS.get(entry["type"])
    if check is None:
        return f"unknown entry type {_show(entry['type'])}: the types are {', '.join(ENTRY_TYPES)}"
    return check(entry["body"], entry["seq"])


def _stock_problem(body: dict, seq: int) -> str | None:
    """A delivery received (``stock_receive``) or a correction (``stock_adjust``)."""
    if not (_text(body.get("product_id"), 64) and _is_int(body.get("delta"))):
        return "a stock move needs product_id and an integer delta"
    if not _within(body["delta"], MAX_DELTA):
        return f"a stock move's delta is at most {MAX_DELTA:,} units either way"
    if body["delta"] == 0:
        return "a stock move's delta is not 0: it changes nothing"
    if "unit" in body and body["unit"] not in STOCK_UNITS:
        return f"a stock move's unit is piece or g, not {_show(body['unit'])}"
    return None


def _receive_problem(body: dict, seq: int) -> str | None:
    """A delivery received: stock comes in, never goes out."""
    reason = _stock_problem(body, seq)
    if reason is None and body["delta"] < 0:
        return f"a stock_receive adds stock: its delta is more than 0, not {body['delta']}"
    return reason


def _shift_open_problem(body: dict, seq: int) -> str | None:
    """A shift opened by a manager with the float counted into the drawer."""
    if not (_name(body.get("shift_id"), 64) and _name(body.get("by"))):
        return "a shift_open needs shift_id and by, the manager who opened it"
    if not _count(body.get("float_fen"), MAX_AMOUNT_FEN):
        return f"a shift_open needs float_fen, an integer from 0 to {MAX_AMOUNT_FEN} (￥{_fen(MAX_AMOUNT_FEN)})"
    counts = body.get("counts", {})
    if not (isinstance(counts, dict) and all(_count(v) for v in counts.values())):
        return "a shift_open's counts map denominations to integers of 0 or more"
    return None


def _cash_move_problem(body: dict, seq: int) -> str | None:
    """Cash put into (``cash_in``) or taken out of (``cash_out``) the drawer."""
    if not (_name(body.get("shift_id"), 64) and _name(body.get("approved_by"))):
        return "a cash move needs shift_id and approved_by, the manager who approved it"
    if not (_count(body.get("amount_fen"), MAX_AMOUNT_FEN) and body["amount_fen"] > 0):
        return f"a cash move needs amount_fen, a positive integer of at most {MAX_AMOUNT_FEN} (￥{_fen(MAX_AMOUNT_FEN)})"
    if not _text(body.get("reason"), MAX_REASON):
        return f"a cash move needs a reason of at most {MAX_REASON} characters"
    return None


def _drawer_open_problem(body: dict, seq: int) -> str | None:
    """The drawer opened outside a sale, by whom and why."""
    if not (_text(body.get("by")) and _text(body.get("reason"), MAX_REASON)):
        return "a drawer_open needs by and reason"
    return None


def _copy_problem(key: str):
    """A reprint (receipt_copy of a sale, z_copy of a Z): the seq of what was reprinted."""

    def check(body: dict, seq: int) -> str | None:
        earlier = body.get(key)
        if not (_is_int(earlier) and 1 <= earlier < seq):
            return f"a copy needs {key}, the seq of an earlier entry (not {_show(earlier)})"
        if not (_text(body.get("by")) and _text(body.get("receipt_no", ""), 64)):
            return "a copy's by and receipt_no must be short strings"
        return None

    return check


def _sale_problem(body: dict) -> str | None:
    if not (_text(body.get("sale_id"), 64) and body["sale_id"] and _text(body.get("cashier"))):
        return "a sale needs sale_id and cashier"
    for key in ("total_fen", "change_fen", "grand_total_fen"):
        if not _is_int(body.get(key)):
            return f"a sale needs an integer {key}"
        if not _within(body[key], MAX_TOTAL_FEN):
            return f"a sale's {key} is beyond the bound of 2**53 fen"
    lines, pays = body.get("lines"), body.get("payments")
    if not (isinstance(lines, list) and lines and isinstance(pays, list) and pays):
        return "a sale needs lines and payments"
    for line in lines:
        problem = _line_problem(line, "sale")
        if problem:
            return problem
    for pay in pays:
        problem = _payment_problem(pay, "sale")
        if problem:
            return problem
        if pay["amount_fen"] <= 0:
            return f"a sale's {pay['method']} payment is more than 0 fen, not {pay['amount_fen']}"
    return sale_rounding_problem(body) or _sale_sums_problem(body, lines, pays)


def _sale_sums_problem(body: dict, lines: list, pays: list) -> str | None:
    """The figures of a sale agree with each other, as the cart makes them: payments less
    change are the total plus the cash rounding (抹零, ``rounding_fen``, 0 when absent)."""
    total, change = body["total_fen"], body["change_fen"]
    if total < 0 or change < 0:
        return "a sale's total_fen and change_fen are 0 or more"
    lines_total = sum(line["amount_fen"] for line in lines)
    if lines_total != total:
        return f"sale lines add up to {lines_total} fen but total_fen is {total}"
    paid = sum(pay["amount_fen"] for pay in pays)
    rounding = body.get("rounding_fen", 0)
    if paid - change != total + rounding:
        rounded = f" plus rounding_fen {rounding}" if rounding else ""
        return (
            f"sale payments of {paid} fen less change_fen {change} are not total_fen {total}"
            f"{rounded}"
        )
    cash = sum(pay["amount_fen"] for pay in pays if pay["method"] == "cash")
    if change > cash:
        return f"change is given in cash only: change_fen {change} is more than the {cash} fen paid in cash"
    return None


def _line_problem(line, what: str) -> str | None:
    """Why a sale line, or a refund line (shaped like one), cannot be stored."""
    if not isinstance(line, dict):
        return f"a {what} line is not an object"
    if not (
        _text(line.get("product_id"), 64)
        and _text(line.get("barcode"), 32)
        and _text(line.get("name"), MAX_TEXT)
    ):
        return f"a {what} line needs product_id, barcode and name"
    if not (_is_int(line.get("unit_price_fen")) and _is_int(line.get("amount_fen"))):
        return f"a {what} line needs integer unit_price_fen and amount_fen"
    for key in ("unit_price_fen", "amount_fen", "discount_fen", "list_price_fen"):
        if key in line and not _count(line[key], MAX_AMOUNT_FEN):
            return (
                f"a {what} line has {key} of 0 or more, at most {MAX_AMOUNT_FEN} fen"
                f" (￥{_fen(MAX_AMOUNT_FEN)}), not {_show(line[key])}"
            )
    sizes = [(key, line[key]) for key in ("qty", "weight_g") if key in line]
    if not (len(sizes) == 1 and _is_int(sizes[0][1])):
        return f"a {what} line needs an integer qty or weight_g (one of them)"
    key, size = sizes[0]
    limit = MAX_QTY if key == "qty" else MAX_WEIGHT_G
    if not 1 <= size <= limit:
        return f"a {what} line has a positive qty or weight_g: its {key} is from 1 to {limit:,}, not {_show(size)}"
    if "unit" in line and LINE_UNITS.get(line["unit"]) != key:
        return (
            f"a {what} line's unit is piece (with qty) or kg (with weight_g), "
            f"not {_show(line['unit'])} with {key}"
        )
    if not (_text(line.get("supplier_id", ""), 64) and _text(line.get("county", ""))):
        return "supplier_id and county must be short strings"
    return None


def _payment_problem(pay, kind: str) -> str | None:
    if not (
        isinstance(pay, dict) and _text(pay.get("method"), 16) and _is_int(pay.get("amount_fen"))
    ):
        return "a payment needs a method and an integer amount_fen"
    if pay["method"] not in PAYMENT_METHODS:
        return f"payment method {_show(pay['method'])} is not one of {', '.join(PAYMENT_METHODS)}"
    if not _within(pay["amount_fen"], MAX_AMOUNT_FEN):
        return (
            f"a payment's amount_fen is at most {MAX_AMOUNT_FEN} fen (￥{_fen(MAX_AMOUNT_FEN)}),"
            f" not {_show(pay['amount_fen'])}"
        )
    if not _text(pay.get("reference", "")):
        return "a payment reference must be a short string"
    return _collected_problem(pay) or (
        _subsidy_problem(pay) if kind == "sale" else _gateway_refund_problem(pay)
    )


#: A sale's mobile tender may say what vouchers covered (HQ's paid answer, additive).
SUBSIDY_FIELDS = ("subsidy_fen", "vouchers")
#: A refund's mobile tender returned through the gateway names the sale's payment and the
#: provider's refund number (additive).
GATEWAY_REFUND_FIELDS = ("out_trade_no", "out_refund_no")


def _subsidy_problem(pay: dict) -> str | None:
    """``subsidy_fen`` and ``vouchers`` (optional, together): on a tender collected through
    HQ only, the vouchers adding up to the subsidy, at most the tender's amount."""
    if "out_refund_no" in pay:
        return "only a refund's payment carries out_refund_no"
    present = [key for key in SUBSIDY_FIELDS if key in pay]
    if not present:
        return None
    if len(present) == 1:
        return "a payment's subsidy_fen and vouchers come together"
    if "out_trade_no" not in pay:
        return "only a payment collected through HQ (with out_trade_no) carries subsidy_fen and vouchers"
    return subsidy_problem(pay["amount_fen"], pay["subsidy_fen"], pay["vouchers"])


def _gateway_refund_problem(pay: dict) -> str | None:
    """A refund's tender to be returned through WeChat Pay or Alipay carries both
    ``out_trade_no`` (the sale's payment) and ``out_refund_no`` (the provider's refund
    number the till made); a tender without them was handed back at the booth."""
    if any(key in pay for key in SUBSIDY_FIELDS):
        return "a refund's payment carries no subsidy_fen or vouchers"
    if "out_refund_no" not in pay and "out_trade_no" not in pay:
        return None
    if "out_refund_no" not in pay or "out_trade_no" not in pay:
        return (
            "a refund's payment returned through the gateway carries out_trade_no and out_refund_no"
        )
    if pay["amount_fen"] <= 0:
        return "a refund returned through the gateway gives back more than 0 fen"
    return out_refund_no_problem(pay["out_refund_no"])


def _collected_problem(pay: dict) -> str | None:
    """A mobile tender collected through HQ names its attempt: out_trade_no (the number the
    till gave the payment) and transaction_id (the gateway's). Both are optional: a tender
    recorded as a reference only has neither."""
    if "out_trade_no" not in pay and "transaction_id" not in pay:
        if "out_refund_no" in pay and pay["method"] not in PAYMENT_METHODS_COLLECTED:
            return f"only {' and '.join(PAYMENT_METHODS_COLLECTED)} payments carry out_refund_no"
        return None
    if pay["method"] not in PAYMENT_METHODS_COLLECTED:
        return f"only {' and '.join(PAYMENT_METHODS_COLLECTED)} payments carry out_trade_no"
    if "out_trade_no" not in pay:
        return "a payment with a transaction_id needs its out_trade_no"
    found = out_trade_no_problem(pay["out_trade_no"])
    if found:
        return found
    if not _text(pay.get("transaction_id", ""), 64):
        return "a payment's transaction_id must be a string of at most 64 characters"
    return None


def _refund_problem(body: dict, seq: int) -> str | None:
    """A refund or post-void: what went back (lines) and how the money went back (payments).

    Amounts are positive (what is given back); lines add up to ``total_fen`` and payments
    to ``total_fen`` plus the cash rounding (``rounding_fen``, 0 when absent). Whether the
    sale exists and has that much left is checked in ``_store``.
    """
    if not _name(body.get("refund_id"), 64):
        return "a refund needs refund_id"
    if body.get("kind") not in REFUND_KINDS:
        return f"a refund's kind is refund or post_void, not {_show(body.get('kind'))}"
    if not _name(body.get("sale_id"), 64):
        return "a refund needs the sale_id of the sale it refunds"
    sale_seq = body.get("sale_seq")
    if not (_is_int(sale_seq) and 1 <= sale_seq < seq):
        return f"a refund needs sale_seq, the seq of an earlier sale (not {_show(sale_seq)})"
    if not _text(body.get("cashier")):
        return "a refund needs cashier"
    if not _name(body.get("approved_by")):
        return "a refund needs approved_by, the manager who approved it"
    if not _text(body.get("reason", ""), MAX_REASON):
        return f"a refund's reason must be text of at most {MAX_REASON} characters"
    if not (
        _count(body.get("total_fen"), MAX_TOTAL_FEN)
        and _within(body.get("grand_total_fen"), MAX_TOTAL_FEN)
    ):
        return (
            "a refund needs total_fen (0 or more) and an integer grand_total_fen, inside 2**53 fen"
        )
    lines, pays = body.get("lines"), body.get("payments")
    if not (isinstance(lines, list) and lines and isinstance(pays, list) and pays):
        return "a refund needs lines (what goes back) and payments (how the money goes back)"
    for line in lines:
        problem = _line_problem(line, "refund")
        if problem:
            return problem
        size = line.get("weight_g", line.get("qty"))
        if not (size > 0 and _count(line["amount_fen"])):
            return (
                "a refund line gives back a positive qty or weight_g and an amount_fen of 0 or more"
            )
        if not (_count(line.get("discount_fen", 0)) and _count(line.get("line_no", 1))):
            return "a refund line's discount_fen and line_no must be integers of 0 or more"
    for pay in pays:
        problem = _payment_problem(pay, "refund")
        if problem:
            return problem
        if pay["amount_fen"] < 0:
            return "a refund payment is the money handed back: 0 or more"
    total = body["total_fen"]
    lines_total = sum(line["amount_fen"] for line in lines)
    if lines_total != total:
        return f"refund lines add up to {lines_total} fen but total_fen is {total}"
    reason = _refund_rounding_problem(body, pays)
    if reason:
        return reason
    paid = sum(pay["amount_fen"] for pay in pays)
    rounding = body.get("rounding_fen", 0)
    if paid != total + rounding:
        rounded = f" plus rounding_fen {rounding}" if rounding else ""
        return f"refund payments add up to {paid} fen but total_fen is {total}{rounded}"
    return None


def _refund_rounding_problem(body: dict, pays: list) -> str | None:
    """A refund's ``rounding_fen`` (optional): what rounding the cash given back to the jiao
    added to it, at most 9 fen either way, only with a cash refund payment. A refund that
    takes back all that is left of a rounded sale returns the sale's rounding (less what
    earlier refunds returned), so the customer gets back exactly what was paid."""
    if "rounding_fen" not in body:
        return None
    rounding = body["rounding_fen"]
    if not _is_int(rounding):
        return "a refund's rounding_fen must be an integer"
    if not _within(rounding, MAX_ROUNDING_FEN):
        return (
            f"a refund's rounding_fen is at most {MAX_ROUNDING_FEN} fen either way, not {rounding}"
        )
    if rounding and not any(pay["method"] == "cash" for pay in pays):
        return "a refund's rounding_fen rounds the cash given back: it needs a cash payment"
    return None


def _z_close_problem(body: dict, seq: int) -> str | None:
    """A Z report: the shift's figures and, per tender, expected, counted and variance."""
    if not _name(body.get("shift_id"), 64):
        return "a z_close needs the shift_id of the shift it closes"
    opened = body.get("opened_seq")
    if not (_is_int(opened) and 1 <= opened < seq):
        return f"a z_close needs opened_seq, the seq of its shift_open (not {_show(opened)})"
    if not _name(body.get("by")):
        return "a z_close needs by, the manager who closed the shift"
    for key in Z_FIGURES:
        if key in Z_ROUNDING:
            if not _within(body.get(key, 0), MAX_TOTAL_FEN):
                return f"a z_close's {key} must be an integer inside 2**53 fen either way"
        elif key in Z_ADDED_FIGURES:
            if not _count(body.get(key, 0)):
                return f"a z_close's {key} must be an integer of 0 or more, below 2**53"
        elif not _count(body.get(key)):
            return f"a z_close needs {key}, an integer of 0 or more, below 2**53"
    if not _within(body.get("grand_total_fen"), MAX_TOTAL_FEN):
        return "a z_close needs an integer grand_total_fen inside 2**53 fen"
    if not _text(body.get("reason", ""), MAX_REASON):
        return f"a z_close's reason must be text of at most {MAX_REASON} characters"
    tenders = body.get("tenders")
    if not isinstance(tenders, dict):
        return "a z_close needs tenders: payment method -> expected_fen, counted_fen, variance_fen"
    for method, figures in tenders.items():
        if not _name(method, 16):
            return f"a z_close tender method is 1 to 16 characters, not {_show(method)}"
        if not (
            isinstance(figures, dict)
            and all(_within(figures.get(k), MAX_TOTAL_FEN) for k in TENDER_FIGURES)
        ):
            return (
                f"z_close tender {method} needs integer expected_fen, counted_fen and variance_fen"
                " inside 2**53 fen"
            )
        if not isinstance(figures.get(TENDER_VERIFIED, False), bool):
            return f"z_close tender {method}: verified is true or false"
        expected, counted, variance = (figures[k] for k in TENDER_FIGURES)
        if variance != counted - expected:
            return (
                f"z_close tender {method}: variance_fen {variance} is not counted_fen {counted} "
                f"minus expected_fen {expected}"
            )
    for key in ("counts", "suppliers", "counties"):
        value = body.get(key, {})
        if not (
            isinstance(value, dict)
            and all(_text(k) and _within(v, MAX_TOTAL_FEN) for k, v in value.items())
        ):
            return f"a z_close's {key} must map names to integers inside 2**53"
    return None


# --- booth stock: deliveries checked in, transfers, counts --------------------------------


def _stock_line_head(line, what: str) -> str | None:
    """What every stock line starts with: the product, its name and the unit of its numbers."""
    if not isinstance(line, dict):
        return f"a {what} line is not an object"
    if not (_name(line.get("product_id"), 64) and _text(line.get("name"), MAX_TEXT)):
        return f"a {what} line needs product_id (at most 64 characters) and name"
    if line.get("unit") not in STOCK_UNITS:
        return f"a {what} line's unit is piece or g, not {_show(line.get('unit'))}"
    return None


def _stock_lines(body: dict, what: str, check) -> str | None:
    """Lines: a non-empty list of at most MAX_STOCK_LINES, each product once, each checked."""
    lines = body.get("lines")
    if not (isinstance(lines, list) and lines):
        return f"a {what} needs lines"
    if len(lines) > MAX_STOCK_LINES:
        return f"a {what} has at most {MAX_STOCK_LINES:,} lines, not {len(lines):,}"
    seen = set()
    for line in lines:
        found = _stock_line_head(line, what) or check(line)
        if found:
            return found
        if line["product_id"] in seen:
            return f"a {what} names product {_show(line['product_id'])} on more than one line"
        seen.add(line["product_id"])
    return None


def _total_problem(body: dict, what: str, total_key: str, line_key: str) -> str | None:
    """A total the body states equals the sum of its lines' figure."""
    total = body.get(total_key)
    summed = sum(line[line_key] for line in body["lines"])
    if not _is_int(total) or total != summed:
        return f"a {what}'s {total_key} is the sum of its lines' {line_key} ({summed}), not {_show(total)}"
    return None


def check_in_line_problem(line: dict, what: str = "check-in") -> str | None:
    """A checked-in line: ``expected`` and ``received`` (0 or more), and a ``reason`` exactly
    when they differ: ``short`` or ``damaged`` when fewer, ``extra`` when more."""
    expected, received = line.get("expected"), line.get("received")
    if not (_count(expected, MAX_DELTA) and _count(received, MAX_DELTA)):
        return f"a {what} line needs expected and received, integers from 0 to {MAX_DELTA:,}"
    reason = line.get("reason")
    if received == expected:
        if reason is not None:
            return f"a {what} line received as expected has no reason (not {_show(reason)})"
        return None
    allowed = ("extra",) if received > expected else ("short", "damaged")
    if reason not in allowed:
        return (
            f"a {what} line with {received} received against {expected} expected needs a"
            f" reason: {' or '.join(allowed)}, not {_show(reason)}"
        )
    return None


def _check_in_problem(what: str, id_key: str, source_key: str | None):
    """``delivery_received`` (HQ's delivery) and ``transfer_in`` (another booth's transfer):
    received goods come into stock once, line by line, with the differences explained."""

    def check(body: dict, seq: int) -> str | None:
        if not _name(body.get(id_key), 64):
            return f"a {what} needs {id_key} (at most 64 characters)"
        if source_key and not _name(body.get(source_key), 64):
            return f"a {what} needs {source_key}, the booth that sent the goods"
        if not _name(body.get("by")):
            return f"a {what} needs by, the manager who checked the goods in"
        if not _text(body.get("note", ""), MAX_REASON):
            return f"a {what}'s note is text of at most {MAX_REASON} characters"
        return (
            _stock_lines(body, what, lambda line: check_in_line_problem(line, what))
            or _total_problem(body, what, "expected_total", "expected")
            or _total_problem(body, what, "received_total", "received")
        )

    return check


def _transfer_out_line_problem(line: dict) -> str | None:
    if not (_count(line.get("sent"), MAX_DELTA) and line["sent"] > 0):
        return f"a transfer_out line needs sent, an integer from 1 to {MAX_DELTA:,}"
    return None


def _transfer_out_problem(body: dict, seq: int) -> str | None:
    """Goods sent to another booth: they leave this booth's stock at once."""
    if not _name(body.get("transfer_id"), 64):
        return "a transfer_out needs transfer_id (at most 64 characters)"
    if not _name(body.get("to_booth"), 64):
        return "a transfer_out needs to_booth, the booth the goods go to"
    if not _name(body.get("by")):
        return "a transfer_out needs by, the manager who sent the goods"
    if not _text(body.get("note", ""), MAX_REASON):
        return f"a transfer_out's note is text of at most {MAX_REASON} characters"
    return _stock_lines(body, "transfer_out", _transfer_out_line_problem) or _total_problem(
        body, "transfer_out", "sent_total", "sent"
    )


#: A count line's figures: expected at the snapshot (may be below 0: the till sells past
#: recorded stock), counted, what sales took and refunds brought back after the snapshot
#: until the product was counted, every other move in that time, and the variance.
COUNT_FIGURES = (
    "expected",
    "counted",
    "sold_during",
    "refunded_during",
    "moved_during",
    "variance",
)


def count_variance(line: dict) -> int:
    """Counted less what the shelf should hold when the product was counted."""
    held = line["expected"] - line["sold_during"] + line["refunded_during"] + line["moved_during"]
    return line["counted"] - held


def _count_line_problem(seq: int, snapshot_seq: int):
    def check(line: dict) -> str | None:
        for key in COUNT_FIGURES:
            value = line.get(key)
            if key in ("expected", "moved_during", "variance"):
                if not _within(value, MAX_COUNT):
                    return f"a stock_count line needs {key}, an integer inside 2**53 either way"
            elif not _count(value, MAX_COUNT):
                return f"a stock_count line needs {key}, an integer of 0 or more"
        if line["counted"] > MAX_DELTA:
            return f"a stock_count line's counted is at most {MAX_DELTA:,}, not {line['counted']}"
        if line["variance"] != count_variance(line):
            return (
                f"a stock_count line's variance {line['variance']} is not counted {line['counted']}"
                f" less (expected {line['expected']} - sold_during {line['sold_during']}"
                f" + refunded_during {line['refunded_during']} + moved_during {line['moved_during']})"
            )
        counted_seq = line.get("counted_seq")
        if not (_is_int(counted_seq) and snapshot_seq <= counted_seq < seq):
            return (
                f"a stock_count line's counted_seq is the journal's last seq when it was counted,"
                f" from snapshot_seq {snapshot_seq} to {seq - 1}, not {_show(counted_seq)}"
            )
        if not _text(line.get("reason", ""), MAX_REASON):
            return f"a stock_count line's reason is text of at most {MAX_REASON} characters"
        return None

    return check


def _stock_count_problem(body: dict, seq: int) -> str | None:
    """A count (盘点) finished and approved: each counted line's variance adjusts stock."""
    if not _name(body.get("count_id"), 64):
        return "a stock_count needs count_id (at most 64 characters)"
    scope = body.get("scope")
    if scope not in COUNT_SCOPES:
        return f"a stock_count's scope is all or category, not {_show(scope)}"
    if scope == "category" and not _name(body.get("category"), 64):
        return "a stock_count of a category needs category, its name"
    if scope == "all" and "category" in body:
        return "a stock_count of the whole booth has no category"
    reason = at_problem(body.get("snapshot_at"))
    if reason:
        return "a stock_count's snapshot_" + reason
    snapshot_seq = body.get("snapshot_seq")
    if not (_is_int(snapshot_seq) and 0 <= snapshot_seq < seq):
        return f"a stock_count needs snapshot_seq, the journal's last seq at the snapshot (0 to {seq - 1})"
    if not (_name(body.get("by")) and _name(body.get("approved_by"))):
        return "a stock_count needs by (who counted) and approved_by (the manager who approved it)"
    if not _count(body.get("uncounted", 0), MAX_COUNT):
        return "a stock_count's uncounted is the number of products left uncounted, 0 or more"
    if not _text(body.get("reason", ""), MAX_REASON):
        return f"a stock_count's reason is text of at most {MAX_REASON} characters"
    return _stock_lines(
        body, "stock_count", _count_line_problem(seq, snapshot_seq)
    ) or _total_problem(body, "stock_count", "variance_total", "variance")


_BODY_CHECKS = {
    "sale": lambda body, seq: _sale_problem(body),
    "refund": _refund_problem,
    "receipt_copy": _copy_problem("sale_seq"),
    "drawer_open": _drawer_open_problem,
    "shift_open": _shift_open_problem,
    "cash_in": _cash_move_problem,
    "cash_out": _cash_move_problem,
    "z_close": _z_close_problem,
    "z_copy": _copy_problem("z_seq"),
    "stock_receive": _receive_problem,
    "stock_adjust": _stock_problem,
    "delivery_received": _check_in_problem("delivery_received", "delivery_id", None),
    "transfer_out": _transfer_out_problem,
    "transfer_in": _check_in_problem("transfer_in", "transfer_id", "from_booth"),
    "stock_count": _stock_count_problem,
}
assert tuple(_BODY_CHECKS) == ENTRY_TYPES
