"""Look and feel for a touch screen: big targets, big money, Chinese fonts first."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

#: Preferred UI fonts, best first: Noto Sans CJK SC (fonts-noto-cjk), then WenQuanYi.
FONT_FAMILIES = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
]
MONO_FAMILIES = ["Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", "Noto Sans CJK SC"]
TOUCH_MIN = 48  # px: the smallest finger target
PAY_HEIGHT = 96
#: A button's padding and border left and right (the style sheet's QPushButton rule).
BUTTON_FRAME = 2 * 12 + 2 * 1

# No min-width for buttons here: Qt makes a style sheet's min-width the button's fixed
# minimum, and a layout short of room then squeezes a longer text under it (":ancel (Esc").
# pos.ui.widgets.button() keeps the finger width without that.
STYLESHEET = f"""
QWidget {{ font-size: 18px; }}
QPushButton {{ min-height: {TOUCH_MIN}px; padding: 4px 12px;
              border: 1px solid #9aa5b1; border-radius: 6px; background: #f5f7fa; }}
QPushButton:pressed {{ background: #d9e2ec; }}
QPushButton:focus {{ border: 2px solid #2680c2; }}
QPushButton#pay {{ min-height: {PAY_HEIGHT}px; font-size: 30px; font-weight: bold;
                   background: #27ab83; color: white; border: none; }}
QPushButton#pay:disabled {{ background: #9fb3c8; }}
QPushButton#danger {{ background: #fce8e8; color: #a61b1b; }}
QPushButton#primary {{ background: #2680c2; color: white; border: none; font-weight: bold; }}
QPushButton#choice:checked {{ background: #2680c2; color: white; }}
QPushButton:disabled {{ color: #9aa5b1; background: #eef1f4; border-color: #d9e2ec; }}
QPushButton#primary:disabled {{ background: #bcccdc; color: #f0f4f8; }}
QPushButton#danger:disabled {{ background: #f5eded; color: #d3a5a5; }}
QSpinBox {{ min-height: {TOUCH_MIN}px; font-size: 22px; }}
QSpinBox::up-button, QSpinBox::down-button {{ width: 36px; }}
QLabel#screen_title {{ font-size: 24px; font-weight: bold; }}
QLabel#shift_status {{ font-size: 18px; color: #334e68; }}
QLabel#wizard_step {{ font-size: 24px; font-weight: bold; }}
QLabel#wizard_done {{ font-size: 22px; }}
QLabel#count_total {{ font-size: 28px; font-weight: bold; color: #102a43; }}
QLabel#denomination {{ font-size: 22px; font-weight: bold; }}
QLabel#total {{ font-size: 56px; font-weight: bold; color: #102a43; }}
QLabel#change {{ font-size: 64px; font-weight: bold; color: #0c6b58; }}
QLabel#due {{ font-size: 40px; font-weight: bold; }}
QLabel#mobile_ask {{ font-size: 30px; font-weight: bold; color: #2680c2; }}
QFrame#mobile_frame {{ background: white; border: 4px solid #2680c2; border-radius: 8px; }}
QFrame#mobile_frame QLabel {{ border: none; }}
QFrame#mobile_frame QPushButton {{ min-height: {PAY_HEIGHT}px; font-size: 26px; font-weight: bold; }}
QLabel#title {{ font-size: 28px; font-weight: bold; }}
QLabel#notice_error {{ background: #a61b1b; color: white; padding: 8px; font-size: 20px; border-radius: 4px; }}
QLabel#notice_warning {{ background: #f0b429; color: #102a43; padding: 8px; font-size: 20px; border-radius: 4px; }}
QLabel#low_stock {{ background: #fff3c4; color: #8d2b0b; padding: 4px 8px; font-size: 18px; border-radius: 4px; }}
QLabel#notice_info {{ background: #2680c2; color: white; padding: 8px; font-size: 20px; border-radius: 4px; }}
QLineEdit {{ min-height: {TOUCH_MIN}px; font-size: 22px; padding: 0 8px; }}
QTableView {{ font-size: 20px; }}
QHeaderView::section {{ font-size: 18px; padding: 6px; }}
QListWidget {{ font-size: 20px; }}
QListWidget::item {{ min-height: {TOUCH_MIN}px; }}
QTabBar::tab {{ min-height: {TOUCH_MIN}px; min-width: 80px; font-size: 18px; }}
QStatusBar QLabel {{ font-size: 16px; padding: 0 8px; }}
"""


def pick_font(families: list[str], size: int = 18) -> QFont:
    """The first installed family of ``families`` (docs/hardware.md lists the packages)."""
    installed = set(QFontDatabase.families())
    for family in families:
        if family in installed:
            return QFont(family, size)
    font = QFont()
    font.setPointSize(size)
    return font
