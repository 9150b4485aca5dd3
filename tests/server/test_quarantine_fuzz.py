"""Property: whatever a terminal with a valid token pushes (random valid-chain entries,
plausible and absurd), HQ never answers 5xx, every report answers, and the quarantined
entries count nowhere: report totals equal the sum over the entries that should count,
worked out here from what each entry was made to be."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol import journal
from sync.protocol.barcodes import DEFAULT_RULES
from sync.protocol.catalog import parse, product_id
from tests.support import DEMO_CATALOG
from tests.support.live import bearer, enrol, hold_demo_catalog

CATALOG = {product_id(row): row for row in parse(DEMO_CATALOG.read_bytes(), DEFAULT_RULES).rows}
IDS = sorted(CATALOG)
DAYS = {"from": "2026-01-01", "to": "2028-12-31"}
#: What an entry is made to be, and whether HQ must count it (True), hold it (False) or
#: refuse it (None).
KINDS = {
    "honest": True,
    "override": True,
    "cheap": False,
    "stranger": False,
    "future": False,
    "ancient": False,
    "sums": False,
    "negative": None,
    "receive": True,
    "receive_stranger": False,
}


def _line(pid: str, size: int, price: int | None = None) -> dict:
    row = CATALOG[pid]
    price = row.price_fen if price is None else price
    line = {
        "product_id": pid,
        "barcode": row.barcodes[0][0] if row.barcodes else "",
        "name": row.name,
        "unit": row.unit,
        "unit_price_fen": price,
        "supplier_id": row.supplier_id,
        "county": row.county,
    }
    if row.unit == "kg":
        line.update(weight_g=size * 137, amount_fen=(size * 137 * price + 500) // 1000)
    else:
        line.update(qty=size, amount_fen=size * price)
    return line


@st.composite
def made_entries(draw):
    """(kind, entry type, body, offset of ``at`` from now) for one entry."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    pid = draw(st.sampled_from(IDS))
    size = draw(st.integers(1, 40))
    at = timedelta(seconds=-draw(st.integers(0, 3600)))
    if kind.startswith("receive"):
        body = {"product_id": pid, "name": "x", "unit": "piece", "delta": size}
        if kind == "receive_stranger":
            body["product_id"] = "NO-SUCH-" + draw(st.text("ABC123", min_size=1, max_size=6))
        return kind, "stock_receive", body, at
    line = _line(pid, size)
    if kind == "cheap":
        price = draw(st.integers(100, 10**6).filter(lambda p: p != CATALOG[pid].price_fen))
        line = _line(pid, size, price)
    elif kind == "override":
        line = _line(pid, size, draw(st.integers(100, 10**5)))
        line.update(list_price_fen=CATALOG[pid].price_fen, override_by="王强", override_reason="x")
    elif kind == "stranger":
        line["product_id"] = "NO-SUCH-" + draw(st.text("ABC123", min_size=1, max_size=6))
    elif kind == "future":
        at = timedelta(days=draw(st.integers(1, 3650)))
    elif kind == "ancient":
        at = -timedelta(days=draw(st.integers(2, 300)))
    elif kind == "sums":
        line["amount_fen"] += draw(st.integers(2, 10**6))
    elif kind == "negative":
        line["qty" if "qty" in line else "weight_g"] = -size
    total = line["amount_fen"]
    body = {
        "sale_id": str(uuid.uuid4()),
        "cashier": "李娜",
        "lines": [line],
        "payments": [{"method": draw(st.sampled_from(["cash", "wechat"])), "amount_fen": total}],
        "total_fen": total,
        "change_fen": 0,
    }
    return kind, "sale", body, at


class Booth:
    """T1's chain as HQ should hold it, and what should count, worked out independently."""

    def __init__(self):
        self.head, self.seq, self.grand = journal.GENESIS, 0, 0
        self.counted_fen = self.held_fen = self.counted_sales = self.held = 0
        self.stock: dict[str, int] = {}

    def seal(self, entry_type: str, body: dict, at: datetime) -> tuple[dict, int]:
        grand = self.grand + body["total_fen"] if entry_type == "sale" else self.grand
        if entry_type == "sale":
            body = {**body, "grand_total_fen": grand}
        stamp = journal.utc_timestamp(at)
        return journal.make_entry("T1", self.seq + 1, entry_type, stamp, body, self.head), grand

    def stored(self, entry: dict, grand: int, counts: bool) -> None:
        self.head, self.seq, self.grand = entry["hash"], entry["seq"], grand
        body = entry["body"]
        fen = body.get("total_fen", 0)
        if not counts:
            self.held += 1
            self.held_fen += fen
            return
        if entry["type"] == "sale":
            self.counted_fen += fen
            self.counted_sales += 1
            for line in body["lines"]:
                moved = line.get("qty", line.get("weight_g"))
                self.stock[line["product_id"]] = self.stock.get(line["product_id"], 0) - moved
        else:
            self.stock[body["product_id"]] = self.stock.get(body["product_id"], 0) + body["delta"]


def _reports(server, admin: dict) -> dict:
    """Every report (and the quarantine list); each must answer 200."""
    asks = {
        "campaign": ("/reports/campaign", {}),
        "booths": ("/reports/booths", {}),
        "stock": ("/reports/stock", {"booth": "B1"}),
        "closes": ("/reports/closes", {"from": "2026-12-01", "to": "2026-12-07"}),
        "quarantine": ("/quarantine", {}),
        **{
            group: ("/reports/sales", {**DAYS, "group_by": group})
            for group in ("day", "booth", "supplier", "county", "product")
        },
    }
    answers = {}
    for name, (path, params) in asks.items():
        response = requests.get(server.api(path), params=params, headers=admin, timeout=30)
        assert response.status_code == 200, (name, response.status_code, response.text)
        answers[name] = response.json()
    return answers


@pytest.mark.fuzz
def test_random_entries_never_break_hq_and_quarantined_ones_count_nowhere(server, admin_token):
    hold_demo_catalog(server.engine)
    token = enrol(server, "B1", "T1", as_selling_booth=False)
    admin = bearer(admin_token)
    booth = Booth()

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(made_entries(), min_size=1, max_size=4))
    def push_and_check(made):
        batch, outcome, grand = [], [], booth.grand
        sealed_head, sealed_seq = booth.head, booth.seq
        for kind, entry_type, body, offset in made:
            if KINDS[kind] is None:  # malformed: pushed alone, refused, nothing kept
                entry, _ = booth.seal(entry_type, body, datetime.now(UTC) + offset)
                response = requests.post(
                    server.api("/journal"),
                    json={"entries": [entry]},
                    headers=bearer(token),
                    timeout=30,
                )
                assert response.status_code == 422, response.text
                continue
            entry, booth_grand = booth.seal(entry_type, body, datetime.now(UTC) + offset)
            booth.head, booth.seq, booth.grand = entry["hash"], entry["seq"], booth_grand
            batch.append(entry)
            outcome.append((entry, booth_grand, KINDS[kind]))
        booth.head, booth.seq, booth.grand = sealed_head, sealed_seq, grand
        if batch:
            response = requests.post(
                server.api("/journal"), json={"entries": batch}, headers=bearer(token), timeout=30
            )
            assert response.status_code == 200, response.text
            assert response.json()["acked_through"] == batch[-1]["seq"]
            for entry, entry_grand, counts in outcome:
                booth.stored(entry, entry_grand, counts)
        answers = _reports(server, admin)
        campaign = answers["campaign"]
        assert campaign["amount_fen"] == booth.counted_fen
        assert campaign["sales"] == booth.counted_sales
        assert (campaign["quarantined"], campaign["quarantined_fen"]) == (
            booth.held,
            booth.held_fen,
        )
        assert len(answers["quarantine"]) == min(booth.held, 1000)
        on_hand = {row["product_id"]: row["on_hand"] for row in answers["stock"]}
        assert on_hand == {pid: n for pid, n in booth.stock.items() if pid in on_hand}
        assert set(on_hand) == set(booth.stock)

    push_and_check()
    assert booth.held > 0 and booth.counted_sales > 0  # both sides were exercised
