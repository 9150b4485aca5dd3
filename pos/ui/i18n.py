"""Languages: Qt translators for our strings (assets/i18n) and Qt's own (qtbase)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from pos.errors import BoothError

I18N = Path(__file__).resolve().parents[2] / "assets" / "i18n"
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
#: The language the screens are in now (set by ``Languages.use``): product names follow it.
shown_language = DEFAULT_LANGUAGE


def message(exc: BaseException) -> str:
    """An error in the cashier's language: domain templates are translated, then filled in."""
    if isinstance(exc, BoothError):
        template = QCoreApplication.translate("messages", exc.template)
        try:
            return template.format(**exc.params)
        except (KeyError, IndexError, ValueError):
            return str(exc)
    return str(exc)


def tender_names() -> dict[str, str]:
    """Tender methods as the cashier reads them, in the current language."""
    return {
        "cash": QCoreApplication.translate("PaymentDialog", "Cash"),
        "wechat": QCoreApplication.translate("PaymentDialog", "WeChat Pay"),
        "alipay": QCoreApplication.translate("PaymentDialog", "Alipay"),
        "card": QCoreApplication.translate("PaymentDialog", "Card"),
        "voucher": QCoreApplication.translate("PaymentDialog", "Voucher"),
    }


def product_name(product) -> str:
    """A product's name in the cashier's language: its English name (``name_en``) in English
    mode when the catalog has one, else the Chinese name. Receipts keep the Chinese name."""
    if shown_language == "en" and product.name_en:
        return product.name_en
    return product.name


def sold_name(line: dict, product) -> str:
    """A journal line's product in the cashier's language: the catalog's English name in
    English mode when it has one, else the name the line was sold under."""
    if shown_language == "en" and product is not None and product.name_en:
        return product.name_en
    return line["name"]


class Languages:
    """Installs and swaps the translators of the running application."""

    def __init__(self, app):
        self.app = app
        self.installed: list[QTranslator] = []
        self.current = DEFAULT_LANGUAGE

    def use(self, language: str) -> None:
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        for translator in self.installed:
            self.app.removeTranslator(translator)
        self.installed = []
        ours = QTranslator(self.app)
        if ours.load(str(I18N / f"booth_pos_{language}.qm")):
            self.installed.append(ours)
        if language != "en":
            qt = QTranslator(self.app)
            if qt.load(
                f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            ):
                self.installed.append(qt)
        for translator in self.installed:
            self.app.installTranslator(translator)
        QLocale.setDefault(QLocale(language))
        self.current = language
        global shown_language
        shown_language = language
