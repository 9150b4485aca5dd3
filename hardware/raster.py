"""Receipts as pictures: the ``preview`` printer's PNG and the raster job for the benchmark.

The picture follows the printer's own grid: 203 dpi, 12 × 24 dot cells for one column, a
Chinese character across two cells, 384 dots on 58 mm paper and 576 on 80 mm, so the
preview shows exactly where each character lands on paper.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from hardware.escpos import PRINTABLE_DOTS
from pos.paper.text import Receipt, char_width

CELL_W, CELL_H = 12, 24
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    """A font file with Chinese glyphs, or None (the picture then shows boxes)."""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).exists():
            return found
    return next((f for f in FONT_CANDIDATES if Path(f).exists()), None)


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont:
    path = cjk_font_file()
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _qr_image(payload: str, box: int = 6) -> Image.Image:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=2)
    code.add_data(payload)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def render(receipt: Receipt, paper_mm: int) -> Image.Image:
    """The receipt as a 1-bit picture the width of the printable area."""
    width = PRINTABLE_DOTS[paper_mm]
    qr = _qr_image(receipt.qr) if receipt.qr else None
    height = CELL_H * (len(receipt.lines) + 1) + (qr.height + CELL_H if qr else 0)
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    font = _font(CELL_H - 2)
    for row, line in enumerate(receipt.lines):
        column = 0
        for ch in line:
            cells = char_width(ch)
            if ch != " ":
                left = column * CELL_W
                draw.text((left + cells * CELL_W / 2, row * CELL_H + CELL_H / 2), ch, font=font, fill=0, anchor="mm")  # fmt: skip
            column += cells
    if qr:
        image.paste(qr, ((width - qr.width) // 2, CELL_H * (len(receipt.lines) + 1)))
    return image


def write_png(receipt: Receipt, paper_mm: int, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    render(receipt, paper_mm).save(path)
    return path


def raster_job(receipt: Receipt, paper_mm: int) -> bytes:
    """The whole receipt as one ESC/POS raster picture (``GS v 0``), then a cut."""
    from escpos.printer import Dummy

    from hardware.escpos import FEED_BEFORE_CUT, INIT, PARTIAL_CUT

    printer = Dummy()
    printer.profile.profile_data["media"]["width"]["pixels"] = PRINTABLE_DOTS[paper_mm]
    printer.image(render(receipt, paper_mm))
    return INIT + printer.output + FEED_BEFORE_CUT + PARTIAL_CUT
