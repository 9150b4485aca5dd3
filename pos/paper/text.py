"""Paper text (pure): column maths and the shared top of every paper the printer prints.

A Chinese (wide) character counts as two columns. The same lines feed the on-screen preview
and, with the ESC/POS encoder, the printer, so the preview is exact. The receipt, the refund
slip (pos.paper.receipt) and the Z report (pos.paper.zreport) all start with :func:`begin`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.protocol.journal import parse_utc

WIDTHS = {58: 32, 80: 48}
METHOD_NAMES = {
    "zh_CN": {
        "cash": "现金",
        "wechat": "微信支付",
        "alipay": "支付宝",
        "card": "银行卡",
        "voucher": "代金券",
    },
    "en": {
        "cash": "Cash",
        "wechat": "WeChat Pay",
        "alipay": "Alipay",
        "card": "Card",
        "voucher": "Voucher",
    },
}


def char_width(ch: str) -> int:
    """Columns one character takes on a Chinese receipt printer.

    The printer draws every double-byte GBK character (汉字, ￥, ★, full-width punctuation)
    two columns wide, so the GBK byte count is the width; other characters fall back to
    their Unicode East Asian width.
    """
    try:
        return len(ch.encode("gbk"))
    except UnicodeEncodeError:
        return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Printed columns of a string."""
    return sum(char_width(ch) for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most ``width`` columns without splitting a character."""
    lines, current, used = [], "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > width:
            lines.append(current)
            current, used = "", 0
        current += ch
        used += w
    if current or not lines:
        lines.append(current)
    return lines


def two_columns(left: str, right: str, width: int) -> list[str]:
    """Left text and right-aligned text on one line, wrapping the left part if needed."""
    room = width - text_width(right) - 1
    parts = wrap(left, max(room, 1))
    last = parts[-1]
    gap = width - text_width(last) - text_width(right)
    if gap < 1:
        return [*parts, " " * (width - text_width(right)) + right]
    return [*parts[:-1], last + " " * gap + right]


def center(text: str, width: int) -> str:
    pad = max(width - text_width(text), 0)
    return " " * (pad // 2) + text


def local_time(at: str, zone: str) -> datetime:
    """A journal ``at`` (UTC) as the booth's local time: what people read on paper."""
    return parse_utc(at).astimezone(ZoneInfo(zone))


@dataclass(frozen=True)
class Receipt:
    """What a printer or a preview needs: text lines and the QR payload for the footer."""

    lines: list[str]
    qr: str
    width: int


def heading(booth_name: str, title: str, copy_mark: str, width: int) -> list[str]:
    """The top of every paper: the booth, what the paper is (if not a plain receipt), the
    reprint mark on a copy, and the rule under them."""
    out = [center(part, width) for part in wrap(booth_name, width)]
    out += [center(text, width) for text in (title, copy_mark) if text]
    out.append("-" * width)
    return out


@dataclass(frozen=True)
class Sheet:
    """One paper's set-up: its width in columns, its words and tender names in its language."""

    width: int
    words: dict[str, str]
    methods: dict[str, str]

    @property
    def rule(self) -> str:
        return "-" * self.width


def begin(
    words: dict[str, dict[str, str]],
    booth_name: str,
    paper_mm: int,
    language: str,
    title: str = "",
    copy: bool = False,
) -> tuple[Sheet, list[str]]:
    """The set-up every layout starts with: the width for ``paper_mm``, the words (of the
    layout's ``words`` table) and tender names for ``language`` (Chinese when unknown), and
    the heading lines, with the word ``title`` as the paper's title and the reprint mark on a
    copy. Every table has a "copy" word."""
    chosen = words.get(language, words["zh_CN"])
    sheet = Sheet(WIDTHS[paper_mm], chosen, METHOD_NAMES.get(language, METHOD_NAMES["zh_CN"]))
    top = heading(
        booth_name, chosen[title] if title else "", chosen["copy"] if copy else "", sheet.width
    )
    return sheet, top
