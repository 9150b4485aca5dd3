"""Shifts and the X report (pure): what the drawer should hold, from the journal alone.

A shift starts with a ``shift_open`` entry (the float, counted by a manager) and ends with a
``z_close``. Between them, every ``sale``, ``refund``, ``cash_in`` and ``cash_out`` entry
moves the expected figures. The X report reads them and changes nothing, so it can be printed at any
time, as often as wanted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from pos.errors import Refused
from sync.protocol.entries import Z_FIGURES
from sync.protocol.payments import METHODS as GATEWAY_METHODS

#: Chinese banknotes and coins a booth counts, in fen, largest first.
#: Notes and coins a drawer is counted in, down to the fen coins (1分, 2分, 5分) still in
#: use: a cash total such as ￥80.84 can then be counted exactly.
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1)
SHIFT_TYPES = ("shift_open", "cash_in", "cash_out", "z_close")


def parse_counts(text: str) -> dict[int, int]:
    """``"10000=3,5000=1,100=12"`` (denomination in fen = how many) as a dict."""
    counts: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        value, sep, number = part.partition("=")
        if not sep or not value.strip().isdigit() or not number.strip().isdigit():
            raise Refused(
                "'{part}' is not a count: write DENOMINATION=HOW_MANY in fen, e.g. 10000=3.",
                part=part,
            )
        denomination = int(value)
        if denomination not in DENOMINATIONS:
            raise Refused(
                "{value} fen is not a banknote or coin: use 10000, 5000, 2000, 1000, 500, 100, "
                "50, 10, 5, 2 or 1.",
                value=denomination,
            )
        if denomination in counts:
            raise Refused("{value} fen is counted twice.", value=denomination)
        counts[denomination] = int(number)
    return counts


def counted_fen(counts: dict[int, int]) -> int:
    return sum(denomination * number for denomination, number in counts.items())


@dataclass
class XReport:
    """The open shift's figures so far."""

    shift_id: str
    opened_seq: int
    opened_at: str
    opened_by: str
    float_fen: int
    sales_count: int = 0
    sales_fen: int = 0
    voided_lines: int = 0
    voided_fen: int = 0
    refunds_count: int = 0
    refunds_fen: int = 0
    post_voids_count: int = 0
    post_voids_fen: int = 0
    discount_fen: int = 0
    rounding_fen: int = 0  # cash rounding (抹零): sales' less refunds'; already in tenders["cash"]
    overrides: int = 0
    tenders: dict[str, int] = field(default_factory=dict)  # method -> fen kept (cash net of change)
    cash_in_fen: int = 0
    cash_out_fen: int = 0
    products: dict[str, int] = field(default_factory=dict)  # product_id -> fen sold
    names: dict[str, str] = field(default_factory=dict)  # product_id -> name as sold
    hours: dict[str, int] = field(default_factory=dict)  # UTC "YYYY-MM-DDTHH" -> fen sold
    last_seq: int = 0

    @property
    def net_fen(self) -> int:
        """Sales less refunds and post-voids."""
        return self.sales_fen - self.refunds_fen - self.post_voids_fen

    @property
    def expected_cash_fen(self) -> int:
        # Cash tenders are net of change, and change was worked out from the rounded amount
        # due, so a rounded sale adds what the drawer really took in (total + rounding).
        cash = self.tenders.get("cash", 0)
        return self.float_fen + cash + self.cash_in_fen - self.cash_out_fen

    def figures(self) -> dict[str, int]:
        """The shift's figures a ``z_close`` carries (sync.protocol.entries.Z_FIGURES)."""
        return {key: getattr(self, key) for key in Z_FIGURES}

    def as_dict(self) -> dict:
        return {
            "shift_id": self.shift_id,
            "opened_seq": self.opened_seq,
            "opened_at": self.opened_at,
            "opened_by": self.opened_by,
            **self.figures(),
            "overrides": self.overrides,
            "net_fen": self.net_fen,
            "tenders": dict(sorted(self.tenders.items())),
            "expected_cash_fen": self.expected_cash_fen,
            "through_seq": self.last_seq,
        }


def open_shift_of(entries: Iterable[dict]) -> XReport | None:
    """The X report of the shift open at the end of ``entries`` (journal order), or None."""
    report: XReport | None = None
    for entry in entries:
        kind, body = entry["type"], entry["body"]
        if kind == "shift_open":
            report = XReport(
                body["shift_id"], entry["seq"], entry["at"], body["by"], body["float_fen"]
            )
        elif kind == "z_close":
            report = None
        elif report is None:
            continue
        elif kind == "sale":
            _add_sale(report, body)
            hour = entry["at"][:13]
            report.hours[hour] = report.hours.get(hour, 0) + body["total_fen"]
        elif kind == "refund":
            _add_refund(report, body)
        elif kind == "cash_in":
            report.cash_in_fen += body["amount_fen"]
        elif kind == "cash_out":
            report.cash_out_fen += body["amount_fen"]
        if report is not None:
            report.last_seq = entry["seq"]
    return report


def _add_sale(report: XReport, body: dict) -> None:
    report.sales_count += 1
    report.sales_fen += body["total_fen"]
    report.rounding_fen += body.get("rounding_fen", 0)
    for payment in body["payments"]:
        report.tenders[payment["method"]] = (
            report.tenders.get(payment["method"], 0) + payment["amount_fen"]
        )
    if body["change_fen"]:
        report.tenders["cash"] = report.tenders.get("cash", 0) - body["change_fen"]
    for line in body.get("voided_lines", []):
        report.voided_lines += 1
        report.voided_fen += line["amount_fen"]
    for line in body["lines"]:
        report.products[line["product_id"]] = (
            report.products.get(line["product_id"], 0) + line["amount_fen"]
        )
        report.names[line["product_id"]] = line["name"]
        report.discount_fen += line.get("discount_fen", 0)
        report.overrides += "list_price_fen" in line


def _add_refund(report: XReport, body: dict) -> None:
    if body["kind"] == "post_void":
        report.post_voids_count += 1
        report.post_voids_fen += body["total_fen"]
    else:
        report.refunds_count += 1
        report.refunds_fen += body["total_fen"]
    # A refund's rounding gives back the sale's (or rounds the cash paid out): the shift's
    # rounding is its sales' less its refunds', as the drawer's cash is.
    report.rounding_fen -= body.get("rounding_fen", 0)
    for payment in body["payments"]:
        report.tenders[payment["method"]] = (
            report.tenders.get(payment["method"], 0) - payment["amount_fen"]
        )
    for line in body["lines"]:
        report.products[line["product_id"]] = (
            report.products.get(line["product_id"], 0) - line["amount_fen"]
        )


def close_tenders(
    report: XReport,
    counted_cash_fen: int,
    confirmed: dict[str, int],
    verified: Collection[str] = (),
) -> dict[str, dict]:
    """Expected, counted and variance per tender at the close.

    Cash is what the manager counted in the drawer; every other tender is the provider's
    settlement total the manager confirmed (``confirmed``), or the expected total when
    accepted as is. A variance is counted minus expected: negative means money is missing.
    WeChat Pay and Alipay also say whether their figure is HQ's verified total
    (``verified`` names those methods: a verified method HQ collected money for with no
    tender in the journal gets a row of its own, expected 0) or was typed by hand.
    """
    unknown = sorted(set(confirmed) - set(report.tenders) - {"cash"} - set(verified))
    if unknown:
        raise Refused(
            "No {method} payments were taken in this shift: there is nothing to confirm.",
            method=unknown[0],
        )
    if "cash" in confirmed:
        raise Refused("Cash is counted in the drawer, not confirmed: give the counts instead.")
    tenders = {"cash": {"expected_fen": report.expected_cash_fen, "counted_fen": counted_cash_fen}}
    expected_by_method = {m: fen for m, fen in report.tenders.items() if m != "cash"}
    for method in verified:
        expected_by_method.setdefault(method, 0)
    for method, expected in sorted(expected_by_method.items()):
        tenders[method] = {
            "expected_fen": expected,
            "counted_fen": confirmed.get(method, expected),
        }
        if method in GATEWAY_METHODS:
            tenders[method]["verified"] = method in verified
    for figures in tenders.values():
        figures["variance_fen"] = figures["counted_fen"] - figures["expected_fen"]
    return tenders


def parse_confirmed(texts: list[str]) -> dict[str, int]:
    """``["wechat=13960", "card=6980"]`` as a dict of settlement totals in fen."""
    confirmed: dict[str, int] = {}
    for text in texts:
        method, sep, amount = text.partition("=")
        if not sep or not method.strip() or not amount.strip().isdigit():
            raise Refused(
                "'{text}' is not a settlement total: write METHOD=FEN, e.g. wechat=13960.",
                text=text,
            )
        confirmed[method.strip()] = int(amount)
    return confirmed


def top_products(report: XReport, count: int = 10) -> list[tuple[str, int]]:
    """(name, fen) of the products that brought in most in the shift, net of refunds."""
    ranked = sorted(report.products.items(), key=lambda item: (-item[1], item[0]))
    return [(report.names.get(pid, pid), fen) for pid, fen in ranked[:count] if fen > 0]
