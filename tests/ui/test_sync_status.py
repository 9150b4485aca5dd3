"""Sync in the window: a worker thread pushes each sale to a real server; the status bar
says online, unsynced, errors in words, a stopped sync loudly, and a wrong clock."""

from __future__ import annotations

from sqlalchemy import func, select

from sync.client import RoundResult, SyncError, enroll
from sync.server import registry
from sync.server.tables import products
from tests.support import OIL
from tests.support.live import hold_demo_catalog, start_server
from tests.support.ui import login, scan_keys


def _enrolled_window(terminal, home, qtbot, url, engine_):  # noqa: ANN001
    from pos.ui.app import build
    from pos.ui.sync_worker import SyncService

    hold_demo_catalog(engine_)  # HQ's catalog has what the booth sells: its sales count
    with engine_.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
        code = registry.add_enrol_code(conn, "B1", 1)
    enroll(terminal, url, code)
    terminal.close()
    window, context = build(home, "zh_CN", inline=True)
    qtbot.addWidget(window)
    window.show()
    service = SyncService(home, 30)
    service.round_done.connect(context.status.round_done)
    context.session.sale_did_complete.connect(service.sale_recorded)
    return window, context, service


def test_a_sale_is_pushed_by_the_worker_and_the_status_bar_says_so(terminal, home, qtbot, server):  # noqa: F811
    from PySide6.QtWidgets import QApplication

    window, context, service = _enrolled_window(terminal, home, qtbot, server.url, server.engine)
    try:
        with qtbot.waitSignal(service.round_done, timeout=20_000) as first:
            service.start()
        with server.engine.connect() as conn:
            held = conn.execute(select(func.count()).select_from(products)).scalar_one()
        assert first.args[0].online and first.args[0].pulled == held > 0
        login(window)
        scan_keys(window, OIL)
        window.open_payment()
        with qtbot.waitSignal(
            service.round_done, timeout=20_000, check_params_cb=lambda r: r.acked_through >= 1
        ):
            window.payment.quick_tender(0)
            window.payment.finish()
        status = window.statusBar().sync.text()
        assert "在线" in status and "0 条未上传" in status
        from sqlalchemy import text

        with server.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sales")).scalar_one() == 1
    finally:
        service.stop()
        QApplication.instance().removeEventFilter(context.scanner)
        context.terminal.close()


def test_offline_errors_stopped_sync_and_clock_skew_read_in_chinese(ui):
    window, context = ui
    status = context.status
    status.enrolled = True
    offline = RoundResult(online=False, unsynced=3)
    offline.fail(
        SyncError(
            "The server did not answer ({kind}); sales are kept and will be sent later.",
            kind="ConnectTimeout",
        )
    )
    status.round_done(offline)
    text = window.statusBar().sync.text()
    assert "离线" in text and "3 条未上传" in text and "稍后自动上传" in text
    blocked = RoundResult(online=True, blocked="seq 3 was already received with a different hash")
    status.round_done(blocked)
    assert window.statusBar().sync.text().startswith("同步已停止")
    assert window.statusBar().sync.objectName() == "notice_error"
    skewed = RoundResult(online=True, skew_ms=-3 * 24 * 3600 * 1000)
    status.round_done(skewed)
    assert window.statusBar().clock_warning.isVisible()
    assert "4320 分钟" in window.statusBar().clock_warning.text()


def test_the_worker_reports_offline_when_the_server_is_gone(terminal, home, qtbot, engine, db_url):  # noqa: F811
    from PySide6.QtWidgets import QApplication

    from pos.ui.app import build  # noqa: F401
    from sync.server.settings import ServerSettings
    from tests.support.live import stop_server

    live = start_server(engine, ServerSettings(db=db_url))
    window, context, service = _enrolled_window(terminal, home, qtbot, live.url, engine)
    stop_server(live)
    try:
        with qtbot.waitSignal(service.round_done, timeout=20_000) as done:
            service.start()
        assert done.args[0].online is False and done.args[0].error
        context.status.round_done(done.args[0])
        assert "离线" in window.statusBar().sync.text()
    finally:
        service.stop()
        QApplication.instance().removeEventFilter(context.scanner)
        context.terminal.close()
