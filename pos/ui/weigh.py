"""Weighing on a serial scale: the live weight and price, and Add once the weight is stable."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from hardware.scale_reader import ScaleReader
from hardware.scales import Reading, sellable
from pos.money import format_fen, weighed_amount_fen
from pos.products import Product
from pos.ui.i18n import product_name
from pos.ui.inbox import Inbox
from pos.ui.widgets import button

STALE_MS = 1500  # no reading for this long: the scale is not answering
FAULT_HOLD_MS = 3000  # a fault stays readable this long, even if good readings follow
BUTTON_HEIGHT = 64  # like the quick keys on the sale screen
STATE_HEIGHT = 112  # three lines of a notice: a fault sentence fits without resizing
# The shared style greys out a disabled Pay button only; Add needs the same cue.
LOCAL_STYLE = "QPushButton#primary:disabled { background: #9fb3c8; }"


class ScaleSource(QObject):
    """A ScaleReader whose readings and faults arrive as signals on the UI thread."""

    reading = Signal(object)  # Reading
    fault = Signal(str)

    def __init__(self, path: str, protocol: str, baud: int = 9600, parent=None, **options):
        super().__init__(parent)
        self.last: Reading | None = None
        self.inbox = Inbox(self)  # the reader's thread never emits signals itself
        self.reader = ScaleReader(
            path,
            protocol,
            baud,
            on_reading=self.inbox.poster(self._got),
            on_fault=self.inbox.poster(self.fault.emit),
            **options,
        )

    def _got(self, reading: Reading) -> None:  # UI thread
        self.last = reading
        self.reading.emit(reading)

    @property
    def tare_g(self) -> int | None:
        return self.reader.tare_g

    def start(self) -> None:
        self.reader.start()

    def stop(self) -> None:
        self.reader.stop()

    def zero(self) -> str | None:
        return self.reader.zero()

    def tare(self) -> str | None:
        return self.reader.tare()

    def clear_tare(self) -> None:
        self.reader.clear_tare()


def format_kg(grams: int) -> str:
    """1234 -> '1.234 kg', -12 -> '-0.012 kg'."""
    sign = "-" if grams < 0 else ""
    whole, rest = divmod(abs(grams), 1000)
    return f"{sign}{whole}.{rest:03d} kg"


def shows_weight(reading: Reading) -> bool:
    """False for a status-only reply (moving, over, under with no weight in it)."""
    clean = reading.stable and not reading.overload and not reading.under_zero
    return clean or reading.weight_g != 0


class WeighDialog(QDialog):
    """Weigh one product; on accept, ``weight_g`` is the stable net weight in grams.

    With ``typed_way_out`` (the stock pages), a scale that is not answering offers a
    "Type grams" key: it emits ``type_requested`` and closes the dialog."""

    type_requested = Signal()

    def __init__(
        self, product: Product, source: ScaleSource, parent=None, typed_way_out: bool = False
    ):
        super().__init__(parent)
        self.product = product
        self.source = source
        self.typed_way_out = typed_way_out
        self.weight_g: int | None = None
        self.reading: Reading | None = None  # the latest, as shown
        self.fresh = False  # a reading arrived within STALE_MS
        self.fault_text = ""
        self.setWindowTitle(self.tr("Weigh {0}").format(product_name(product)))
        self.setMinimumWidth(760)
        self.setStyleSheet(LOCAL_STYLE)

        root = QVBoxLayout(self)
        name = QLabel(product_name(product))
        name.setObjectName("title")
        name.setWordWrap(True)
        root.addWidget(name)
        self.unit_price = QLabel(self.tr("{0} per kg").format(format_fen(product.price_fen)))
        root.addWidget(self.unit_price)

        figures = QGridLayout()
        self.weight_caption = QLabel()
        self.weight = QLabel("–")
        self.weight.setObjectName("total")
        self.price = QLabel("–")
        self.price.setObjectName("due")
        for label in (self.weight, self.price):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        figures.addWidget(self.weight_caption, 0, 0, Qt.AlignmentFlag.AlignRight)
        figures.addWidget(QLabel(self.tr("Price")), 0, 1, Qt.AlignmentFlag.AlignRight)
        figures.addWidget(self.weight, 1, 0)
        figures.addWidget(self.price, 1, 1)
        figures.setColumnStretch(0, 3)
        figures.setColumnStretch(1, 2)
        root.addLayout(figures)

        state_area = QWidget()  # room for a long fault, so the dialog never has to grow
        state_area.setMinimumHeight(STATE_HEIGHT)
        state_box = QVBoxLayout(state_area)
        state_box.setContentsMargins(0, 0, 0, 0)
        self.state = QLabel()
        self.state.setWordWrap(True)
        state_box.addWidget(self.state)
        state_box.addStretch()
        root.addWidget(state_area)

        row = QHBoxLayout()
        self.zero_button = button(self.tr("Zero"))
        self.tare_button = button(self.tr("Tare"))
        self.cancel_button = button(self.tr("Cancel (Esc)"))
        self.add_button = button(self.tr("Add (Enter)"), "primary")
        self.type_button = button(self.tr("Type grams…"))
        self.type_button.hide()  # only while the scale is not answering, and only if offered
        row.addWidget(self.type_button)
        for b in (self.zero_button, self.tare_button, self.cancel_button, self.add_button):
            b.setMinimumHeight(BUTTON_HEIGHT)
            b.setAutoDefault(False)  # Enter means Add, whichever button has focus
            row.addWidget(b)
        row.insertStretch(3)
        self.add_button.setDefault(True)
        root.addLayout(row)

        self.stale_timer = QTimer(self)
        self.stale_timer.setSingleShot(True)
        self.stale_timer.setInterval(STALE_MS)
        self.stale_timer.timeout.connect(self._went_stale)
        self.fault_timer = QTimer(self)
        self.fault_timer.setSingleShot(True)
        self.fault_timer.setInterval(FAULT_HOLD_MS)
        self.fault_timer.timeout.connect(self.refresh)
        self.zero_button.clicked.connect(self.zero)
        self.tare_button.clicked.connect(self.toggle_tare)
        self.cancel_button.clicked.connect(self.reject)
        self.add_button.clicked.connect(self.add)
        self.type_button.clicked.connect(self.type_instead)
        source.reading.connect(self._reading)
        source.fault.connect(self._fault)
        self._listening = True
        self.stale_timer.start()
        self.refresh()

    # --- what the scale says ------------------------------------------------------------------

    def _reading(self, reading: Reading) -> None:
        self.reading, self.fresh = reading, True
        self.stale_timer.start()
        self.refresh()

    def _fault(self, text: str) -> None:
        self.fresh, self.fault_text = False, text
        self.fault_timer.start()
        self.refresh()

    def _went_stale(self) -> None:
        self.fresh = False
        self.refresh()

    @property
    def can_add(self) -> bool:
        return self.fresh and sellable(self.reading) is None

    def refresh(self) -> None:
        reading = self.reading if self.fresh else None
        net = self.source.tare_g is not None or bool(reading and reading.net)
        self.weight_caption.setText(self.tr("Net weight") if net else self.tr("Weight"))
        has_tare = self.source.tare_g is not None
        self.tare_button.setText(self.tr("Clear tare") if has_tare else self.tr("Tare"))
        if reading is not None and shows_weight(reading):
            self.weight.setText(format_kg(reading.weight_g))
            amount = weighed_amount_fen(max(reading.weight_g, 0), self.product.price_fen)
            self.price.setText(format_fen(amount))
        else:
            self.weight.setText("–")
            self.price.setText("–")
        text, level = self._state(reading)
        self.show_state(text, level)
        self.add_button.setEnabled(self.can_add)
        self.type_button.setVisible(self.typed_way_out and self.scale_is_out)

    @property
    def scale_is_out(self) -> bool:
        """No reading for STALE_MS, or a fault since the last one."""
        return not self.fresh and (bool(self.fault_text) or not self.stale_timer.isActive())

    def _state(self, reading: Reading | None) -> tuple[str, str]:
        if self.fault_text and (not self.fresh or self.fault_timer.isActive()):
            return self.fault_text, "error"
        if not self.fresh:
            if self.stale_timer.isActive():
                return self.tr("Waiting for the scale…"), "info"
            return self.tr("The scale is not answering: check its cable and power."), "error"
        if reading.overload:
            return self.tr("Over capacity"), "error"
        if reading.under_zero:
            return self.tr("Below zero: press Zero"), "warning"
        if not reading.stable:
            return self.tr("Moving: wait for the weight to settle"), "warning"
        return self.tr("Stable"), "info"

    def show_state(self, text: str, level: str) -> None:
        if self.state.objectName() != f"notice_{level}":
            self.state.setObjectName(f"notice_{level}")
            self.state.style().unpolish(self.state)
            self.state.style().polish(self.state)
        self.state.setText(text)

    # --- the cashier's buttons ----------------------------------------------------------------

    def zero(self) -> None:
        if self.source.zero() is not None:
            self.show_state(self.tr("Zero needs a steady scale: wait, then press Zero."), "warning")
        else:
            self.refresh()

    def toggle_tare(self) -> None:
        if self.source.tare_g is not None:
            self.source.clear_tare()
        elif self.source.tare() is not None:
            self.show_state(
                self.tr("Tare needs a steady weight: put the container on and wait."), "warning"
            )
            return
        self.refresh()

    def add(self) -> None:
        if self.can_add:
            self.weight_g = self.reading.weight_g
            self.accept()

    def type_instead(self) -> None:
        self.reject()
        self.type_requested.emit()

    def done(self, result: int) -> None:
        """Stop listening to the scale: the source outlives the dialog."""
        self.stale_timer.stop()
        self.fault_timer.stop()
        if self._listening:
            self.source.reading.disconnect(self._reading)
            self.source.fault.disconnect(self._fault)
            self._listening = False
        super().done(result)
