"""Just enough PNG reading for the tests: a browser's screenshot (8-bit RGB or RGBA, not
interlaced) as grey pixels, for a barcode reader."""

from __future__ import annotations

import struct
import zlib


def grey_pixels(png: bytes) -> tuple[int, int, bytes]:
    """(width, height, one byte of grey per pixel) of a PNG screenshot."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, chunks, header = 8, [], None
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            chunks.append(data)
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and not interlace, "an unusual PNG"
    size = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                pick = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pick) & 0xFF
        rows.append(bytes(line))
        previous = line
    grey = bytearray()
    for line in rows:
        for x in range(0, stride, size):
            grey.append((line[x] * 30 + line[x + 1] * 59 + line[x + 2] * 11) // 100)
    return width, height, bytes(grey)
