"""Decide what the barcode scanner read at the till.

The scanner types a code and presses Enter. :func:`classify` turns that text into a
:class:`Scan` so the sale screen knows whether to look up a packaged product, add a
scale label, or start a WeChat Pay / Alipay payment. It never raises for any string;
problems come back as ``valid=False`` with an ``error`` sentence a cashier can act on.

Rules, applied in this order:

1. Surrounding whitespace is removed (scanners send CR/LF after the code). Full-width
   digits, which a Chinese input method produces when a cashier types a code, count as
   digits. Empty input, or anything other than digits, is ``unknown`` and not valid.
2. Scale labels. A code whose length equals a layout's ``length`` and whose first
   ``prefix_digits`` digits are one of its ``price_prefixes`` is ``priced`` (the value is
   the price in fen); one of its ``weight_prefixes`` is ``weighed`` (the value is grams).
   Digits: prefix | PLU | [price check digit] | value | EAN check digit. The EAN check
   digit must be right, and the price check digit too when the layout has
   ``price_check``. A value of zero is not valid. The first matching layout is used.
3. Payment codes carry no check digit, so a code that fits the pattern is valid.
   WeChat Pay: 18 digits starting 10-15. Alipay: 16-24 digits starting 25-30.
4. Overlap. When a code fits both a scale layout and a payment pattern (for example an
   18-digit layout with prefix 26, and an 18-digit Alipay code starting 26),
   ``rules.overlap`` decides: ``"scale"`` (the default) reads it as a label,
   ``"payment"`` as a payment code. The default 13-digit layout never overlaps, because
   payment codes are at least 16 digits.
5. Otherwise by length, with the GS1 check digit checked: 13 digits is ``ean13``,
   12 is ``upca``, 8 is ``ean8``. A 14-digit GTIN-14 starting with 0 is the same item as
   the EAN-13 after the 0, so it is ``ean13``; other 14-digit codes are cartons and are
   ``unknown``. ``gtin`` is always the code zero-padded to 14 digits, so UPC-A
   036000291452 and EAN-13 0036000291452 find the same product.
6. Anything else is ``unknown`` and not valid.
"""

import difflib
from dataclasses import dataclass
from typing import Any

KINDS = ("ean13", "ean8", "upca", "weighed", "priced", "wechat_pay", "alipay", "unknown")

_PAYMENT_KINDS = frozenset({"wechat_pay", "alipay"})
_PRODUCT_KINDS = frozenset({"ean13", "ean8", "upca", "weighed", "priced"})
_OVERLAP_CHOICES = ("scale", "payment")

# A cashier typing with a Chinese input method in full-width mode gets ０-９, not 0-9.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# GS1 price/weight check digit: each digit's product for the weighting factors 2-, 3, 5+, 5-.
_W2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_W3 = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)
_W5_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_W5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)
_FOUR_DIGIT_WEIGHTS = (_W2_MINUS, _W2_MINUS, _W3, _W5_MINUS)
_FIVE_DIGIT_WEIGHTS = (_W5_PLUS, _W2_MINUS, _W5_MINUS, _W5_PLUS, _W2_MINUS)

# Packaged-goods barcodes by length: (kind, name shown to the cashier).
_RETAIL_BY_LENGTH = {13: ("ean13", "EAN-13"), 12: ("upca", "UPC-A"), 8: ("ean8", "EAN-8")}

# Why a scan cannot be used: templates the till raises as they are (``Scan.template``), so
# they are translated once. ``pos.messages`` gathers REFUSALS for the translators.
EMPTY = "Nothing was read: the code is empty. Scan it again."
NOT_DIGITS = "Not a barcode this terminal knows: {code} has characters other than digits."
UNKNOWN_LENGTH = (
    "Not a barcode this terminal knows: {code} has {digits} digits and is not a product "
    "barcode, scale label or payment code. Rescan; if it keeps happening, ask IT to check "
    "the [barcode] settings in booth.toml."
)
CARTON = (
    "{code} is a carton code (GTIN-14 starting with {first}), not a single item: "
    "scan the barcode on the item itself."
)
RETAIL_CHECK_DIGIT = (
    "Check digit is wrong for {name} {code} (expected {expected}): rescan, or type the code again."
)
# Per label kind, why it cannot be used: (EAN check digit wrong, price/weight check digit
# wrong, a value of zero), each saying what the cashier should do about it.
_LABEL_REFUSALS = {
    "priced": (
        "Check digit is wrong on priced label {code} (expected {expected}): "
        "rescan, or reprint the label.",
        "Price check digit is wrong on priced label {code} (expected {expected}): "
        "rescan, or reprint the label.",
        "Priced label {code} shows a price of 0: reprint the label with the right price.",
    ),
    "weighed": (
        "Check digit is wrong on weighed label {code} (expected {expected}): "
        "rescan, or re-weigh the item and print a new label.",
        "Weight check digit is wrong on weighed label {code} (expected {expected}): "
        "rescan, or re-weigh the item and print a new label.",
        "Weighed label {code} shows a weight of 0 g: re-weigh the item and print a new label.",
    ),
}
REFUSALS = (
    EMPTY,
    NOT_DIGITS,
    UNKNOWN_LENGTH,
    CARTON,
    RETAIL_CHECK_DIGIT,
    *(template for templates in _LABEL_REFUSALS.values() for template in templates),
)


def _is_digits(text: object) -> bool:
    """True for a non-empty string of ASCII digits 0-9 (str.isdigit alone accepts '²')."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def _is_count(value: object) -> bool:
    """True for a whole number of 1 or more that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _require_digits(text: object, name: str) -> None:
    """Raise ValueError unless text is a non-empty string of digits."""
    if not _is_digits(text):
        raise ValueError(f"{name} must be a string of digits 0-9, not {text!r}.")


def _prefixes_clash(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """True if some code could start with a prefix from each list."""
    return any(a.startswith(b) or b.startswith(a) for a in first for b in second)


def _shorten(text: str, limit: int = 40) -> str:
    """Keep error messages readable when a scanner sends a long stream of junk."""
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class ScaleLayout:
    """One in-store variable-measure barcode layout printed by the booth's label scale."""

    length: int = 13
    prefix_digits: int = 2
    plu_digits: int = 5
    value_digits: int = 5
    price_check: bool = False  # GS1 price/weight check digit between PLU and value
    price_prefixes: tuple[str, ...] = ("20",)  # value is the price in fen
    weight_prefixes: tuple[str, ...] = tuple(str(n) for n in range(21, 30))  # value is grams

    def __post_init__(self) -> None:
        # Frozen, so tuples are set through object.__setattr__; lists from callers are fine.
        object.__setattr__(self, "price_prefixes", tuple(self.price_prefixes))
        object.__setattr__(self, "weight_prefixes", tuple(self.weight_prefixes))
        _check_layout_numbers(self)
        _check_layout_prefixes(self)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """Every prefix this layout claims, price prefixes first."""
        return self.price_prefixes + self.weight_prefixes


def _check_layout_numbers(layout: ScaleLayout) -> None:
    """Raise ValueError unless the layout's digit counts are sane and add up to its length."""
    for name in ("length", "prefix_digits", "plu_digits", "value_digits"):
        value = getattr(layout, name)
        if not _is_count(value):
            raise ValueError(
                f"Scale layout {name} must be a whole number of 1 or more, not {value!r}."
            )
    if not isinstance(layout.price_check, bool):
        raise ValueError(
            f"Scale layout price_check must be true or false, not {layout.price_check!r}."
        )
    if layout.price_check and layout.value_digits not in (4, 5):
        raise ValueError(
            "A scale layout with price_check needs value_digits of 4 or 5, "
            f"because GS1 defines the price check digit only for those; got {layout.value_digits}."
        )
    check = 1 if layout.price_check else 0
    total = layout.prefix_digits + layout.plu_digits + check + layout.value_digits + 1
    if total != layout.length:
        raise ValueError(
            f"Scale layout digits add up to {total} (prefix {layout.prefix_digits} + PLU "
            f"{layout.plu_digits} + price check {check} + value {layout.value_digits} + "
            f"check digit 1), but length is {layout.length}."
        )


def _check_layout_prefixes(layout: ScaleLayout) -> None:
    """Raise ValueError unless the layout's prefixes are digit strings of prefix_digits length."""
    if not layout.prefixes:
        raise ValueError(
            "A scale layout needs at least one entry in price_prefixes or weight_prefixes."
        )
    for prefix in layout.prefixes:
        if not _is_digits(prefix) or len(prefix) != layout.prefix_digits:
            raise ValueError(
                f"Scale layout prefix {prefix!r} must be {layout.prefix_digits} digits "
                '(prefix_digits), written as a quoted string such as "20".'
            )
    both = sorted(set(layout.price_prefixes) & set(layout.weight_prefixes))
    if both:
        raise ValueError(
            f"Scale layout prefix {both[0]!r} is in both price_prefixes and weight_prefixes; "
            "a label cannot be both priced and weighed."
        )


@dataclass(frozen=True)
class BarcodeRules:
    """The scale layouts and payment-code patterns one booth's terminal accepts."""

    layouts: tuple[ScaleLayout, ...] = (ScaleLayout(),)
    wechat_prefixes: tuple[str, ...] = ("10", "11", "12", "13", "14", "15")
    wechat_lengths: tuple[int, int] = (18, 18)  # inclusive min, max
    alipay_prefixes: tuple[str, ...] = ("25", "26", "27", "28", "29", "30")
    alipay_lengths: tuple[int, int] = (16, 24)  # inclusive min, max
    overlap: str = "scale"  # "scale" or "payment": which wins when a code fits both

    def __post_init__(self) -> None:
        for name in (
            "layouts",
            "wechat_prefixes",
            "wechat_lengths",
            "alipay_prefixes",
            "alipay_lengths",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        _check_rules_payment(self)
        _check_rules_layouts(self)
        if self.overlap not in _OVERLAP_CHOICES:
            raise ValueError(f'overlap must be "scale" or "payment", not {self.overlap!r}.')


def _check_rules_payment(rules: BarcodeRules) -> None:
    """Raise ValueError unless the payment-code patterns are well formed and distinct."""
    for name in ("wechat_prefixes", "alipay_prefixes"):
        for prefix in getattr(rules, name):
            if not _is_digits(prefix):
                raise ValueError(f'{name} entry {prefix!r} must be digits, such as "10".')
    for name in ("wechat_lengths", "alipay_lengths"):
        low_high = getattr(rules, name)
        if (
            len(low_high) != 2
            or not all(_is_count(n) for n in low_high)
            or low_high[0] > low_high[1]
        ):
            raise ValueError(
                f"{name} must be two whole numbers [shortest, longest], not {list(low_high)!r}."
            )
    wechat_low, wechat_high = rules.wechat_lengths
    alipay_low, alipay_high = rules.alipay_lengths
    lengths_meet = wechat_low <= alipay_high and alipay_low <= wechat_high
    if lengths_meet and _prefixes_clash(rules.wechat_prefixes, rules.alipay_prefixes):
        raise ValueError(
            "wechat_prefixes and alipay_prefixes overlap for the same code lengths, "
            "so a payment code could not be told apart."
        )


def _check_rules_layouts(rules: BarcodeRules) -> None:
    """Raise ValueError unless every layout is a ScaleLayout and no two claim the same codes."""
    for layout in rules.layouts:
        if not isinstance(layout, ScaleLayout):
            raise ValueError(f"layouts must be ScaleLayout entries, not {layout!r}.")
    for i, first in enumerate(rules.layouts):
        for second in rules.layouts[i + 1 :]:
            if first.length == second.length and _prefixes_clash(first.prefixes, second.prefixes):
                raise ValueError(
                    f"Two scale layouts both claim {first.length}-digit codes with the same "
                    "prefix; give each layout its own prefixes."
                )


DEFAULT_RULES = BarcodeRules()


@dataclass(frozen=True)
class Scan:
    """What one scanned code turned out to be, and whether the till may use it."""

    code: str
    kind: str  # one of KINDS
    valid: bool
    gtin: str | None = None  # 14-digit GTIN for ean13/ean8/upca, the product lookup key
    plu: str | None = None  # weighed/priced: PLU as printed, leading zeros kept
    price_fen: int | None = None  # priced labels: price in fen
    weight_g: int | None = None  # weighed labels: grams
    #: What went wrong when not valid, as a translatable template and its values: the
    #: till raises it as it is, and ``error`` is the English sentence.
    template: str | None = None
    params: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Scan kind must be one of {', '.join(KINDS)}, not {self.kind!r}.")

    @property
    def error(self) -> str | None:
        """What went wrong, for the cashier or IT staff, when not valid."""
        return self.template.format(**dict(self.params)) if self.template else None

    def as_dict(self) -> dict[str, Any]:
        """The scan as a JSON-ready dict: code, kind, valid, then only the fields that apply."""
        out: dict[str, Any] = {"code": self.code, "kind": self.kind, "valid": self.valid}
        for name in ("gtin", "plu", "price_fen", "weight_g", "error"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @property
    def is_payment(self) -> bool:
        """True for WeChat Pay and Alipay payment codes."""
        return self.kind in _PAYMENT_KINDS

    @property
    def is_product(self) -> bool:
        """True for kinds that name goods (even when not valid); check ``valid`` as well."""
        return self.kind in _PRODUCT_KINDS


def classify(code: str, rules: BarcodeRules = DEFAULT_RULES) -> Scan:
    """Decide what a scanned or typed code is, following the rules in this module's docstring."""
    text = code.strip().translate(_FULLWIDTH_DIGITS)
    if not text:
        return _refused(text, "unknown", EMPTY)
    if not _is_digits(text):
        return _refused(
            text,
            "unknown",
            NOT_DIGITS,
            code=repr(_shorten(text)),
        )
    layout = _matching_layout(text, rules)
    payment_kind = _payment_kind(text, rules)
    # An 18-digit label can look like an Alipay code; rules.overlap says which reading wins.
    if payment_kind and (layout is None or rules.overlap == "payment"):
        return Scan(text, payment_kind, True)
    if layout is not None:
        return _read_label(text, layout)
    return _read_by_length(text)


def ean_check_digit(digits_without_check: str) -> int:
    """GS1 mod-10 check digit for an EAN-8, EAN-13, UPC-A or GTIN-14 without its last digit."""
    _require_digits(digits_without_check, "digits_without_check")
    # Weights run 3, 1, 3, ... from the right, so one rule serves every GTIN length.
    total = sum(int(d) * (1 if i % 2 else 3) for i, d in enumerate(reversed(digits_without_check)))
    return -total % 10


def gs1_price_check_digit(value: str) -> int:
    """GS1 price/weight check digit for a 4- or 5-digit price or weight field."""
    _require_digits(value, "value")
    digits = [int(d) for d in value]
    if len(digits) == 4:
        total = sum(table[d] for table, d in zip(_FOUR_DIGIT_WEIGHTS, digits, strict=True))
        return total * 3 % 10
    if len(digits) == 5:
        total = sum(table[d] for table, d in zip(_FIVE_DIGIT_WEIGHTS, digits, strict=True))
        # The check digit is the one whose 5- product makes the sum a multiple of ten.
        return _W5_MINUS.index(-total % 10)
    raise ValueError(f"A price check digit needs a 4- or 5-digit value, not {len(digits)} digits.")


def _refused(
    scanned: str, kind: str, template: str, plu: str | None = None, read=None, **params
) -> Scan:
    """An invalid scan, with why: one of REFUSALS and its values (``read``: the label's
    fields that were read, such as a weight of 0)."""
    return Scan(
        scanned,
        kind,
        False,
        plu=plu,
        template=template,
        params=tuple(params.items()),
        **(read or {}),
    )


def _matching_layout(code: str, rules: BarcodeRules) -> ScaleLayout | None:
    """The first scale layout whose length and prefix fit the code, if any."""
    for layout in rules.layouts:
        if len(code) == layout.length and code[: layout.prefix_digits] in layout.prefixes:
            return layout
    return None


def _payment_kind(code: str, rules: BarcodeRules) -> str | None:
    """'wechat_pay' or 'alipay' when the code fits that payment pattern, else None."""
    patterns = (
        ("wechat_pay", rules.wechat_prefixes, rules.wechat_lengths),
        ("alipay", rules.alipay_prefixes, rules.alipay_lengths),
    )
    for kind, prefixes, (shortest, longest) in patterns:
        if shortest <= len(code) <= longest and code.startswith(prefixes):
            return kind
    return None


def _read_label(code: str, layout: ScaleLayout) -> Scan:
    """Read a scale label; price and weight are only reported once its check digits pass."""
    kind = "priced" if code[: layout.prefix_digits] in layout.price_prefixes else "weighed"
    templates = _LABEL_REFUSALS[kind]
    plu_end = layout.prefix_digits + layout.plu_digits
    plu = code[layout.prefix_digits : plu_end]
    value_start = plu_end + (1 if layout.price_check else 0)
    value = code[value_start : value_start + layout.value_digits]

    expected = ean_check_digit(code[:-1])
    if int(code[-1]) != expected:
        return _refused(code, kind, templates[0], plu, code=code, expected=expected)
    if layout.price_check:
        expected = gs1_price_check_digit(value)
        if int(code[plu_end]) != expected:
            return _refused(code, kind, templates[1], plu, code=code, expected=expected)

    amount = int(value)
    read = {"price_fen" if kind == "priced" else "weight_g": amount}
    if not amount:
        return _refused(code, kind, templates[2], plu, read, code=code)
    return Scan(code, kind, True, plu=plu, **read)


def _read_by_length(code: str) -> Scan:
    """Read a packaged-goods barcode by its length, or explain why it is unknown."""
    if len(code) == 14:
        return _read_gtin14(code)
    if len(code) in _RETAIL_BY_LENGTH:
        kind, name = _RETAIL_BY_LENGTH[len(code)]
        return _read_retail(code, kind, name)
    return _refused(
        code,
        "unknown",
        UNKNOWN_LENGTH,
        code=_shorten(code),
        digits=len(code),
    )


def _read_gtin14(code: str) -> Scan:
    """Read a 14-digit GTIN: a leading 0 means a single item, anything else a carton."""
    if code[0] == "0":
        return _read_retail(code, "ean13", "GTIN-14")
    return _refused(
        code,
        "unknown",
        CARTON,
        code=code,
        first=code[0],
    )


def _read_retail(code: str, kind: str, name: str) -> Scan:
    """Check a packaged-goods barcode's check digit and give its 14-digit GTIN."""
    expected = ean_check_digit(code[:-1])
    if int(code[-1]) != expected:
        return _refused(
            code,
            kind,
            RETAIL_CHECK_DIGIT,
            name=name,
            code=code,
            expected=expected,
        )
    return Scan(code, kind, True, gtin=code.zfill(14))


def rules_from_config(cfg: dict) -> BarcodeRules:
    """Build BarcodeRules from the [barcode] table of booth.toml, as loaded by tomllib."""
    table = _require_table(cfg, "barcode")
    _reject_unknown_keys(table, _RULES_READERS)
    kwargs = {name: _RULES_READERS[name](value, name) for name, value in table.items()}
    return BarcodeRules(**kwargs)


def _read_layouts(value: object, where: str) -> tuple[ScaleLayout, ...]:
    """Read the [[barcode.layouts]] entries; each becomes one ScaleLayout."""
    if not isinstance(value, list | tuple):
        raise ValueError(f"{where} must be a list of [[barcode.layouts]] tables, not {value!r}.")
    return tuple(
        _read_layout(entry, f"[[barcode.layouts]] entry {n}") for n, entry in enumerate(value, 1)
    )


def _read_layout(entry: object, where: str) -> ScaleLayout:
    """Read one [[barcode.layouts]] table, naming the entry in any error."""
    table = _require_table(entry, where)
    _reject_unknown_keys(table, _LAYOUT_READERS, where)
    kwargs = {
        name: _LAYOUT_READERS[name](value, f"{where}: {name}") for name, value in table.items()
    }
    try:
        return ScaleLayout(**kwargs)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _require_table(value: object, where: str) -> dict:
    """Return value if it is a TOML table (dict), else raise ValueError."""
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a table of settings, not {value!r}.")
    return value


def _reject_unknown_keys(table: dict, known: dict, where: str = "") -> None:
    """Raise ValueError naming the first setting that is not known, with a likely fix."""
    place = f" in {where}" if where else ""
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Unknown setting {key!r}{place}; known settings are "
                f"{', '.join(sorted(known))}.{hint}"
            )


def _read_count(value: object, where: str) -> int:
    """Read a whole number setting."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where} must be a whole number, not {value!r}.")
    return value


def _read_flag(value: object, where: str) -> bool:
    """Read a true/false setting."""
    if not isinstance(value, bool):
        raise ValueError(f"{where} must be true or false, not {value!r}.")
    return value


def _read_text(value: object, where: str) -> str:
    """Read a quoted-text setting."""
    if not isinstance(value, str):
        raise ValueError(f"{where} must be quoted text, not {value!r}.")
    return value


def _read_prefixes(value: object, where: str) -> tuple[str, ...]:
    """Read a list of prefixes; they must be quoted so leading zeros survive."""
    if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
        raise ValueError(
            f'{where} must be a list of quoted digit strings such as ["20"], not {value!r}.'
        )
    return tuple(value)


def _read_length_range(value: object, where: str) -> tuple[int, int]:
    """Read a [shortest, longest] pair of whole numbers."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"{where} must be two whole numbers [shortest, longest], not {value!r}.")
    return (_read_count(value[0], where), _read_count(value[1], where))


_RULES_READERS = {
    "layouts": _read_layouts,
    "wechat_prefixes": _read_prefixes,
    "wechat_lengths": _read_length_range,
    "alipay_prefixes": _read_prefixes,
    "alipay_lengths": _read_length_range,
    "overlap": _read_text,
}

_LAYOUT_READERS = {
    "length": _read_count,
    "prefix_digits": _read_count,
    "plu_digits": _read_count,
    "value_digits": _read_count,
    "price_check": _read_flag,
    "price_prefixes": _read_prefixes,
    "weight_prefixes": _read_prefixes,
}
