"""Z report layout (pure): a shift's ``z_close`` journal entry as lines for 58 or 80 mm paper.

It is laid out with the paper column maths of pos.paper.text (a Chinese character is two
columns) and its tender names, and returns a ``Receipt``, so it prints, previews and decodes exactly as a
receipt does (hardware.escpos.encode_receipt).
"""

from __future__ import annotations

from pos.money import YUAN_SIGN, format_fen
from pos.paper.text import Receipt, begin, local_time, text_width, two_columns, wrap
from sync.protocol.entries import (
    TENDER_FIGURES,
    TENDER_VERIFIED,
    Z_ADDED_GROUPS,
    Z_FIGURE_GROUPS,
    Z_ROUNDING,
)

VERIFIED = TENDER_VERIFIED  # whether a tender's counted figure is HQ's

WORDS = {
    "zh_CN": {
        "title": "日结报表 (Z)", "copy": "*** 补打日结报表 ***", "number": "报表号",
        "opened": "开班流水号", "closed": "结班时间", "by": "结班人",
        "sales_count": "销售笔数", "sales_fen": "销售额",
        "refunds_count": "退货笔数", "refunds_fen": "退货金额",
        "post_voids_count": "撤单笔数", "post_voids_fen": "撤单金额", "discount_fen": "折扣金额", "rounding_fen": "抹零",
        "voided_lines": "删除行数", "voided_fen": "删除行金额",
        "float_fen": "备用金", "cash_in_fen": "现金存入", "cash_out_fen": "现金取出",
        "tender": "付款方式", "expected_fen": "应收", "counted_fen": "实点", "variance_fen": "差额",
        "counts": "现金点钞", "counted_cash": "点钞合计",
        "suppliers": "供应商销售", "counties": "区县销售", "unknown": "(未登记)",
        "grand_total": "累计总额", "reason": "差异说明", "signature": "店长签字",
        "checked": "移动支付与总部核对", "verified": "已核对", "unverified": "未核对",
    },
    "en": {
        "title": "Z REPORT", "copy": "*** COPY ***", "number": "Report",
        "opened": "Shift opened", "closed": "Closed", "by": "Closed by",
        "sales_count": "Sales", "sales_fen": "Sales amount",
        "refunds_count": "Refunds", "refunds_fen": "Refund amount",
        "post_voids_count": "Post-voids", "post_voids_fen": "Post-void amount",
        "discount_fen": "Discounts", "rounding_fen": "Cash rounding",
        "voided_lines": "Voided lines", "voided_fen": "Voided amount",
        "float_fen": "Float", "cash_in_fen": "Cash in", "cash_out_fen": "Cash out",
        "tender": "Tender", "expected_fen": "Expected", "counted_fen": "Counted",
        "variance_fen": "Variance", "counts": "Cash count", "counted_cash": "Counted cash",
        "suppliers": "Sales by supplier", "counties": "Sales by county", "unknown": "(none)",
        "grand_total": "Grand total", "reason": "Variance reason", "signature": "Manager signature",
        "checked": "Mobile payments checked with HQ", "verified": "verified",
        "unverified": "unverified",
    },
}  # fmt: skip

TENDER_CELL = 12  # columns per amount in the 80 mm tender table: room for -￥99999.99


def denomination(fen: int) -> str:
    """A banknote or coin as people name it: 10000 -> '￥100', 50 -> '￥0.5'."""
    yuan, rest = divmod(fen, 100)
    return f"{YUAN_SIGN}{yuan}" + (f".{rest:02d}".rstrip("0") if rest else "")


def _figure(words: dict, key: str, value: int, width: int) -> list[str]:
    shown = format_fen(value) if key.endswith("_fen") else str(value)
    return two_columns(words[key], shown, width)


def _table_row(first: str, cells: list[str], width: int) -> str | None:
    """``first`` on the left, each cell right-aligned in TENDER_CELL columns; None if too wide."""
    if any(text_width(cell) >= TENDER_CELL for cell in cells):
        return None
    right = "".join(" " * (TENDER_CELL - text_width(cell)) + cell for cell in cells)
    gap = width - text_width(first) - text_width(right)
    return first + " " * gap + right if gap >= 1 else None


def _tenders(tenders: dict, methods: dict, words: dict, width: int) -> list[str]:
    """应收 / 实点 / 差额 per tender: a table on 80 mm, one tender under another on 58 mm.
    Cash comes first, then the others in the receipt's order (the entry's keys are sorted)."""
    known = list(methods)
    order = sorted(tenders, key=lambda m: (known.index(m) if m in known else len(known), m))
    tenders = {method: tenders[method] for method in order}
    names = {method: methods.get(method, method) for method in tenders}
    header = [words[key] for key in TENDER_FIGURES]
    rows = [_table_row(words["tender"], header, width)]
    for method, figures in tenders.items():
        rows.append(_table_row(names[method], [format_fen(figures[k]) for k in TENDER_FIGURES], width))  # fmt: skip
    if None not in rows:
        return rows
    out: list[str] = []
    for method, figures in tenders.items():
        out.extend(wrap(names[method], width))
        for key in TENDER_FIGURES:
            out.extend(two_columns("  " + words[key], format_fen(figures[key]), width))
    return out


def _checked(tenders: dict, methods: dict, words: dict, width: int) -> list[str]:
    """Whether each mobile tender's counted figure is HQ's verified total (已核对) or was
    typed by hand offline (未核对); nothing for a Z that does not say (an older one)."""
    said = {m: f[VERIFIED] for m, f in sorted(tenders.items()) if VERIFIED in f}
    if not said:
        return []
    out = [words["checked"]]
    for method, verified in said.items():
        word = words["verified" if verified else "unverified"]
        out.extend(two_columns("  " + methods.get(method, method), word, width))
    return out


def _counts(counts: dict, words: dict, width: int) -> list[str]:
    """The cash counted by denomination, largest first, and what it adds up to."""
    out = [words["counts"]]
    total = 0
    for value, number in sorted(((int(k), n) for k, n in counts.items()), reverse=True):
        total += value * number
        out.extend(two_columns(f"  {denomination(value)} × {number}", format_fen(value * number), width))  # fmt: skip
    out.extend(two_columns(words["counted_cash"], format_fen(total), width))
    return out


def _totals(title: str, totals: dict, words: dict, width: int) -> list[str]:
    """Sales per supplier or county; a name too long for its amount gets a line of its own."""
    out = [title]
    for name, fen in totals.items():
        label, amount = "  " + (name or words["unknown"]), format_fen(fen)
        if text_width(label) + 1 + text_width(amount) > width:
            out.extend(wrap(label, width))
            label = ""
        out.extend(two_columns(label, amount, width))
    return out


def layout(entry: dict, booth_name: str, paper_mm: int = 80, language: str = "zh_CN", zone: str = "Asia/Shanghai", copy: bool = False) -> Receipt:  # fmt: skip
    """Lay out a ``z_close`` entry as the Z report; ``copy`` marks a reprint as such."""
    sheet, out = begin(WORDS, booth_name, paper_mm, language, "title", copy)
    width, words, methods, rule = sheet.width, sheet.words, sheet.methods, sheet.rule
    body = entry["body"]
    terminal = entry["terminal"]
    out.append(f"{words['number']}: {terminal}-{entry['seq']:06d}")
    out.append(f"{words['opened']}: {terminal}-{body['opened_seq']:06d}")
    out.append(f"{words['closed']}: {local_time(entry['at'], zone):%Y-%m-%d %H:%M:%S}")
    out.extend(wrap(f"{words['by']}: {body['by']}", width))
    out.append(rule)
    for group in Z_FIGURE_GROUPS:  # an older Z lacks the added groups: they do not print
        if group == Z_ROUNDING and not body.get("rounding_fen"):
            continue  # a booth that does not round cash sees no 抹零 line
        if group not in Z_ADDED_GROUPS or any(key in body for key in group):
            for key in group:
                out.extend(_figure(words, key, body.get(key, 0), width))
    out.append(rule)
    out.extend(_tenders(body["tenders"], methods, words, width))
    out.extend(_checked(body["tenders"], methods, words, width))
    if body.get("counts"):
        out.append(rule)
        out.extend(_counts(body["counts"], words, width))
    for key in ("suppliers", "counties"):
        if body.get(key):
            out.append(rule)
            out.extend(_totals(words[key], body[key], words, width))
    out.append(rule)
    out.extend(two_columns(words["grand_total"], format_fen(body["grand_total_fen"]), width))
    if body.get("reason"):
        out.append(f"{words['reason']}:")
        out.extend(wrap("  " + body["reason"], width))
    out.append("")
    signature = f"{words['signature']}: "
    out.append(signature + "_" * max(width - text_width(signature), 0))
    return Receipt(out, "", width)
