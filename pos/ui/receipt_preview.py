"""The receipt exactly as it will print, shown after every sale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout

from pos.money import format_fen
from pos.paper.text import Receipt
from pos.ui.style import MONO_FAMILIES, pick_font
from pos.ui.widgets import button


def qr_pixmap(payload: str, module_px: int = 4) -> QPixmap:
    """The receipt's QR code as a picture (the same symbol the printer prints: level M)."""
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x, y, black)
    scaled = image.scaled(size * module_px, size * module_px, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation)  # fmt: skip
    return QPixmap.fromImage(scaled)


class ReceiptPreview(QDialog):
    """Monospaced receipt text (Chinese characters take two columns, as on paper)."""

    def __init__(self, receipt: Receipt, change_fen: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Receipt"))
        root = QHBoxLayout(self)
        self.text = QPlainTextEdit("\n".join(receipt.lines))
        self.text.setReadOnly(True)
        font = pick_font(MONO_FAMILIES, 12)
        # The application style sheet sets every widget's font size; name ours explicitly.
        self.text.setStyleSheet(f"font-family: '{font.family()}'; font-size: 15px;")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # lines are laid out already
        self.text.ensurePolished()
        metrics = self.text.fontMetrics()
        widest = max(metrics.horizontalAdvance(line) for line in receipt.lines)
        self.text.setMinimumWidth(widest + 40)
        # Tall enough for the whole receipt on a 800 px screen; longer ones scroll.
        self.text.setMinimumHeight(min(metrics.lineSpacing() * (len(receipt.lines) + 2), 700))
        root.addWidget(self.text)
        side = QVBoxLayout()
        caption = QLabel(self.tr("Change") if change_fen else self.tr("Paid in full"))
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        side.addWidget(caption)
        change = QLabel(format_fen(change_fen))
        change.setObjectName("change")
        change.setAlignment(Qt.AlignmentFlag.AlignCenter)
        change.setVisible(change_fen > 0)  # nothing to hand back: say so, show no ￥0.00
        side.addWidget(change)
        side.addStretch()
        self.qr = QLabel()  # the QR as paper shows it, not its text
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if receipt.qr:
            self.qr.setPixmap(qr_pixmap(receipt.qr))
            self.qr.setToolTip(receipt.qr)
        side.addWidget(self.qr)
        self.next_button = button(self.tr("Next customer (Enter)"), "primary")
        self.next_button.setMinimumHeight(96)
        self.next_button.clicked.connect(self.accept)
        self.next_button.setDefault(True)
        side.addWidget(self.next_button)
        root.addLayout(side)
        QShortcut(QKeySequence("Esc"), self).activated.connect(self.accept)
