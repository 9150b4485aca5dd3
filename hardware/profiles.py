"""Printer profiles: what a model of receipt printer can do.

A profile names the paper width, the code page for Chinese text, how the footer QR code is
printed (``native``: the printer draws it from ``GS ( k``; ``image``: we send it as a
picture, for printers without QR support; ``text``: the payload as a line of text) and
whether the printer has a cutter. booth.toml picks a profile under ``[printer]`` and may
override each part of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

QR_MODES = ("native", "image", "text")
ENCODINGS = ("gbk", "gb18030")
PAPER_WIDTHS = (58, 80)


@dataclass(frozen=True)
class Profile:
    name: str
    paper_mm: int = 80
    encoding: str = "gbk"
    qr: str = "native"
    cut: bool = True
    jump: bool = True  # ESC $ (absolute position) for right-aligned amounts


PROFILES = {
    p.name: p
    for p in (
        Profile("generic-80"),  # most 80 mm Chinese thermal printers (Xprinter XP-80, GP-80...)
        Profile("generic-58", paper_mm=58),  # 58 mm with native QR and a cutter
        # tear-off 58 mm printers without QR support, cutter or ESC $
        Profile("basic-58", paper_mm=58, qr="image", cut=False, jump=False),
        Profile("epson-80", encoding="gb18030"),  # Epson TM-T82/T88 Chinese models
    )
}
DEFAULT_PROFILE = "generic-80"


def profile(name: str, paper_mm: int = 0, encoding: str = "", qr: str = "") -> Profile:
    """A built-in profile with any part overridden; bad values raise ValueError."""
    if name not in PROFILES:
        raise ValueError(f"'{name}' is not a printer profile: use one of {', '.join(PROFILES)}.")
    chosen = PROFILES[name]
    if paper_mm and paper_mm not in PAPER_WIDTHS:
        raise ValueError(f"The paper width is 58 or 80 (mm), not {paper_mm}.")
    if encoding and encoding not in ENCODINGS:
        raise ValueError(f"The receipt encoding is gbk or gb18030, not '{encoding}'.")
    if qr and qr not in QR_MODES:
        raise ValueError(f"The QR mode is native, image or text, not '{qr}'.")
    return replace(
        chosen,
        paper_mm=paper_mm or chosen.paper_mm,
        encoding=encoding or chosen.encoding,
        qr=qr or chosen.qr,
    )
