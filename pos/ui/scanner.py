"""Keyboard-wedge scanners: tell a scanner's burst of keys from a person typing.

A scanner types a whole code and a suffix (Enter) within a few milliseconds per key, into
whatever has focus. This filter sits on the application: it holds back quick keys, and
when Enter ends a quick burst long enough to be a code, it emits ``scanned`` instead of
letting the keys reach the focused widget. Slow keys are a person typing and are replayed
to the widget they were meant for. While a burst is being captured the input method is
switched off on the focused widget, and anything a Chinese IME commits meanwhile (often
full-width digits) is folded back into the code, so the IME cannot corrupt it.

Gaps are measured on the keys' own timestamps (from the window system), so keys a busy
window reads late in one go are not taken for a burst. A PIN field never holds a scan, and a
field with the ``scan_min_length`` property (an amount) needs a code at least that long.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

SUFFIX_KEYS = {
    "enter": (Qt.Key.Key_Return, Qt.Key.Key_Enter),
    "tab": (Qt.Key.Key_Tab,),
}


@dataclass(frozen=True)
class ScannerSettings:
    max_gap_ms: int = 35  # scanners send a key every 2-15 ms; people rarely under 60 ms
    min_length: int = 6
    suffix: str = "enter"


def normalize(text: str) -> str:
    """Fold full-width digits and letters (what an IME produces) to ASCII."""
    return unicodedata.normalize("NFKC", text)


class ScanDetector(QObject):
    """Application-wide event filter that turns scanner bursts into ``scanned(code)``."""

    scanned = Signal(str)
    typed = Signal(str)  # held keys released to a widget: a person was typing

    def __init__(
        self,
        settings: ScannerSettings = ScannerSettings(),
        clock: Callable[[], float] = time.monotonic,
        parent=None,
    ):  # noqa: B008
        super().__init__(parent)
        self.settings = settings
        self.clock = clock
        self.buffer: list[tuple[QWidget | None, QKeyEvent, str]] = []
        self.last_key_at = 0.0
        self.replaying = False
        self.enabled = True
        self._ime_widget: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.release)

    @property
    def suffix_keys(self) -> tuple:
        return SUFFIX_KEYS.get(self.settings.suffix, ())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if self.replaying or not self.enabled or not isinstance(obj, QWidget):
            return False
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and self.buffer and self._continues(event):
            # Mid-burst, the next key and the suffix are the scanner's: no shortcut (a
            # dialog's Enter, the sale screen's +) may take them before we see them.
            event.accept()
            return False
        if kind == QEvent.Type.KeyPress:
            if self._typed_only(obj):
                return False
            return self._key(obj, event)
        if kind == QEvent.Type.InputMethod and self.buffer:
            return self._ime_commit(event)
        return False

    def _continues(self, event: QKeyEvent) -> bool:
        if event.key() in self.suffix_keys:
            return True
        text = normalize(event.text())
        return len(text) == 1 and text.isalnum()

    @staticmethod
    def _typed_only(widget: QWidget) -> bool:
        """A PIN field: whatever reaches it is a person's typing, however quick."""
        return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal

    def _now(self, event: QKeyEvent) -> float:
        stamp = event.timestamp()
        if self.clock is time.monotonic and stamp:
            return stamp / 1000  # when the key was pressed, not when we got round to it
        return self.clock()

    def _min_length(self) -> int:
        widget = self.buffer[0][0] if self.buffer else None
        wanted = widget.property("scan_min_length") if widget is not None else None
        return max(self.settings.min_length, int(wanted or 0))

    def _key(self, widget: QWidget, event: QKeyEvent) -> bool:
        now = self._now(event)
        quick = bool(self.buffer) and (now - self.last_key_at) * 1000 <= self.settings.max_gap_ms
        if event.key() in self.suffix_keys:
            if quick and len(self.code) >= self._min_length():
                code = self.code
                self._reset()
                self.scanned.emit(code)
                return True
            self.release()
            return False
        text = normalize(event.text())
        if (
            len(text) != 1
            or not text.isalnum()
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.release()
            return False
        if self.buffer and not quick:
            self.release()
        if not self.buffer:
            self._ime_off(widget)
        copy = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text())
        self.buffer.append((widget, copy, text))
        self.last_key_at = now
        self.timer.start(self.settings.max_gap_ms + 5)
        return True

    def _ime_commit(self, event: QInputMethodEvent) -> bool:
        committed = normalize(event.commitString())
        if committed:
            self.buffer.append((None, None, committed))  # type: ignore[arg-type]
            self.last_key_at = self.last_key_at if self.clock is time.monotonic else self.clock()
            self.timer.start(self.settings.max_gap_ms + 5)
        return True  # never let an IME edit land in a widget mid-scan

    @property
    def code(self) -> str:
        return "".join(text for _, _, text in self.buffer)

    def release(self) -> None:
        """Not a scan after all: give the held keys to the widgets they were typed into."""
        self.timer.stop()
        held, self.buffer = self.buffer, []
        self._ime_on()
        if not held:
            return
        self.replaying = True
        try:
            for widget, event, _ in held:
                if widget is not None and event is not None:
                    QApplication.sendEvent(widget, event)
        finally:
            self.replaying = False
        self.typed.emit("".join(text for _, _, text in held))

    def _reset(self) -> None:
        self.timer.stop()
        self.buffer = []
        self._ime_on()

    def _ime_off(self, widget: QWidget) -> None:
        if widget.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled):
            widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            QGuiApplication.inputMethod().reset()
            self._ime_widget = widget

    def _ime_on(self) -> None:
        if self._ime_widget is not None:
            self._ime_widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
            self._ime_widget = None
