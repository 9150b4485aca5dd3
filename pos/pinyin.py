"""Pinyin initials for product search: a cashier types 'fjqc' to find 奉节脐橙."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Lower-case initials of a Chinese name; letters and digits pass through.

    pypinyin reads phrases, so polyphonic characters get the reading of the word
    (重庆 -> 'cq', not 'zq').
    """
    # Imported here: pypinyin's phrase tables take 0.2 s to load, which a sale never needs.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(part for part in letters if part.strip()).lower()
