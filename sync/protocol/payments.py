"""Mobile payments (WeChat Pay and Alipay payment codes) as the till and HQ both see them:
the methods, the states an attempt can be in, what an ``out_trade_no`` and a payment code
look like, the amount cap, and the sentences HQ answers with (version 1).

The till scans the customer's code and asks HQ (``POST /api/v1/payments``); HQ holds the
merchant keys and asks the gateway. Both sides check the same shapes here, so a bad code
or number is refused at the till and again at HQ before any gateway hears of it.
Standard library only.
"""

from __future__ import annotations

import hashlib
import re

PAYMENTS_PATH = "/api/v1/payments"
#: A terminal's feed of its booth's mobile refunds (``?since=CURSOR``), and one of them.
REFUNDS_PATH = "/api/v1/payments/refunds"
#: What HQ's gateways collected for a terminal in a time window (``?from=ISO&to=ISO``).
TOTALS_PATH = "/api/v1/payments/totals"

#: The journal's payment methods a gateway collects (sync.protocol.entries.PAYMENT_METHODS).
METHODS = ("wechat", "alipay")

#: Every state an attempt can be in. ``paid``, ``failed`` and ``cancelled`` are final
#: (``cancelled``: revoked at the gateway; money taken, if any, went back). ``waiting``: the
#: customer is confirming on the phone; ``unknown``: HQ does not know yet what the gateway
#: did (no answer, a system error): ask again (GET), or cancel.
STATES = ("paid", "waiting", "failed", "cancelled", "unknown")
FINAL_STATES = frozenset({"paid", "failed", "cancelled"})
OPEN_STATES = frozenset({"waiting", "unknown"})

#: HQ's default cap on one mobile payment: ￥5,000 (a setting at HQ may lower or raise it).
DEFAULT_MAX_PAYMENT_FEN = 500_000

#: How long each gateway keeps an unconfirmed order open (seconds). After it the merchant
#: must revoke: WeChat closes a code payment after 45 s, Alipay after about 3 minutes.
WAIT_LIMIT_S = {"wechat": 45, "alipay": 180}

#: The customer's payment code (付款码) for each method: WeChat 18 digits starting 10-15,
#: Alipay 16 to 24 digits starting 25-30.
AUTH_CODE_SHAPES = {
    "wechat": re.compile(r"^1[0-5]\d{16}$"),
    "alipay": re.compile(r"^(2[5-9]|30)\d{14,22}$"),
}
AUTH_CODE_WORDS = {
    "wechat": "18 digits starting 10 to 15",
    "alipay": "16 to 24 digits starting 25 to 30",
}

#: out_trade_no = the terminal's payment prefix, "-", then 1 to 21 of [A-Za-z0-9_]
#: the terminal picks (unique on that terminal, e.g. its clock and a counter). At most 32
#: characters, as both gateways allow. The prefix is worked out from the terminal id alone,
#: so a terminal makes numbers offline and HQ can tell whose number it is.
OUT_TRADE_NO = re.compile(r"^[0-9a-f]{10}-[A-Za-z0-9_]{1,21}$")
OUT_TRADE_NO_MAX = 32
PREFIX_LENGTH = 10
MAX_DESCRIPTION = 127

#: Why a payment failed or ended, as HQ says it in ``message``: one fixed sentence per
#: reason, so the till can translate it (look the reason up with :func:`reason_of`).
MESSAGES = {
    "paid": "Paid.",
    "waiting": "The customer is confirming the payment on the phone.",
    "unknown": "The gateway has not answered yet; ask again.",
    "cancelled": "The payment was revoked; any money taken goes back to the customer.",
    "insufficient_balance": "The customer's balance is not enough: ask for another way to pay.",
    "code_invalid": "The payment code is not valid: ask the customer to refresh it and scan again.",
    "code_used": "The payment code was already used or has expired: ask the customer to refresh it and scan again.",
    "declined": "The gateway declined the payment: ask for another way to pay.",
    "limit_reached": "The customer did not confirm in time; the payment was revoked.",
    "revoke_pending": "The payment could not be revoked yet; HQ will try again when asked.",
    "not_set_up": "This booth is not set up to take this kind of payment: ask HQ.",
}


def reason_of(message: str) -> str | None:
    """The reason key of one of HQ's sentences (:data:`MESSAGES`), or None."""
    for reason, sentence in MESSAGES.items():
        if sentence == message:
            return reason
    return None


def terminal_prefix(terminal_id: str) -> str:
    """The first 10 hex digits of SHA-256 of the terminal id: every out_trade_no it makes
    starts with them."""
    return hashlib.sha256(terminal_id.encode("utf-8")).hexdigest()[:PREFIX_LENGTH]


def make_out_trade_no(terminal_id: str, unique: str) -> str:
    """The out_trade_no of a payment: ``unique`` is 1 to 21 of [A-Za-z0-9_], never used
    before on this terminal (e.g. ``20261128091502_0007``)."""
    number = f"{terminal_prefix(terminal_id)}-{unique}"
    problem = out_trade_no_problem(number)
    if problem:
        raise ValueError(problem)
    return number


def out_trade_no_problem(number) -> str | None:
    if not isinstance(number, str) or not OUT_TRADE_NO.match(number):
        return (
            "out_trade_no must be the terminal's 10-character payment prefix, '-', then "
            "1 to 21 letters, digits or '_' (at most 32 characters)"
        )
    return None


def belongs_to(terminal_id: str, number: str) -> bool:
    """Whether ``number`` (a well-formed out_trade_no) was made by this terminal."""
    return number.startswith(terminal_prefix(terminal_id) + "-")


def auth_code_problem(method: str, code) -> str | None:
    """Why ``code`` cannot be a payment code of ``method``, or None."""
    shape = AUTH_CODE_SHAPES.get(method)
    if shape is None:
        return f"method must be one of {', '.join(METHODS)}"
    if not isinstance(code, str) or not shape.match(code):
        name = "WeChat Pay" if method == "wechat" else "Alipay"
        return f"a {name} payment code is {AUTH_CODE_WORDS[method]}"
    return None


def amount_problem(amount_fen, cap_fen: int = DEFAULT_MAX_PAYMENT_FEN) -> str | None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        return "amount_fen must be a whole number of fen"
    if amount_fen <= 0:
        return f"amount_fen must be more than 0, not {amount_fen}"
    if amount_fen > cap_fen:
        return f"amount_fen is at most {cap_fen} fen (￥{cap_fen // 100:,}) for one mobile payment"
    return None


def mask_auth_code(code: str) -> str:
    """A payment code as HQ keeps it: all but the last 4 digits hidden."""
    return "*" * max(len(code) - 4, 0) + code[-4:]


def method_of_code(code: str) -> str | None:
    """Which method a scanned payment code belongs to, or None."""
    for method in METHODS:
        if AUTH_CODE_SHAPES[method].match(code):
            return method
    return None


# --- vouchers (消费券) and subsidies ---------------------------------------------------------

#: Who pays for a voucher applied inside a payment: the campaign (the city's consumption
#: vouchers, settled by the campaign office), the merchant, or the provider (WeChat's or
#: Alipay's own promotion). Whoever funds it, the booth receives the full price.
FUNDERS = ("campaign", "merchant", "provider")
#: The fields of one voucher, as a payment answer and a sale entry carry it.
VOUCHER_FIELDS = ("id", "name", "amount_fen", "funder")
MAX_VOUCHERS = 20
MAX_VOUCHER_ID = 64
MAX_VOUCHER_NAME = 100


def voucher_problem(voucher) -> str | None:
    """Why ``voucher`` is not {"id", "name", "amount_fen", "funder"}, or None."""
    if not isinstance(voucher, dict) or sorted(voucher) != sorted(VOUCHER_FIELDS):
        return f"a voucher is an object with exactly {', '.join(VOUCHER_FIELDS)}"
    if not (isinstance(voucher["id"], str) and 0 < len(voucher["id"]) <= MAX_VOUCHER_ID):
        return f"a voucher's id is 1 to {MAX_VOUCHER_ID} characters"
    if not (isinstance(voucher["name"], str) and len(voucher["name"]) <= MAX_VOUCHER_NAME):
        return f"a voucher's name is text of at most {MAX_VOUCHER_NAME} characters"
    if "\x00" in voucher["id"] + voucher["name"]:
        return "a voucher's id and name hold no NUL character"
    amount = voucher["amount_fen"]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return "a voucher's amount_fen is a whole number of fen, more than 0"
    if voucher["funder"] not in FUNDERS:
        return f"a voucher's funder is one of {', '.join(FUNDERS)}, not {voucher['funder']!r}"
    return None


def subsidy_problem(amount_fen: int, subsidy_fen, vouchers) -> str | None:
    """Why a payment of ``amount_fen`` cannot carry this ``subsidy_fen`` and these
    ``vouchers``, or None: the vouchers add up to the subsidy, which is 0 to the amount."""
    if not isinstance(vouchers, list) or len(vouchers) > MAX_VOUCHERS:
        return f"vouchers is a list of at most {MAX_VOUCHERS} vouchers"
    for voucher in vouchers:
        found = voucher_problem(voucher)
        if found:
            return found
    if isinstance(subsidy_fen, bool) or not isinstance(subsidy_fen, int):
        return "subsidy_fen is a whole number of fen"
    if not 0 <= subsidy_fen <= amount_fen:
        return f"subsidy_fen is 0 to the payment's {amount_fen} fen, not {subsidy_fen}"
    covered = sum(v["amount_fen"] for v in vouchers)
    if covered != subsidy_fen:
        return f"the vouchers add up to {covered} fen but subsidy_fen is {subsidy_fen}"
    return None


def split_subsidy(subsidy_fen: int, line_amounts: list[int]) -> list[int]:
    """A payment's subsidy over a sale's lines, pro rata by amount, in whole fen: each line
    gets the floor of its share, and the fen left over go one each to the lines with the
    largest remainders (ties: the earlier line). The parts add up to ``subsidy_fen``; a
    sale whose lines come to 0 gives it all to its first line."""
    if not line_amounts:
        return []
    total = sum(line_amounts)
    if total <= 0:
        return [subsidy_fen] + [0] * (len(line_amounts) - 1)
    parts = [subsidy_fen * amount // total for amount in line_amounts]
    remainders = [subsidy_fen * amount % total for amount in line_amounts]
    left = subsidy_fen - sum(parts)
    order = sorted(range(len(line_amounts)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


# --- refunds through the gateway ------------------------------------------------------------

#: out_refund_no = the refunding terminal's payment prefix, "-", then 1 to 53 of
#: [A-Za-z0-9_]: at most 64 characters, what both WeChat (out_refund_no) and Alipay
#: (out_request_no) accept. The till makes it offline; HQ sends it to the gateway as the
#: provider's refund number, so a refund asked twice is made once.
OUT_REFUND_NO = re.compile(r"^[0-9a-f]{10}-[A-Za-z0-9_]{1,53}$")
OUT_REFUND_NO_MAX = 64

#: A refund HQ carries out with the gateway: ``pending`` (HQ has it; the gateway has not
#: confirmed yet), ``done`` (the gateway returned the money), ``failed`` (the gateway
#: refused it: the booth gives the money back another way; HQ raised an alert).
REFUND_STATES = ("pending", "done", "failed")
#: When money returned by the gateway reaches the customer (shown on the slip).
REFUND_ARRIVAL = "1-3 working days"
#: HQ's sentence for each refund reason (``message`` in the refund feed), fixed so the
#: till can translate it (:func:`refund_reason_of`).
REFUND_MESSAGES = {
    "pending": "HQ is returning the money to the customer's account.",
    "done": "The money was returned to the customer's account; it arrives in 1-3 working days.",
    "refused": "The gateway refused the refund: give the money back another way; HQ has been alerted.",
    "not_collected": "HQ has no paid payment to return this money from: give the money back another way.",
}


def refund_reason_of(message: str) -> str | None:
    """The reason key of one of HQ's refund sentences (:data:`REFUND_MESSAGES`), or None."""
    for reason, sentence in REFUND_MESSAGES.items():
        if sentence == message:
            return reason
    return None


def make_out_refund_no(terminal_id: str, unique: str) -> str:
    """The provider's refund number of a refund made on this terminal: ``unique`` is 1 to
    53 of [A-Za-z0-9_], never used before on this terminal (e.g. ``R20261128101502_0001``)."""
    number = f"{terminal_prefix(terminal_id)}-{unique}"
    problem = out_refund_no_problem(number)
    if problem:
        raise ValueError(problem)
    return number


def out_refund_no_problem(number) -> str | None:
    if not isinstance(number, str) or not OUT_REFUND_NO.match(number):
        return (
            "out_refund_no must be the terminal's 10-character payment prefix, '-', then "
            "1 to 53 letters, digits or '_' (at most 64 characters)"
        )
    return None


# --- verified close figures -----------------------------------------------------------------

#: The figures of each method in ``GET /api/v1/payments/totals``.
TOTAL_FIELDS = ("paid_fen", "count")
