"""The Qt binding itself: the cashier's window runs all day, so its signals must not leak."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    plain = Signal()
    carrying = Signal(object)


class Receiver(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def got(self, *args) -> None:
        self.count += 1


def test_emitting_signals_keeps_python_reference_counts(qtbot):
    """PySide6 6.12.0 dropped a reference to True per emission; after ~600 emissions
    Python aborts ("bool_dealloc"). A booth emits that many in minutes."""
    emitter, receiver = Emitter(), Receiver()
    emitter.plain.connect(receiver.got)
    emitter.carrying.connect(receiver.got)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.plain.emit()
        emitter.carrying.emit({"stable": True})
    assert receiver.count == 400
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert abs(after[0] - before[0]) < 20 and abs(after[1] - before[1]) < 20, (before, after)
