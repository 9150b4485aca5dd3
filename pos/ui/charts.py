"""A bar chart a manager reads at a glance, painted with QPainter (no chart library)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos.money import format_fen

BAR = QColor("#c0392b")  # the campaign's red
TRACK = QColor("#f2e6e4")
TEXT = QColor("#222222")


class BarChart(QWidget):
    """Horizontal bars, one per (label, value), the value written at the bar's end."""

    ROW = 30

    def __init__(self, title: str, parent=None, fmt: Callable[[int], str] = format_fen):
        super().__init__(parent)
        self.title = title
        self.fmt = fmt
        self.rows: list[tuple[str, int]] = []
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: list[tuple[str, int]], empty_text: str = "") -> None:
        self.rows = rows
        self.empty_text = empty_text
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(360, 40 + self.ROW * max(len(self.rows), 2))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(240, 40 + self.ROW * max(len(self.rows), 1))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(TEXT)
        painter.drawText(QRectF(0, 0, self.width(), 28), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        if not self.rows:
            painter.drawText(QRectF(0, 32, self.width(), 28), Qt.AlignmentFlag.AlignLeft, self.empty_text)  # fmt: skip
            return
        label_width = min(
            max(metrics.horizontalAdvance(label) for label, _ in self.rows) + 12,
            self.width() // 3,
        )
        value_width = max(metrics.horizontalAdvance(self.fmt(v)) for _, v in self.rows) + 12
        track = max(self.width() - label_width - value_width, 20)
        top = max(value for _, value in self.rows) or 1
        row_height = min(self.ROW, (self.height() - 32) / len(self.rows))
        for i, (label, value) in enumerate(self.rows):
            y = 32 + i * row_height
            text_box = QRectF(0, y, label_width - 8, row_height)
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.setPen(TEXT)
            painter.drawText(text_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elided)  # fmt: skip
            bar = QRectF(label_width, y + 4, track, row_height - 8)
            painter.fillRect(bar, TRACK)
            painter.fillRect(QRectF(bar.x(), bar.y(), track * max(value, 0) / top, bar.height()), BAR)  # fmt: skip
            painter.drawText(
                QRectF(label_width + track + 6, y, value_width, row_height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.fmt(value),
            )
