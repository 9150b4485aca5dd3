"""Pages from Jinja2 templates in the reader's language, and the figures' formats."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sync.protocol.journal import parse_utc
from sync.server.console import i18n, reasons

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: What the console's pages may load: only this server's own files (the vendored scripts);
#: ECharts draws on a canvas and sets inline styles, htmx swaps HTML from this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

#: Message parameters that are themselves catalog words (roles, report filters), translated before filling in.
TRANSLATED_PARAMS = frozenset({"role", "own", "what"})

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def yuan(fen: int | None) -> str:
    """Fen as people read money, from integers only: 123456 -> '￥1,234.56'."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}￥{whole:,}.{cents:02d}"


def count(value: int | None) -> str:
    return "" if value is None else f"{int(value):,}"


def kg(grams: int | None) -> str:
    """Grams as kilograms with three decimals, from integers only: 1234 -> '1.234'."""
    if not grams:
        return ""
    sign = "-" if grams < 0 else ""
    whole, rest = divmod(abs(int(grams)), 1000)
    return f"{sign}{whole:,}.{rest:03d}"


def skew(ms: int | None) -> str:
    """A clock skew for people, from integers only: '-120 ms', '4.2 s', '-3 min'."""
    if ms is None:
        return ""
    sign, size = ("-" if ms < 0 else ""), abs(int(ms))
    if size < 1000:
        return f"{sign}{size} ms"
    if size < 60_000:
        return f"{sign}{size // 1000}.{size % 1000 // 100} s"
    return f"{sign}{size // 60_000:,} min"


def local_time(stamp: str | None, zone: ZoneInfo) -> str:
    """A UTC journal stamp as the local time people read ('2026-11-28 17:15')."""
    if not stamp:
        return ""
    return parse_utc(stamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")


environment.filters.update(yuan=yuan, count=count, kg=kg, skew=skew)


def render(
    request: Request,
    template: str,
    context: dict,
    status: int = 200,
    signed=None,
    headers: dict | None = None,
) -> HTMLResponse:
    language = i18n.choose_language(
        request.cookies.get(i18n.LANGUAGE_COOKIE), request.headers.get("accept-language")
    )
    translations = i18n.translations(language)
    settings = request.app.state.settings
    zone = settings.zone

    def translate(message: str, **params) -> str:
        text = translations.gettext(message)
        if not params:
            return text
        # Roles are words of the catalog too ("supervisor" is 主管 in Chinese).
        shown = {
            key: translations.gettext(value) if key in TRANSLATED_PARAMS else value
            for key, value in params.items()
        }
        if "catalog_reason" in shown:  # a reason of the catalog's (see reasons.py)
            shown["catalog_reason"] = reasons.problem(shown["catalog_reason"], translations.gettext)
        return text.format(**shown)

    page = {
        "_": translate,
        "gettext": translate,
        "lang": language,
        "html_lang": i18n.HTML_LANG[language],
        "languages": i18n.LANGUAGE_NAMES,
        "signed": signed,
        "user": signed.user if signed else None,
        "csrf": signed.csrf if signed else "",
        "path": request.url.path,
        "here": request.url.path + ("?" + request.url.query if request.url.query else ""),
        "local": lambda stamp: local_time(stamp, zone),
        # The catalog's English reasons ('line N, column C: reason') in the reader's language.
        "catalog_reason": lambda text: reasons.problem(text, translations.gettext),
        "now_local": datetime.now(zone).strftime("%Y-%m-%d %H:%M"),
        **context,
    }
    html = environment.get_template(template).render(page)
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
