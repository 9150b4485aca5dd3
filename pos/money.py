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
