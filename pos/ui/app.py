"""The composition root: builds the terminal, the session, the window and their wiring."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from pos import watchdog
from pos.print_queue import printer_profile
from pos.terminal import Terminal
from pos.ui.devices import DeviceHub
from pos.ui.i18n import Languages
from pos.ui.main_window import MainWindow
from pos.ui.mobile_pay import MobileTill, PaymentSettler, hq_gateway
from pos.ui.scanner import ScanDetector, ScannerSettings
from pos.ui.session import SaleSession
from pos.ui.status import TerminalStatus
from pos.ui.style import FONT_FAMILIES, STYLESHEET, pick_font
from pos.ui.sync_worker import SyncService
from pos.ui.worker import BackgroundRunner, InlineRunner
from sync.client import TOKEN_FILE, printer_state_for_hq


@dataclass
class AppContext:
    """Everything the window needs, made in one place."""

    terminal: Terminal
    session: SaleSession
    runner: object
    status: TerminalStatus
    languages: Languages
    scanner: ScanDetector
    quick_keys: dict = field(default_factory=dict)
    paper_mm: int = 80
    devices: DeviceHub | None = None
    mobile: MobileTill | None = None  # mobile payments through HQ, and their settling


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Booth POS")
    app.setFont(pick_font(FONT_FAMILIES, 14))
    app.setStyleSheet(STYLESHEET)
    return app


def build(
    home: Path, language: str = "zh_CN", inline: bool = False, clock=None
) -> tuple[MainWindow, AppContext]:
    """Open the terminal in ``home`` and make the window (not shown yet)."""
    app = application()
    terminal = Terminal.open(home, clock=clock) if clock else Terminal.open(home)
    languages = Languages(app)
    languages.use(language)
    session = SaleSession(terminal)
    head_seq = terminal.head_seq()
    enrolled = (home / TOKEN_FILE).exists()
    settings = terminal.settings
    status = TerminalStatus(
        head_seq,
        head_seq - terminal.unsynced_count(),
        printer=settings.printer_url,
        enrolled=enrolled,
        behind=terminal.behind_hq(),  # kept in booth.db: red again after a restart
        zone=settings.zone,
    )
    scanner_settings = ScannerSettings(
        settings.scanner_max_gap_ms, settings.scanner_min_length, settings.scanner_suffix
    )
    scanner = ScanDetector(scanner_settings, parent=app)
    app.installEventFilter(scanner)
    runner = InlineRunner() if inline else BackgroundRunner()
    gateway = hq_gateway(terminal) if enrolled else None
    settler = PaymentSettler(terminal, gateway, runner)
    settler.changed.connect(status.payments_changed)
    # Open attempts of an earlier run are settled before the sale screen takes input; what HQ
    # does not answer now is asked again in the background, mobile payments stopped till then.
    settler.settle(now=True)
    context = AppContext(
        terminal=terminal,
        session=session,
        runner=runner,
        status=status,
        languages=languages,
        scanner=scanner,
        quick_keys=terminal.quick_keys(),
        paper_mm=printer_profile(settings).paper_mm,
        devices=DeviceHub(terminal, parent=app),
        mobile=MobileTill(gateway, runner, settler),
    )
    return MainWindow(context), context


def place(window, kiosk: bool) -> None:
    """Show the window on its screen: the whole screen in a kiosk, else 1280x800 or less."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if kiosk:
        # A bare X server (the X11 fallback) has no window manager to honour "full screen":
        # ask for the screen's whole area ourselves, then full screen for cage and the rest.
        window.setGeometry(screen.geometry())
        window.showFullScreen()
    else:
        area = screen.availableGeometry()
        window.resize(min(1280, area.width()), min(800, area.height()))
        window.show()


def _printer_for_hq(context):
    """What HQ is told of the printer at each sync round: the print queue's last state
    (read from the sync thread: the service replaces its state object, never mutates it)."""
    if context.terminal.settings.printer_url == "preview":
        return lambda: "none"
    printer = context.devices.printer
    return lambda: printer_state_for_hq(printer.state.status.state)


def run(home: Path, kiosk: bool = False, language: str = "zh_CN") -> int:
    """`booth-pos run`: open the cashier's window and run until it is closed."""
    app = application()
    window, context = build(home, language)
    place(window, kiosk)
    context.devices.start()  # printer queue, serial scanner, scale, customer display
    ready_file = os.environ.get("BOOTH_POS_READY_FILE")
    if ready_file:  # lets the start-up benchmark see "ready to sell": shown, event loop running
        QTimer.singleShot(0, lambda: Path(ready_file).write_text("ready", encoding="utf-8"))
    heartbeat = QTimer(app)  # under systemd (pos/watchdog.py): a frozen window gets restarted
    if watchdog.enabled():
        QTimer.singleShot(0, lambda: watchdog.notify("READY=1"))
        heartbeat.timeout.connect(lambda: watchdog.notify("WATCHDOG=1"))
        heartbeat.start(watchdog.interval_ms())
    sync = None
    if context.status.enrolled:
        sync = SyncService(
            home, context.terminal.settings.sync_interval_s, printer=_printer_for_hq(context)
        )
        sync.round_done.connect(context.status.round_done)
        context.session.sale_did_complete.connect(sync.sale_recorded)
        sync.start()
    code = app.exec()
    if sync is not None:
        sync.stop()
    context.devices.stop()
    context.terminal.close()
    return code
