"""Generate large synthetic product catalogs for benchmarks and load tests.

The output has the same columns as ``assets/demo/catalog.csv`` and can be
imported like a real catalog. Generation uses only the standard library and is
deterministic: the same ``count`` and ``seed`` always produce the same rows.

Conventions of the generated data:

* Piece products have one 69-prefixed EAN-13 barcode (about 1 in 40 has a
  second, older barcode, written as ``first|second``) and no PLU.
* About 1 in 10 products is sold by weight (``unit`` ``kg``). These have a
  unique 5-digit PLU (10000-99999) and no barcode; ``price_fen`` is per kg.
  When all 90,000 PLUs are used up, the remaining products are sold by piece.
* Barcodes, PLUs and certificate numbers are unique across the catalog;
  product names may repeat.
* Suppliers ``S00001``.. ``S02400`` are spread over real Chongqing counties;
  certificates expire between 2027-01-01 and 2028-12-31.

Example::

    python -m pos.demo_catalog --products 100000 --out bench-data/catalog.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
from collections.abc import Iterator, Sequence
from datetime import date

COLUMNS: tuple[str, ...] = (
    "barcode",
    "plu",
    "name",
    "name_en",
    "unit",
    "price_fen",
    "category",
    "supplier_id",
    "supplier_name",
    "county",
    "certificate_no",
    "certificate_expires",
)

ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "gbk")

SUPPLIER_COUNT = 2400

PLU_FIRST = 10000
PLU_LAST = 99999
_PLU_CAPACITY = PLU_LAST - PLU_FIRST + 1

# Share of products sold by weight and of piece products with a second barcode.
_KG_SHARE = 0.1
_SECOND_BARCODE_SHARE = 0.025

# Barcodes are "69" + a 10-digit item number + check digit. Item numbers come
# from an affine map n -> (A * n + B) mod 10**10; A is coprime with 10, so the
# map is a permutation and distinct inputs give distinct barcodes.
_ITEM_SPACE = 10**10
_ITEM_MULTIPLIER = 3_781_927_413
# Same idea for PLUs over 0..89999 (the multiplier is coprime with 90000).
_PLU_MULTIPLIER = 47_317

_EXPIRY_FIRST = date(2027, 1, 1).toordinal()
_EXPIRY_LAST = date(2028, 12, 31).toordinal()

# (official name, short name used in product names, English name)
COUNTIES: tuple[tuple[str, str, str], ...] = (
    ("奉节县", "奉节", "Fengjie"),
    ("巫山县", "巫山", "Wushan"),
    ("巫溪县", "巫溪", "Wuxi"),
    ("城口县", "城口", "Chengkou"),
    ("云阳县", "云阳", "Yunyang"),
    ("开州区", "开州", "Kaizhou"),
    ("万州区", "万州", "Wanzhou"),
    ("石柱土家族自治县", "石柱", "Shizhu"),
    ("秀山土家族苗族自治县", "秀山", "Xiushan"),
    ("酉阳土家族苗族自治县", "酉阳", "Youyang"),
    ("彭水苗族土家族自治县", "彭水", "Pengshui"),
    ("武隆区", "武隆", "Wulong"),
    ("丰都县", "丰都", "Fengdu"),
    ("黔江区", "黔江", "Qianjiang"),
    ("南川区", "南川", "Nanchuan"),
    ("涪陵区", "涪陵", "Fuling"),
    ("忠县", "忠县", "Zhongxian"),
    ("潼南区", "潼南", "Tongnan"),
    ("垫江县", "垫江", "Dianjiang"),
    ("梁平区", "梁平", "Liangping"),
)

_TOWNS = (
    "青山",
    "白云",
    "龙泉",
    "石门",
    "红岩",
    "桃源",
    "金竹",
    "凤凰",
    "高峰",
    "双河",
    "三合",
    "新民",
    "长坪",
    "大坝",
    "柏杨",
    "清水",
)

_SUPPLIER_KINDS = (
    "农产品专业合作社",
    "生态农业专业合作社",
    "特色种植专业合作社",
    "生态养殖专业合作社",
    "果蔬专业合作社",
    "农业开发有限公司",
    "食品有限公司",
    "农特产品有限公司",
)

# Products sold by weight: (Chinese, English, category, min fen/kg, max fen/kg)
_KG_PRODUCTS = (
    ("脐橙", "navel oranges", "水果", 800, 1800),
    ("红橙", "red oranges", "水果", 800, 1600),
    ("春橙", "spring oranges", "水果", 900, 1600),
    ("脆李", "crisp plums", "水果", 1200, 2600),
    ("猕猴桃", "kiwifruit", "水果", 1000, 2400),
    ("柚子", "pomelos", "水果", 500, 1200),
    ("洋芋", "potatoes", "蔬菜", 300, 700),
    ("高山白菜", "highland Chinese cabbage", "蔬菜", 250, 600),
    ("高山萝卜", "highland white radish", "蔬菜", 200, 500),
    ("鲜红辣椒", "fresh red chillies", "蔬菜", 800, 1800),
    ("鲜方竹笋", "fresh square bamboo shoots", "蔬菜", 1600, 3200),
    ("红薯", "sweet potatoes", "蔬菜", 300, 800),
    ("老腊肉", "cured pork", "肉类", 7000, 12000),
    ("腊香肠", "cured sausage", "肉类", 6500, 10000),
    ("黑猪五花肉", "black pork belly", "肉类", 3200, 5200),
    ("鲜牛腱", "fresh beef shank", "肉类", 7800, 11000),
    ("山地鸡", "free-range chicken", "蛋禽", 4000, 7000),
)

_KG_GRADES = (
    ("", ""),
    ("特级", "premium"),
    ("一级", "grade 1"),
    ("精选", "selected"),
    ("大果", "large"),
    ("散装", "loose"),
)

# Products sold by piece: (Chinese, English, category, sizes) where each size
# is (Chinese label, English label, min fen, max fen).
_PIECE_PRODUCTS = (
    (
        "土家米",
        "Tujia rice",
        "粮油",
        (("5kg装", "5 kg bag", 5500, 8500), ("2.5kg装", "2.5 kg bag", 2800, 4500)),
    ),
    (
        "贡米",
        "tribute rice",
        "粮油",
        (("5kg装", "5 kg bag", 6000, 9800), ("10kg装", "10 kg bag", 11000, 18000)),
    ),
    (
        "茶油",
        "tea-seed oil",
        "粮油",
        (("500ml", "500 ml", 6800, 9800), ("1L", "1 L", 12800, 18800)),
    ),
    ("菜籽油", "rapeseed oil", "粮油", (("5L", "5 L", 8800, 13800), ("1.8L", "1.8 L", 3800, 5800))),
    (
        "苕粉",
        "sweet-potato noodles",
        "干货",
        (("500g", "500 g", 1200, 2000), ("1kg家庭装", "1 kg family pack", 2400, 3400)),
    ),
    ("方竹笋干", "dried square bamboo shoots", "干货", (("250g", "250 g", 2800, 4800),)),
    ("山核桃", "walnuts", "干货", (("500g", "500 g", 2600, 4200),)),
    ("香菇", "dried shiitake", "干货", (("200g", "200 g", 2200, 3800),)),
    ("干辣椒", "dried chillies", "调味品", (("250g", "250 g", 1400, 2400),)),
    ("辣椒酱", "chilli sauce", "调味品", (("280g", "280 g", 990, 1680),)),
    (
        "榨菜",
        "pickled mustard tuber",
        "调味品",
        (("80g", "80 g", 200, 350), ("80g×10袋", "80 g x 10", 1900, 2900)),
    ),
    ("青花椒", "green Sichuan pepper", "调味品", (("100g", "100 g", 1680, 2880),)),
    ("烤鱼调料", "grilled fish seasoning", "调味品", (("200g", "200 g", 990, 1580),)),
    ("金银花茶", "honeysuckle tea", "茶饮", (("50g", "50 g", 2800, 4800),)),
    ("老鹰茶", "hawk tea", "茶饮", (("150g", "150 g", 1800, 3200),)),
    (
        "春橙果汁",
        "orange juice",
        "茶饮",
        (("300ml", "300 ml", 500, 900), ("1L", "1 L", 1500, 2500)),
    ),
    (
        "山地鸡蛋",
        "free-range eggs",
        "蛋禽",
        (("10枚", "10 pcs", 1280, 1980), ("30枚", "30 pcs", 3600, 5200)),
    ),
    ("麻辣鸡", "spicy chicken", "特产", (("400g", "400 g", 3600, 4800),)),
    ("鸡杂", "chicken giblets", "特产", (("350g", "350 g", 3200, 4500),)),
    ("牛肉干", "beef jerky", "特产", (("200g", "200 g", 3800, 5200),)),
    ("羊角豆干", "dried tofu", "特产", (("200g", "200 g", 990, 1580),)),
    ("中蜂蜜", "Chinese honeybee honey", "特产", (("500g", "500 g", 5800, 8800),)),
    ("莼菜", "water shield", "特产", (("350g", "350 g", 2500, 3500),)),
    ("脐橙礼盒", "navel oranges gift box", "水果", (("5kg", "5 kg", 5800, 8800),)),
    ("脆李礼盒", "crisp plums gift box", "水果", (("2.5kg", "2.5 kg", 6800, 9800),)),
)


def ean13(body12: str) -> str:
    """Return ``body12`` followed by its GS1 mod-10 check digit."""
    if len(body12) != 12 or not body12.isascii() or not body12.isdigit():
        raise ValueError(f"EAN-13 body must be 12 digits, got {body12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _suppliers(rng: random.Random) -> list[tuple[str, str, int]]:
    """Return (supplier_id, supplier_name, county index) with unique names."""
    combos = [
        (county, town, kind)
        for county in range(len(COUNTIES))
        for town in _TOWNS
        for kind in _SUPPLIER_KINDS
    ]
    rng.shuffle(combos)
    combos = sorted(combos[:SUPPLIER_COUNT])
    return [
        (f"S{n:05d}", f"{COUNTIES[county][0]}{town}{kind}", county)
        for n, (county, town, kind) in enumerate(combos, start=1)
    ]


def _price(rng: random.Random, low: int, high: int) -> int:
    """Price in fen between low and high, ending in 0 (whole jiao)."""
    return rng.randint(low // 10, high // 10) * 10


def generate_rows(count: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Yield ``count`` synthetic catalog rows keyed by :data:`COLUMNS`."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    rng = random.Random(seed)
    suppliers = _suppliers(rng)
    item_offset = rng.randrange(_ITEM_SPACE)
    plu_offset = rng.randrange(_PLU_CAPACITY)
    expiry_dates = [
        date.fromordinal(day).isoformat() for day in range(_EXPIRY_FIRST, _EXPIRY_LAST + 1)
    ]

    def barcode(n: int) -> str:
        return ean13(f"69{(_ITEM_MULTIPLIER * n + item_offset) % _ITEM_SPACE:010d}")

    random_ = rng.random
    choice = rng.choice
    plus_used = 0
    extra_barcodes = 0  # second barcodes use item numbers count, count + 1, ...
    for i in range(count):
        supplier_id, supplier_name, county_index = choice(suppliers)
        county, short, county_en = COUNTIES[county_index]
        expires = choice(expiry_dates)
        if random_() < _KG_SHARE and plus_used < _PLU_CAPACITY:
            zh, en, category, low, high = choice(_KG_PRODUCTS)
            grade_zh, grade_en = choice(_KG_GRADES)
            name = f"{short}{zh}{grade_zh}"
            name_en = f"{county_en} {en}, {grade_en}" if grade_en else f"{county_en} {en}"
            unit = "kg"
            codes = ""
            plu = str(PLU_FIRST + (_PLU_MULTIPLIER * plus_used + plu_offset) % _PLU_CAPACITY)
            plus_used += 1
        else:
            zh, en, category, sizes = choice(_PIECE_PRODUCTS)
            size_zh, size_en, low, high = choice(sizes)
            name = f"{short}{zh}{size_zh}"
            name_en = f"{county_en} {en} {size_en}"
            unit = "piece"
            codes = barcode(i)
            if random_() < _SECOND_BARCODE_SHARE:
                codes = f"{codes}|{barcode(count + extra_barcodes)}"
                extra_barcodes += 1
            plu = ""
        yield {
            "barcode": codes,
            "plu": plu,
            "name": name,
            "name_en": name_en,
            "unit": unit,
            "price_fen": str(_price(rng, low, high)),
            "category": category,
            "supplier_id": supplier_id,
            "supplier_name": supplier_name,
            "county": county,
            "certificate_no": f"CQFP-{int(expires[:4]) - 2}-{i + 1:06d}",
            "certificate_expires": expires,
        }


def write_csv(
    path: str | os.PathLike[str], count: int, seed: int = 1, encoding: str = "utf-8"
) -> None:
    """Write a header and ``count`` generated rows to ``path``.

    ``encoding`` is one of ``utf-8``, ``utf-8-sig`` (UTF-8 with BOM, for Excel)
    or ``gbk`` (for older Windows tools).
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}; choose one of {', '.join(ENCODINGS)}")
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows([row[c] for c in COLUMNS] for row in generate_rows(count, seed))


def _product_count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pos.demo_catalog",
        description="Write a large synthetic product catalog CSV for benchmarks.",
        epilog=(
            "example:\n"
            "  python -m pos.demo_catalog --products 100000 --out bench-data/catalog.csv\n"
            "  python -m pos.demo_catalog --products 5000 --out catalog-gbk.csv --encoding gbk"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--products",
        type=_product_count,
        default=100_000,
        metavar="N",
        help="number of products to write (default: %(default)s)",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="CSV file to write")
    parser.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="utf-8",
        help="file encoding (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed; same seed, same file (default: 1)"
    )
    args = parser.parse_args(argv)
    write_csv(args.out, args.products, seed=args.seed, encoding=args.encoding)
    print(f"wrote {args.products} products to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
