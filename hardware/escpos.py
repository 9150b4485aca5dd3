"""Our own ESC/POS encoding of a receipt (pure: bytes in, bytes out, no I/O).

Chinese thermal printers print double-byte GBK text only in Chinese mode, so every line
that holds a non-ASCII character is wrapped in ``FS &`` (Chinese mode on) and ``FS .``
(Chinese mode off) and encoded as GBK (or GB18030 when the printer profile says so).
``￥`` (U+FFE5) is the full-width yuan sign, GBK A3 A4. A character the code page cannot
carry prints as ``?`` rather than stopping the receipt.

``decode_for_humans`` turns the bytes back into readable text with tags, for tests and for
IT staff who want to read what a printer would receive.
"""

from __future__ import annotations

import re

from pos.paper.text import Receipt, text_width

ESC, FS, GS, LF = b"\x1b", b"\x1c", b"\x1d", b"\n"
INIT = ESC + b"@"
CN_ON = FS + b"&"
CN_OFF = FS + b"."
DOUBLE = GS + b"!\x11"  # double width and double height
NORMAL = GS + b"!\x00"
FEED_BEFORE_CUT = ESC + b"d\x03"  # feed three lines so the cut clears the last text
PARTIAL_CUT = GS + b"V\x42\x00"  # GS V 66 0: feed to the cutter, partial cut
CENTER = ESC + b"a\x01"
LEFT = ESC + b"a\x00"
ENCODINGS = ("gbk", "gb18030")
TOTAL_WORDS = ("合计", "TOTAL")
QR_SIZE = 6  # module size in dots: a 40-odd character payload is about 2.5 cm wide
QR_ERROR_M = 0x31  # error correction level M (about 15 % of the code may be damaged)


def _qr_function(fn: int, payload: bytes) -> bytes:
    """One ``GS ( k`` function of the QR symbol (cn = 49): pL pH count cn, fn and the data."""
    size = len(payload) + 2
    return GS + b"(k" + bytes([size % 256, size // 256, 0x31, fn]) + payload


def native_qr(payload: str, size: int = QR_SIZE) -> bytes:
    """Model 2 QR code printed by the printer itself: model, size, level M, store, print."""
    data = payload.encode("ascii", errors="replace")
    if len(data) > 7089:
        raise ValueError("A QR code holds at most 7089 characters; this payload is longer.")
    return (
        _qr_function(0x41, bytes([0x32, 0x00]))  # fn 65: model 2
        + _qr_function(0x43, bytes([size]))  # fn 67: module size
        + _qr_function(0x45, bytes([QR_ERROR_M]))  # fn 69: error correction level
        + _qr_function(0x50, b"\x30" + data)  # fn 80: store the data
        + _qr_function(0x51, b"\x30")  # fn 81: print the stored symbol
    )


def encode_text(text: str, encoding: str = "gbk") -> bytes:
    """Text in the printer's code page; a character it cannot carry becomes ``?``."""
    if encoding not in ENCODINGS:
        raise ValueError(f"The receipt encoding must be one of {', '.join(ENCODINGS)}, not '{encoding}'.")  # fmt: skip
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode(encoding)
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


def unprintable(receipt: Receipt, encoding: str = "gbk") -> list[str]:
    """Characters of the receipt that the code page cannot carry (they print as ``?``)."""
    missing: list[str] = []
    for line in [*receipt.lines, receipt.qr]:
        for ch in line:
            try:
                ch.encode(encoding)
            except UnicodeEncodeError:
                if ch not in missing:
                    missing.append(ch)
    return missing


def _is_total(line: str) -> bool:
    return line.lstrip().startswith(TOTAL_WORDS)


def _squeeze(line: str, width: int) -> str | None:
    """The total line re-spaced to fit ``width`` columns, or None when it cannot fit."""
    parts = line.split()
    if len(parts) < 2:
        return line if text_width(line) <= width else None
    left, right = " ".join(parts[:-1]), parts[-1]
    gap = width - text_width(left) - text_width(right)
    return left + " " * gap + right if gap >= 1 else None


CELL_DOTS = 12  # Font A: one column is 12 dots wide, a Chinese character two columns
_GAP = re.compile(r" {5,}")  # shorter runs of spaces are cheaper as spaces


def _jumps(text: str) -> list[str | int]:
    """The text with long runs of spaces replaced by the column to jump to."""
    parts: list[str | int] = []
    done = 0
    for gap in _GAP.finditer(text):
        parts.append(text[done : gap.start()])
        parts.append(text_width(text[: gap.end()]))
        done = gap.end()
    parts.append(text[done:])
    return [p for p in parts if p != ""]


def _encode_run(text: str, encoding: str) -> bytes:
    if text.isascii():
        return text.encode("ascii")
    return CN_ON + encode_text(text, encoding) + CN_OFF


def _line(text: str, encoding: str, jump: bool = False) -> bytes:
    """One printed line. With ``jump``, the spaces that right-align an amount become
    ``ESC $`` (set absolute print position): 4 bytes instead of up to 40 spaces."""
    if not jump:
        return _encode_run(text, encoding) + LF
    out = bytearray()
    for part in _jumps(text.rstrip()):
        if isinstance(part, int):
            dots = part * CELL_DOTS
            out += ESC + b"$" + bytes([dots % 256, dots // 256])
        else:
            out += _encode_run(part, encoding)
    return bytes(out) + LF


DOTS_PER_MM = 8  # 203 dpi thermal heads
PRINTABLE_DOTS = {58: 384, 80: 576}


def image_qr(payload: str, size: int = QR_SIZE, paper_mm: int = 80) -> bytes:
    """The QR code as a raster picture (drawn by python-escpos), for printers without native
    QR support. Centred with ``ESC a 1``: half the bytes of a picture padded to full width."""
    from escpos.printer import Dummy

    printer = Dummy()
    printer.profile.profile_data["media"]["width"]["pixels"] = PRINTABLE_DOTS[paper_mm]
    printer.qr(payload, native=False, size=size)
    return CENTER + printer.output + LEFT


def encode_receipt(
    receipt: Receipt,
    encoding: str = "gbk",
    cut: bool = True,
    qr_native: bool = True,
    qr: str = "",
    kick_pin: int | None = None,
    jump: bool = True,
) -> bytes:
    """The raw ESC/POS job for a receipt.

    The total line prints double size; at double width a line takes twice the columns, so
    it is re-spaced to half the paper width (and printed normal size if it still would not
    fit). ``qr`` is ``native`` (the printer draws it), ``image`` (a picture) or ``text``
    (the payload as a line); left empty, ``qr_native`` chooses native or text.
    ``kick_pin`` opens the cash drawer as the job starts, so change can be made at once.
    ``jump`` positions right-aligned amounts with ``ESC $`` instead of spaces.
    """
    mode = qr or ("native" if qr_native else "text")
    out = bytearray(INIT)
    if kick_pin is not None:
        out += kick_drawer(kick_pin)
    for text in receipt.lines:
        if _is_total(text):
            squeezed = _squeeze(text, receipt.width // 2)
            if squeezed is not None:
                out += DOUBLE + _line(squeezed, encoding) + NORMAL
                continue
        out += _line(text, encoding, jump)
    if receipt.qr and mode == "native":
        out += native_qr(receipt.qr) + LF
    elif receipt.qr and mode == "image":
        out += image_qr(receipt.qr, paper_mm=58 if receipt.width <= 32 else 80) + LF
    elif receipt.qr:
        out += _line(receipt.qr, encoding)
    if cut:
        out += FEED_BEFORE_CUT + PARTIAL_CUT
    return bytes(out)


def kick_drawer(pin: int = 0) -> bytes:
    """``ESC p m t1 t2``: pulse the cash drawer on connector pin 2 (0) or pin 5 (1)."""
    if pin not in (0, 1):
        raise ValueError("The cash drawer pin is 0 (connector pin 2) or 1 (connector pin 5).")
    return ESC + b"p" + bytes([pin, 25, 250])  # 50 ms on, 500 ms off


def realtime_kick(pin: int = 0) -> bytes:
    """``DLE DC4 1 m t``: pulse the drawer at once, even while the printer is out of paper
    or its cover is open (it then ignores ``ESC p``). Pulse 100 ms."""
    if pin not in (0, 1):
        raise ValueError("The cash drawer pin is 0 (connector pin 2) or 1 (connector pin 5).")
    return b"\x10\x14\x01" + bytes([pin, 1])


_TEXT = re.compile(rb"[^\x00-\x1f\x7f]+")


def decode_for_humans(data: bytes, encoding: str = "gb18030") -> str:
    """The byte stream as readable text with tags for the commands.

    Tags: ``<INIT>``, ``<CN ON>``, ``<CN OFF>``, ``<DOUBLE>``, ``<NORMAL>``, ``<SIZE n>``,
    ``<QR "payload">``, ``<FEED n>``, ``<CUT>``, ``<FULL CUT>``, ``<DRAWER pin>``,
    ``<IMAGE WxH>`` (a raster picture), ``<CENTER>``/``<LEFT>``, ``<CODE PAGE n>`` and
    ``ESC $`` jumps shown as the spaces they stand for, and
    ``<0xNN>`` for a byte this decoder does not know. GB18030 decodes GBK text too.
    """
    out: list[str] = []
    qr_data = b""
    column = 0  # printed columns on the current line, to turn ESC $ back into spaces
    i, n = 0, len(data)
    while i < n:
        rest = data[i:]
        text = _TEXT.match(rest)
        if text:
            decoded = text.group().decode(encoding, errors="replace")
            out.append(decoded)
            column += text_width(decoded)
            i += text.end()
        elif rest[:1] == LF:
            out.append("\n")
            column = 0
            i += 1
        elif rest[:2] == ESC + b"$" and len(rest) >= 4:
            target = (rest[2] + 256 * rest[3]) // CELL_DOTS
            out.append(" " * max(target - column, 0))
            column = max(target, column)
            i += 4
        elif rest[:2] == INIT:
            out.append("<INIT>")
            i += 2
        elif rest[:2] == CN_ON:
            out.append("<CN ON>")
            i += 2
        elif rest[:2] == CN_OFF:
            out.append("<CN OFF>")
            i += 2
        elif rest[:2] == GS + b"!" and len(rest) >= 3:
            size = rest[2]
            out.append({0x11: "<DOUBLE>", 0x00: "<NORMAL>"}.get(size, f"<SIZE 0x{size:02X}>"))
            i += 3
        elif rest[:3] == GS + b"(k" and len(rest) >= 5:
            length = rest[3] + 256 * rest[4]
            body = rest[5 : 5 + length]
            if len(body) >= 2 and body[1] == 0x50:
                qr_data = body[3:]
            elif len(body) >= 2 and body[1] == 0x51:
                out.append(f'<QR "{qr_data.decode(encoding, errors="replace")}">')
            i += 5 + length
        elif rest[:2] == ESC + b"d" and len(rest) >= 3:
            out.append(f"<FEED {rest[2]}>")
            i += 3
        elif rest[:2] == GS + b"V" and len(rest) >= 3:
            mode = rest[2]
            out.append("<FULL CUT>" if mode in (0, 0x30, 65) else "<CUT>")
            i += 4 if mode in (65, 66) else 3
        elif rest[:3] == GS + b"v0" and len(rest) >= 8:
            width_bytes, height = rest[4] + 256 * rest[5], rest[6] + 256 * rest[7]
            out.append(f"<IMAGE {width_bytes * 8}x{height}>")
            i += 8 + width_bytes * height
        elif rest[:2] == ESC + b"a" and len(rest) >= 3:
            out.append({0: "<LEFT>", 1: "<CENTER>", 2: "<RIGHT>"}.get(rest[2] % 48, "<ALIGN ?>"))
            i += 3
        elif rest[:2] == ESC + b"t" and len(rest) >= 3:
            out.append(f"<CODE PAGE {rest[2]}>")
            i += 3
        elif rest[:3] == b"\x10\x14\x01" and len(rest) >= 5:
            out.append(f"<DRAWER NOW {rest[3]}>")
            i += 5
        elif rest[:2] == b"\x10\x04" and len(rest) >= 3:
            out.append(f"<STATUS? {rest[2]}>")
            i += 3
        elif rest[:2] == ESC + b"p" and len(rest) >= 5:
            out.append(f"<DRAWER {rest[2]}>")
            i += 5
        else:
            out.append(f"<0x{rest[0]:02X}>")
            i += 1
    return "".join(out)
