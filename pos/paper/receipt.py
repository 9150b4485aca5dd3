"""Receipt layout (pure): a completed sale as lines of text for 58 mm or 80 mm paper, and
the slip of a refund or post-void.

The column maths and the heading are pos.paper.text's; the lines feed the on-screen preview
and, with the ESC/POS encoder, the printer, so the preview is exact.
"""

from __future__ import annotations

from pos.money import format_fen
from pos.paper.text import Receipt, begin, center, local_time, two_columns, wrap

WORDS = {
    "zh_CN": {
        "receipt": "小票号", "time": "时间", "cashier": "收银员", "total": "合计", "change": "找零",
        "rounding": "抹零", "to_pay": "应付",
        "certified": "★ 扶贫产品认证", "certified_note": "★ 为认证扶贫产品，证书号：", "thanks": "谢谢惠顾，助力乡村振兴",
        "items": "件数", "copy": "*** 补打小票 ***", "discount": "折扣", "list_price": "原价",
        "refund": "退货单", "post_void": "撤销单", "refund_no": "单号", "of_receipt": "原小票号",
        "approved_by": "批准店长", "reason": "原因", "refunded": "退款合计",
        "refund_thanks": "退款已退还，请核对", "signature": "顾客签字", "given_back": "实退",
        "subsidy": "消费券抵扣", "customer_paid": "顾客实付", "gateway_refund_no": "退款单号",
        "back_to": "退款将原路退回{method}，预计1-3个工作日到账",
    },
    "en": {
        "receipt": "Receipt", "time": "Time", "cashier": "Cashier", "total": "TOTAL", "change": "Change",
        "rounding": "Cash rounding", "to_pay": "TO PAY",
        "certified": "★ certified poverty-relief", "certified_note": "★ certified products, certificates:",
        "thanks": "Thank you for supporting rural revival", "items": "Items", "copy": "*** COPY ***",
        "discount": "Discount", "list_price": "List price", "refund": "REFUND", "post_void": "VOIDED SALE",
        "refund_no": "Refund", "of_receipt": "Receipt", "approved_by": "Approved by", "reason": "Reason",
        "refunded": "REFUNDED", "refund_thanks": "Money given back: please check it",
        "signature": "Customer signature", "given_back": "GIVEN BACK",
        "subsidy": "Voucher discount", "customer_paid": "Customer paid",
        "gateway_refund_no": "Refund no.",
        "back_to": "The money goes back to the customer's {method} account within 1-3 working days",
    },
}  # fmt: skip


def qr_payload(entry: dict) -> str:
    """Terminal, seq, total and hash prefix: enough to find and check the journal entry."""
    body = entry["body"]
    return f"BPOS1|{entry['terminal']}|{entry['seq']}|{body['total_fen']}|{entry['hash'][:16]}"


def layout(entry: dict, booth_name: str, paper_mm: int = 80, language: str = "zh_CN", zone: str = "Asia/Shanghai", copy: bool = False) -> Receipt:  # fmt: skip
    """Lay out a sale journal entry as a receipt; ``copy`` marks a reprint as such."""
    sheet, out = begin(WORDS, booth_name, paper_mm, language, copy=copy)
    width, words, methods, rule = sheet.width, sheet.words, sheet.methods, sheet.rule
    body = entry["body"]
    local = local_time(entry["at"], zone)
    out.append(f"{words['receipt']}: {entry['terminal']}-{entry['seq']:06d}")
    out.append(f"{words['time']}: {local:%Y-%m-%d %H:%M:%S}")
    out.append(f"{words['cashier']}: {body['cashier']}")
    out.append(rule)
    certificates = []
    for line in body["lines"]:
        out.extend(_line(line, words, width))
        if _certified(line) and line["certificate_no"] not in certificates:
            certificates.append(line["certificate_no"])
    out.append(rule)
    out.append(f"{words['items']}: {pieces(body['lines'])}")
    out.extend(two_columns(words["total"], format_fen(body["total_fen"]), width))
    if body.get("rounding_fen"):  # 抹零: the cash part was rounded to the jiao
        out.extend(two_columns(words["rounding"], format_fen(body["rounding_fen"]), width))
        due = body["total_fen"] + body["rounding_fen"]
        out.extend(two_columns(words["to_pay"], format_fen(due), width))
    for pay in body["payments"]:
        out.extend(
            two_columns(
                methods.get(pay["method"], pay["method"]), format_fen(pay["amount_fen"]), width
            )
        )
        out.extend(_subsidy(pay, words, width))
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


def _subsidy(pay: dict, words: dict, width: int) -> list[str]:
    """Under a mobile tender vouchers paid part of: what they covered (消费券抵扣), each
    voucher by name, and what the customer paid."""
    if not pay.get("subsidy_fen"):
        return []
    out = two_columns(f"  {words['subsidy']}", format_fen(pay["subsidy_fen"]), width)
    for voucher in pay.get("vouchers", []):
        if voucher.get("name"):
            out.extend(wrap(f"    {voucher['name']}", width))
    paid = pay["amount_fen"] - pay["subsidy_fen"]
    out.extend(two_columns(f"  {words['customer_paid']}", format_fen(paid), width))
    return out


def pieces(lines: list[dict]) -> int:
    """件数 as the customer counts them: the pieces of each line, one per weighed line."""
    return sum(line.get("qty", 1) if "weight_g" not in line else 1 for line in lines)


def _certified(line: dict) -> bool:
    """Only a certificate valid on the day of the sale earns the ★ (an expired one was sold
    under the booth's "warn" policy and is marked on the line instead)."""
    return bool(line.get("certificate_no")) and not line.get("certificate_expired")


def _line(line: dict, words: dict, width: int) -> list[str]:
    """A sale (or refund) line: the name, quantity × price and amount, then what changed the
    amount (a changed price shows the list price; a discount its fen)."""
    mark = "★" if _certified(line) else ""
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


def refund_layout(entry: dict, booth_name: str, paper_mm: int = 80, language: str = "zh_CN", zone: str = "Asia/Shanghai", copy: bool = False) -> Receipt:  # fmt: skip
    """The slip of a ``refund`` entry (a refund or a post-void) for the customer and the
    drawer: what came back, the money given back and by which tender, who approved, why."""
    body = entry["body"]
    title = "post_void" if body["kind"] == "post_void" else "refund"
    sheet, out = begin(WORDS, booth_name, paper_mm, language, title, copy)
    width, words, methods, rule = sheet.width, sheet.words, sheet.methods, sheet.rule
    terminal = entry["terminal"]
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
    if body.get("rounding_fen"):  # 抹零: the cash given back was rounded, as the sale's was
        out.extend(two_columns(words["rounding"], format_fen(body["rounding_fen"]), width))
        back = body["total_fen"] + body["rounding_fen"]
        out.extend(two_columns(words["given_back"], format_fen(back), width))
    back_to = []  # the gateways the money goes back through, each named once
    for pay in body["payments"]:
        name = methods.get(pay["method"], pay["method"])
        out.extend(two_columns(name, format_fen(pay["amount_fen"]), width))
        if pay.get("out_refund_no"):
            out.extend(wrap(f"  {words['gateway_refund_no']}: {pay['out_refund_no']}", width))
            if name not in back_to:
                back_to.append(name)
    out.append(rule)
    for name in back_to:
        out.extend(wrap(words["back_to"].format(method=name), width))
    if any(not pay.get("out_refund_no") for pay in body["payments"]):
        out.append(words["refund_thanks"])  # money handed over at the booth: check it
    out.append("")
    out.append(f"{words['signature']}: ______________")
    return Receipt(out, qr_payload(entry), width)
