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
    "not_set_up": "Mobile payments are not set up for this booth: ask HQ.",
    "never_received": "HQ never received this payment before it was cancelled: nothing was charged.",
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
