"""The console's languages: Simplified Chinese first, complete English.

Messages are gettext catalogs (``locale/<lang>/LC_MESSAGES/console.po``, kept with Babel by
``python -m tools.console_messages``). The .po files are read when the server starts rather
than compiled to .mo at build time: there is no build step to forget, the file a translator
edits is the file that runs, and reading both takes a few milliseconds.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "console"
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
#: The cookie that keeps a browser's choice of language (a year).
LANGUAGE_COOKIE = "booth_console_lang"
#: What each language calls itself, for the language switch.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
#: <html lang=...> for each language.
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "translate later")
    """Mark a message for the catalogs where it is written; it is translated when shown."""
    return message


class PoTranslations(gettext.NullTranslations):
    """gettext translations straight from a .po file's messages (untranslated: the msgid)."""

    def __init__(self, messages: dict[str, str]):
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> PoTranslations:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    messages = {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }
    return PoTranslations(messages)


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language, else the browser's first language we have, else Chinese."""
    if cookie in LANGUAGES:
        return cookie
    for tag in _by_preference(accept_language or ""):
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


def _by_preference(header: str) -> list[str]:
    """Accept-Language's tags, most wanted first ('en-US,en;q=0.9,zh;q=0.8')."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]
