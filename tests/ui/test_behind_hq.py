"""A booth PC restored from an older backup, in the window: the status bar is red from the
start (the state is kept in booth.db), in Chinese, and the payment is refused with the
sentence that says why; nothing is written. Then, once recovered, the next round clears it."""

from __future__ import annotations

from sync.client import SyncClient
from tests.support import OIL
from tests.support.recovery import cli, local_lines, lost_tail
from tests.support.ui import close_window, login, open_window, scan_keys


def test_the_window_shows_red_and_refuses_the_sale(server, terminal, home, tmp_path, qtbot):
    lost_tail(server, terminal, home, tmp_path)
    assert cli(home, "sync", "--once").returncode == 1  # the round finds HQ ahead
    window, context = open_window(qtbot, home, devices=False)
    try:
        status = window.statusBar().sync
        assert status.objectName() == "notice_error"  # red from the start: kept in booth.db
        text = status.text()
        assert text.startswith("已停止销售") and "第 14 条" in text and "journal recover" in text
        login(window)
        scan_keys(window, OIL)
        window.open_payment()
        pay = window.payment
        pay.quick_tender(0)
        pay.finish()
        assert pay.entry is None and pay.isVisible()
        assert "流水分叉" in pay.error.text() and "journal recover" in pay.error.text()
        pay.reject()
        assert len(local_lines(home)) == 4  # nothing written

        assert cli(home, "journal", "recover").returncode == 0
        context.status.round_done(SyncClient(context.terminal).round())
        assert status.objectName() == "" and "在线" in status.text()
    finally:
        close_window(context, devices=False)
    assert len(local_lines(home)) == 14
