"""The window's devices: receipt printer queue, serial scanner, scale and customer display.

Each device runs on its own thread (pos.print_queue, hardware.*) and reports here through
callbacks; this object turns them into Qt signals, which Qt queues to the UI thread. A
device that is missing, unplugged or misconfigured is reported, never raised: selling goes
on without it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from hardware import display as pole
from pos.print_queue import PrintService
from pos.terminal import Terminal
from pos.ui.inbox import Inbox

log = logging.getLogger(__name__)


class DeviceHub(QObject):
    printer_changed = Signal(object)  # pos.print_queue.PrinterState
    drawer_done = Signal(bool, str)  # opened?, why not
    code_scanned = Signal(str)  # from a serial scanner (keyboard-wedge scans come via ScanDetector)
    scanner_state = Signal(str)  # "connected" or what to check
    display_state = Signal(str)

    def __init__(self, terminal: Terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        settings = terminal.settings
        self.settings = settings
        self.inbox = Inbox(self)  # device threads hand their news to the UI thread here
        self.printer = PrintService(
            terminal.home,
            terminal.terminal_id,
            terminal.booth_name,
            settings,
            on_state=self.inbox.poster(self.printer_changed.emit),
            on_drawer=self.inbox.poster(self.drawer_done.emit),
        )
        self.scanner = None
        self.display = None
        self.scale = None  # made now (the sale screen holds it), reading from start()
        if settings.scale_port:
            from pos.ui.weigh import ScaleSource

            self.scale = ScaleSource(
                settings.scale_port, settings.scale_protocol, settings.scale_baud, parent=self
            )

    # --- life ----------------------------------------------------------------------------

    def start(self) -> None:
        self.printer.start()
        s = self.settings
        if s.scanner_port:
            from hardware.serial_scanner import SerialScanner

            self.scanner = SerialScanner(
                s.scanner_port,
                s.scanner_baud,
                s.scanner_suffix,
                on_code=self.inbox.poster(self.code_scanned.emit),
                on_state=self.inbox.poster(self.scanner_state.emit),
            )
        if self.scale is not None:
            self.scale.start()
        if s.display_port:
            self.display = pole.CustomerDisplay(
                s.display_port,
                s.display_baud,
                s.display_protocol,
                on_state=self.inbox.poster(self.display_state.emit),
            )
            self.show_on_display(pole.welcome, self.terminal.booth_name)

    def stop(self) -> None:
        self.printer.stop()
        if self.scanner is not None:
            self.scanner.stop()
        if self.scale is not None:
            self.scale.stop()
        if self.display is not None:
            self.display.close()

    # --- printer -------------------------------------------------------------------------

    def receipt_queued(self, _entry: dict | None = None) -> None:
        """A sale (and its receipt job) was committed: print now, not at the next retry."""
        self.printer.wake()

    def open_drawer(self) -> None:
        self.printer.open_drawer()

    # --- customer display ----------------------------------------------------------------

    def show_on_display(self, screen, *args) -> None:
        if self.display is None:
            return
        try:
            self.display.show(
                screen(
                    *args,
                    protocol=self.settings.display_protocol,
                    encoding=self.settings.display_encoding,
                )
            )
        except ValueError:  # a screen that cannot be drawn must not stop the sale
            log.exception("customer display screen failed")
