"""Receipt layout (pure): a completed sale as lines of text for 58 mm or 80 mm paper.

Column maths counts a Chinese (wide) character as two columns. The same lines feed the
on-screen preview and, with the ESC/POS encoder, the printer, so the preview is exact.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pos.money import format_fen
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
WORDS = {
    "zh_CN": {
        "receipt": "小票号", "time": "时间", "cashier": "收银员", "total": "合计", "change": "找零",
        "certified": "★ 扶贫产品认证", "certified_note": "★ 为认证扶贫产品，证书号：", "thanks": "谢谢惠顾，助力乡村振兴",
        "items": "件数", "copy": "*** 补打小票 ***", "discount": "折扣", "list_price": "原价",
        "refund": "退货单", "post_void": "撤销单", "refund_no": "单号", "of_receipt": "原小票号",
        "approved_by": "批准店长", "reason": "原因", "refunded": "退款合计",
        "refund_thanks": "退款已退还，请核对", "signature": "顾客签字",
    },
    "en": {
        "receipt": "Receipt", "time": "Time", "cashier": "Cashier", "total": "TOTAL", "change": "Change",
        "certified": "★ certified poverty-relief", "certified_note": "★ certified products, certificates:",
        "thanks": "Thank you for supporting rural revival", "items": "Items", "copy": "*** COPY ***",
        "discount": "Discount", "list_price": "List price", "refund": "REFUND", "post_void": "VOIDED SALE",
        "refund_no": "Refund", "of_receipt": "Receipt", "approved_by": "Approved by", "reason": "Reason",
        "refunded": "REFUNDED", "refund_thanks": "Money given back: please check it",
        "signature": "Customer signature",
    },
}  # fmt: skip


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


def qr_payload(entry: dict) -> str:
    """Terminal, seq, total and hash prefix: enough to find and check the journal entry."""
    body = entry["body"]
    return f"BPOS1|{entry['terminal']}|{entry['seq']}|{body['total_fen']}|{entry['hash'][:16]}"


def heading(booth_name: str, title: str, copy_mark: str, width: int) -> list[str]:
    """The top of every paper: the booth, what the paper is (if not a plain receipt), the
    reprint mark on a copy, and the rule under them."""
    out = [center(part, width) for part in wrap(booth_name, width)]
    out += [center(text, width) for text in (title, copy_mark) if text]
    out.append("-" * width)
    return out


def layout(
    entry: dict,
    booth_name: str,
    paper_mm: int = 80,
    language: str = "zh_CN",
    zone: str = "Asia/Shanghai",
    copy: bool = False,
) -> Receipt:
    """Lay out a sale journal entry as a receipt; ``copy`` marks a reprint as such."""
    width = WIDTHS[paper_mm]
    words = WORDS.get(language, WORDS["zh_CN"])
    methods = METHOD_NAMES.get(language, METHOD_NAMES["zh_CN"])
    body = entry["body"]
    local = local_time(entry["at"], zone)
    rule = "-" * width
    out = heading(booth_name, "", words["copy"] if copy else "", width)
    out.append(f"{words['receipt']}: {entry['terminal']}-{entry['seq']:06d}")
    out.append(f"{words['time']}: {local:%Y-%m-%d %H:%M:%S}")
    out.append(f"{words['cashier']}: {body['cashier']}")
    out.append(rule)
    certificates = []
    for line in body["lines"]:
        out.extend(_line(line, words, width))
        if line.get("certificate_no") and line["certificate_no"] not in certificates:
            certificates.append(line["certificate_no"])
    out.append(rule)
    out.append(f"{words['items']}: {len(body['lines'])}")
    out.extend(two_columns(words["total"], format_fen(body["total_fen"]), width))
    for pay in body["payments"]:
        out.extend(
            two_columns(
                methods.get(pay["method"], pay["method"]), format_fen(pay["amount_fen"]), width
            )
        )
    if body["change_fen"]:
        out.extend(two_columns(words["change"], format_fen(body["change_fen"]), width))
    if certificates:
        out.append(rule)
        out.extend(wrap(words["certified_note"], width))
        for number in certificates:
            out.extend(wrap("  " + number, width))
    out.append(rule)
    out.append(center(words["thanks"], width))
    return Receipt(out, qr_payload(entry), width)


def _line(line: dict, words: dict, width: int) -> list[str]:
    """A sale (or refund) line: the name, quantity × price and amount, then what changed the
    amount (a changed price shows the list price; a discount its fen)."""
    mark = "★" if line.get("certificate_no") else ""
    out = wrap(mark + line["name"], width)
    if "weight_g" in line:
        kg, grams = divmod(line["weight_g"], 1000)
        qty = f"  {kg}.{grams:03d}kg x {format_fen(line['unit_price_fen'])}/kg"
    else:
        qty = f"  {line['qty']} x {format_fen(line['unit_price_fen'])}"
    gross = line["amount_fen"] + line.get("discount_fen", 0)
    out.extend(two_columns(qty, format_fen(gross), width))
    if "list_price_fen" in line:
        out.append(f"  {words['list_price']} {format_fen(line['list_price_fen'])}")
    if line.get("discount_fen"):
        out.extend(two_columns(f"  {words['discount']}", f"-{format_fen(line['discount_fen'])}", width))  # fmt: skip
    return out


def refund_layout(
    entry: dict,
    booth_name: str,
    paper_mm: int = 80,
    language: str = "zh_CN",
    zone: str = "Asia/Shanghai",
    copy: bool = False,
) -> Receipt:
    """The slip of a ``refund`` entry (a refund or a post-void) for the customer and the
    drawer: what came back, the money given back and by which tender, who approved, why."""
    width = WIDTHS[paper_mm]
    words = WORDS.get(language, WORDS["zh_CN"])
    methods = METHOD_NAMES.get(language, METHOD_NAMES["zh_CN"])
    body = entry["body"]
    terminal = entry["terminal"]
    rule = "-" * width
    title = words["post_void" if body["kind"] == "post_void" else "refund"]
    out = heading(booth_name, title, words["copy"] if copy else "", width)
    out.append(f"{words['refund_no']}: {terminal}-{entry['seq']:06d}")
    out.append(f"{words['of_receipt']}: {terminal}-{body['sale_seq']:06d}")
    out.append(f"{words['time']}: {local_time(entry['at'], zone):%Y-%m-%d %H:%M:%S}")
    out.append(f"{words['cashier']}: {body['cashier']}")
    out.append(f"{words['approved_by']}: {body['approved_by']}")
    out.extend(wrap(f"{words['reason']}: {body['reason']}", width))
    out.append(rule)
    for line in body["lines"]:
        out.extend(_line(line, words, width))
    out.append(rule)
    out.extend(two_columns(words["refunded"], format_fen(body["total_fen"]), width))
    for pay in body["payments"]:
        name = methods.get(pay["method"], pay["method"])
        out.extend(two_columns(name, format_fen(pay["amount_fen"]), width))
    out.append(rule)
    out.append(words["refund_thanks"])
    out.append("")
    out.append(f"{words['signature']}: ______________")
    return Receipt(out, qr_payload(entry), width)
