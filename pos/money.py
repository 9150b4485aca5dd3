"""Money is integer fen (1 yuan = 100 fen); weight is integer grams. No floats."""

YUAN_SIGN = "\uffe5"  # ￥, the full-width sign used on Chinese receipts


def format_fen(fen: int) -> str:
    """Format fen as yuan for people, e.g. 1280 -> '￥12.80', -50 -> '-￥0.50'."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}{YUAN_SIGN}{yuan}.{rest:02d}"


def weighed_amount_fen(weight_g: int, price_per_kg_fen: int) -> int:
    """Amount for a weighed line: grams x price per kg / 1000, rounded half-up to the fen.

    Half-up on the exact integer product: 1,234 g at 1,280 fen/kg is 1,579.52 fen -> 1,580.
    """
    if weight_g < 0 or price_per_kg_fen < 0:
        raise ValueError("weight and price must not be negative")
    return (weight_g * price_per_kg_fen + 500) // 1000


def parse_fen(text: str) -> int:
    """Parse a whole number of fen typed by a person; raise ValueError with a sentence."""
    cleaned = text.strip()
    if not cleaned.isdigit():
        raise ValueError(f"'{text}' is not a whole number of fen: write 1250 for {YUAN_SIGN}12.50.")
    return int(cleaned)


def parse_yuan(text: str) -> int:
    """Parse yuan as a cashier types it ('50', '12.5', '12.50', '￥8') into fen, exactly."""
    cleaned = text.strip().lstrip(YUAN_SIGN).lstrip("¥").strip()
    whole, dot, cents = cleaned.partition(".")
    if not whole and not cents:
        raise ValueError("Enter an amount, e.g. 50 or 12.50.")
    if (whole and not whole.isdigit()) or (cents and not cents.isdigit()) or len(cents) > 2:
        raise ValueError(f"'{text}' is not an amount of money: write 50 or 12.50.")
    return int(whole or "0") * 100 + int((cents + "00")[:2]) if dot else int(whole) * 100


def round_up_fen(fen: int, step_fen: int) -> int:
    """The next multiple of ``step_fen`` at or above ``fen`` (quick cash tenders)."""
    return -(-fen // step_fen) * step_fen


def cash_suggestions(due_fen: int, most: int = 3) -> list[int]:
    """What a customer likely hands over for ``due_fen`` in notes, smallest first and each
    once: the next ￥10, ￥50, ￥100 (and ￥500, ￥1,000 for big sums) above it; never the exact
    amount (the "Exact" key is that). ￥59.40 -> ￥60, ￥100; ￥43.60 -> ￥50, ￥100."""
    if due_fen <= 0:
        return []
    steps = (1000, 5000, 10000, 50000, 100000)
    found = sorted({round_up_fen(due_fen, step) for step in steps} - {due_fen})
    return [amount for amount in found if amount < due_fen * 2 or amount <= 10000][:most]


#: How the cash part of a sale may be rounded (抹零), as booth.toml's sale.cash_rounding says.
CASH_ROUNDINGS = ("none", "down_jiao", "nearest_jiao")


def cash_rounding_fen(cash_due_fen: int, mode: str) -> int:
    """What rounding adds to cash due: ``down_jiao`` (抹分) 0 to -9 fen, ``nearest_jiao``
    -4 to +5 fen (half up), ``none`` 0. Less than one jiao due is never rounded away."""
    if mode not in CASH_ROUNDINGS:
        raise ValueError(f"cash rounding must be one of {', '.join(CASH_ROUNDINGS)}, not {mode!r}")
    if mode == "none" or cash_due_fen < 10:
        return 0
    fen = cash_due_fen % 10
    if mode == "down_jiao" or fen < 5:
        return -fen
    return 10 - fen
