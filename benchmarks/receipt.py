"""Bytes and render time of a typical Chinese receipt (`python -m benchmarks.receipt`).

A 10-line sale (Chinese names, certified products, a weighed line, cash with change) is
rendered in text mode (our GBK text path with the printer's own QR code), in text mode with
the QR as a picture, and in raster mode (the whole receipt as one picture), on 58 mm and
80 mm paper. Render times are medians over ``runs``; the print time a job implies on a serial
line is its bytes × 10 bits (8N1) / baud. Target: text mode with native QR under 1.5 KB.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks.common import median_ms, run_main
from hardware.escpos import encode_receipt
from hardware.raster import raster_job
from pos.paper.receipt import layout

NAMES = [
    ("奉节脐橙 5斤装 特级果", 2, 3990, "CQFP-2026-000101"),
    ("城口老腊肉 500g", 1, 6800, "CQFP-2026-000217"),
    ("巫山脆李", None, 1980, "CQFP-2026-000917"),
    ("涪陵榨菜 80g×10袋", 3, 2500, ""),
    ("酉阳茶油 500ml", 1, 8800, "CQFP-2025-004410"),
    ("秀山土家米 5kg装", 1, 6980, "CQFP-2026-000333"),
    ("石柱黄连蜂蜜 250g", 2, 4500, ""),
    ("黔江鸡杂 350g", 1, 2990, "CQFP-2024-012033"),
    ("武隆高山土豆", None, 450, ""),
    ("彭水苕粉 1kg", 1, 1580, "CQFP-2026-000777"),
]
TARGET_BYTES = 1536


def typical_sale() -> dict:
    lines = []
    for i, (name, qty, price, cert) in enumerate(NAMES):
        line = {"product_id": f"p{i}", "barcode": "", "name": name, "unit_price_fen": price}
        if qty is None:
            line["weight_g"] = 1234 + 111 * i
            line["amount_fen"] = (line["weight_g"] * price + 500) // 1000
        else:
            line["qty"] = qty
            line["amount_fen"] = qty * price
        if cert:
            line["certificate_no"] = cert
        lines.append(line)
    total = sum(line["amount_fen"] for line in lines)
    paid = (total // 10000 + 1) * 10000
    return {
        "v": 1,
        "terminal": "CQ-FJ-001-T1",
        "seq": 12345,
        "type": "sale",
        "at": "2026-11-29T03:15:02.120Z",
        "prev": "0" * 64,
        "hash": "9f2c4e1a7b3d5f60" + "0" * 48,
        "body": {
            "cashier": "李娜",
            "lines": lines,
            "total_fen": total,
            "payments": [{"method": "cash", "amount_fen": paid}],
            "change_fen": paid - total,
        },
    }


def measure(runs: int = 20) -> list[dict]:
    entry = typical_sale()
    rows = []
    for paper in (58, 80):
        modes = {
            "text, native QR": lambda p=paper: encode_receipt(
                layout(entry, "奉节县扶贫产品专柜", p), qr="native", kick_pin=0
            ),
            "text, QR as image": lambda p=paper: encode_receipt(
                layout(entry, "奉节县扶贫产品专柜", p), qr="image", kick_pin=0
            ),
            "raster (whole receipt as image)": lambda p=paper: raster_job(
                layout(entry, "奉节县扶贫产品专柜", p), p
            ),
        }
        for mode, render in modes.items():
            ms, data = median_ms(render, runs if "raster" not in mode else max(runs // 4, 3))
            rows.append(
                {
                    "paper_mm": paper,
                    "mode": mode,
                    "bytes": len(data),
                    "render_ms_median": round(ms, 2),
                    "send_s_9600": round(len(data) * 10 / 9600, 2),
                    "send_s_115200": round(len(data) * 10 / 115200, 3),
                }
            )
    return rows


def run(runs: int = 20, json_output: bool = False) -> int:
    rows = measure(runs)
    if json_output:
        print(json.dumps({"rows": rows, "target_bytes": TARGET_BYTES}, ensure_ascii=False))
    else:
        certified = sum(1 for n in NAMES if n[3])
        print(f"A 10-line Chinese receipt ({certified} certified lines, 2 weighed, cash with change):")  # fmt: skip
        print(f"{'paper':>5}  {'mode':<32} {'bytes':>7} {'render ms':>10} {'9600 bd s':>10} {'115200 bd s':>12}")  # fmt: skip
        for r in rows:
            print(f"{r['paper_mm']:>3}mm  {r['mode']:<32} {r['bytes']:>7} {r['render_ms_median']:>10} {r['send_s_9600']:>10} {r['send_s_115200']:>12}")  # fmt: skip
        text = [r for r in rows if r["mode"] == "text, native QR"]
        ok = all(r["bytes"] < TARGET_BYTES for r in text)
        print(f"Target: text mode with native QR under {TARGET_BYTES} bytes: {'met' if ok else 'NOT met'}.")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.receipt",
        description="Measure a 10-line Chinese receipt: bytes and render time, text vs raster.",
    )
    parser.add_argument("--runs", type=int, default=20, help="renders to time per mode (median)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(parser, lambda a: run(a.runs, json_output=a.json), argv)


if __name__ == "__main__":
    sys.exit(main())
