"""Pinyin initials of product names, for the console's catalog search ('fjqc' finds 奉节脐橙).

A copy of the terminal's ``pos/pinyin.py`` (the server may not import ``pos``, and the
contract package is stdlib only while this needs pypinyin);
tests/server/test_console_catalog.py checks that the two agree on every demo product.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Lower-case initials of a Chinese name; letters and digits pass through."""
    # Imported here: pypinyin's phrase tables take 0.2 s to load, which no page start needs.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(part for part in letters if part.strip()).lower()
