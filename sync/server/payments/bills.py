"""The providers' daily bills read in their own formats: WeChat Pay's v3 trade bill (CSV,
every field prefixed with a backtick, summary lines at the end) and Alipay's trade bill (a
zip of GBK CSV files with '#' comment lines). Each gives :class:`BillLine` objects."""

from __future__ import annotations

import csv
import io
import zipfile

from sync.server.payments.gateway import BillLine


class BillError(Exception):
    """A bill that cannot be read; the message says which and why."""


def fen(yuan: str) -> int:
    """'12.80' or '-12.8' as fen, exactly (no float)."""
    text = yuan.strip().lstrip("`").strip()
    sign = -1 if text.startswith("-") else 1
    whole, _, part = text.lstrip("+-").partition(".")
    if not whole.isdigit() or (part and not part.isdigit()):
        raise BillError(f"{yuan!r} is not an amount in yuan")
    part = (part + "00")[:2] if len(part.rstrip("0")) <= 2 else None
    if part is None:
        raise BillError(f"{yuan!r} has fractions of a fen")
    return sign * (int(whole) * 100 + int(part))


def wechat_tradebill(text: str) -> list[BillLine]:
    """Payments and refunds of a WeChat Pay trade bill (bill_type ALL)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or "商户订单号" not in rows[0]:
        raise BillError("the WeChat Pay bill has no header line with 商户订单号")
    header = [name.strip() for name in rows[0]]
    at = {name: i for i, name in enumerate(header)}
    lines = []
    for row in rows[1:]:
        if not row or row[0].startswith("总交易单数"):
            break  # the summary follows
        values = [value.strip().lstrip("`") for value in row]
        if len(values) < len(header):
            raise BillError(f"a WeChat Pay bill line has {len(values)} fields, not {len(header)}")
        status = values[at["交易状态"]]
        if status == "REFUND":
            lines.append(
                BillLine(
                    "wechat",
                    values[at["特约商户号"]],
                    "refund",
                    values[at["商户订单号"]],
                    values[at["商户退款单号"]],
                    fen(values[at["退款金额"]]),
                    fen(values[at["充值券退款金额"]]),
                    values[at["退款状态"]],
                    values[at["交易时间"]],
                )  # fmt: skip
            )
        else:
            lines.append(
                BillLine(
                    "wechat",
                    values[at["特约商户号"]],
                    "trade",
                    values[at["商户订单号"]],
                    "",
                    fen(values[at["订单金额"]]),
                    fen(values[at["代金券金额"]]),
                    status,
                    values[at["交易时间"]],
                )  # fmt: skip
            )
    return lines


ALIPAY_SUBSIDY = ("支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）")


def alipay_bill(data: bytes, merchant: str) -> list[BillLine]:
    """Payments and refunds of an Alipay trade bill zip (its 业务明细 file, not the 汇总)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BillError("the Alipay bill is not a zip file") from None
    names = [n for n in archive.namelist() if "业务明细" in n and "汇总" not in n]
    if not names:
        # Some zip tools write the names in GBK without the UTF-8 flag.
        names = [
            n for n in archive.namelist()
            if "业务明细" in n.encode("cp437", "replace").decode("gbk", "replace")
            and "汇总" not in n.encode("cp437", "replace").decode("gbk", "replace")
        ]  # fmt: skip
    if not names:
        raise BillError("the Alipay bill zip has no 业务明细 file")
    text = archive.read(names[0]).decode("gbk")
    rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
    if not rows or "商户订单号" not in rows[0][1]:
        raise BillError("the Alipay bill has no header line with 商户订单号")
    header = [name.strip() for name in rows[0]]
    at = {name: i for i, name in enumerate(header)}
    lines = []
    for row in rows[1:]:
        values = [value.strip() for value in row]
        kind = values[at["业务类型"]]
        subsidy = sum(fen(values[at[k]] or "0") for k in ALIPAY_SUBSIDY)
        amount = fen(values[at["订单金额（元）"]])
        if kind == "退款":
            lines.append(
                BillLine(
                    "alipay",
                    merchant,
                    "refund",
                    values[at["商户订单号"]],
                    values[at["退款批次号/请求号"]],
                    -amount,
                    -subsidy,
                    "SUCCESS",
                    values[at["完成时间"]],
                )  # fmt: skip
            )
        elif kind == "交易":
            lines.append(
                BillLine(
                    "alipay",
                    merchant,
                    "trade",
                    values[at["商户订单号"]],
                    "",
                    amount,
                    subsidy,
                    "SUCCESS",
                    values[at["完成时间"]],
                )  # fmt: skip
            )
    return lines
