"""The weigh dialog on a real ScaleReader and a simulated scale on a pseudo-terminal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from hardware.sim_scale import ScaleSimulator
from pos.products import Product
from pos.ui.weigh import ScaleSource, WeighDialog, format_kg

ORANGES = Product("p-oranges", "奉节脐橙", "Fengjie navel oranges", "kg", 1280)
WAIT_MS = 10_000  # a busy 2-core machine can delay the reader thread for seconds


@pytest.fixture
def sim():
    simulator = ScaleSimulator("toledo8217", weight_g=1234)
    yield simulator
    simulator.close()


def make_source(sim, **options) -> ScaleSource:
    options = {"poll_s": 0.05, "reconnect_s": 0.1, "answer_timeout_s": 0.5, **options}
    source = ScaleSource(sim.path, sim.protocol, **options)
    source.start()
    return source


@pytest.fixture
def source(sim):
    scale = make_source(sim)
    yield scale
    scale.stop()


def open_dialog(qtbot, source) -> WeighDialog:
    dialog = WeighDialog(ORANGES, source)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def dialog(qtbot, source):
    return open_dialog(qtbot, source)


def wait_until_addable(qtbot, dialog) -> None:
    qtbot.waitUntil(dialog.add_button.isEnabled, timeout=WAIT_MS)


def test_a_stable_weight_shows_weight_price_and_enables_add(qtbot, dialog):
    wait_until_addable(qtbot, dialog)
    assert dialog.weight.text() == "1.234 kg"
    assert dialog.price.text() == "￥15.80"  # 1.234 kg x ￥12.80 = 15.7952, half-up
    assert dialog.state.text() == "Stable"
    assert dialog.unit_price.text() == "￥12.80 per kg"


def test_add_is_disabled_while_the_weight_moves(qtbot, sim, dialog):
    wait_until_addable(qtbot, dialog)
    sim.stable = False
    qtbot.waitUntil(
        lambda: dialog.state.text() == "Moving: wait for the weight to settle", timeout=WAIT_MS
    )
    assert not dialog.add_button.isEnabled()
    dialog.add()  # Enter while moving does nothing
    assert dialog.weight_g is None and dialog.isVisible()
    sim.weight_g, sim.stable = 2500, True
    wait_until_addable(qtbot, dialog)
    assert dialog.weight.text() == "2.500 kg"
    assert dialog.price.text() == "￥32.00"


def test_add_accepts_with_the_stable_weight(qtbot, dialog):
    wait_until_addable(qtbot, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.weight_g == 1234


def test_enter_adds_even_with_another_button_focused(qtbot, dialog):
    wait_until_addable(qtbot, dialog)
    dialog.zero_button.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.weight_g == 1234


def test_cancel_leaves_no_weight(qtbot, dialog):
    wait_until_addable(qtbot, dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.weight_g is None


def test_over_capacity_and_below_zero_say_so(qtbot, sim, dialog):
    wait_until_addable(qtbot, dialog)
    sim.overload = True
    qtbot.waitUntil(lambda: dialog.state.text() == "Over capacity", timeout=WAIT_MS)
    assert not dialog.add_button.isEnabled()
    sim.overload, sim.under_zero = False, True
    qtbot.waitUntil(lambda: dialog.state.text() == "Below zero: press Zero", timeout=WAIT_MS)
    assert not dialog.add_button.isEnabled()
    assert dialog.weight.text() == "–"  # the 8217 sends no weight with its status


def test_a_garbage_frame_shows_its_reason_then_weighing_goes_on(qtbot, sim, dialog):
    wait_until_addable(qtbot, dialog)
    sim.garbage = b"\x02?\xff\r"
    qtbot.waitUntil(lambda: "not a weight" in dialog.state.text(), timeout=WAIT_MS)
    assert "unknown status byte 0x7F" in dialog.state.text()
    sim.weight_g = 900
    qtbot.waitUntil(lambda: dialog.weight.text() == "0.900 kg", timeout=WAIT_MS)
    wait_until_addable(qtbot, dialog)


def test_a_scale_that_stops_answering_disables_add(qtbot):
    # The reader's own fault comes late here, so only the dialog's 1.5 s timer can notice.
    sim = ScaleSimulator("continuous", interval_s=0.05, weight_g=1234)
    source = make_source(sim, answer_timeout_s=30)
    try:
        dialog = open_dialog(qtbot, source)
        wait_until_addable(qtbot, dialog)
        sim.silent = True
        qtbot.waitUntil(lambda: not dialog.add_button.isEnabled(), timeout=WAIT_MS)
        assert dialog.state.text() == "The scale is not answering: check its cable and power."
        assert dialog.weight.text() == "–"
        assert not dialog.type_button.isVisible()  # at the till, grams are never typed here
        sim.silent = False
        wait_until_addable(qtbot, dialog)
    finally:
        source.stop()
        sim.close()


def test_an_unplugged_scale_shows_what_to_check(qtbot, sim, dialog):
    wait_until_addable(qtbot, dialog)
    sim.close()
    qtbot.waitUntil(lambda: "stopped answering" in dialog.state.text(), timeout=WAIT_MS)
    assert not dialog.add_button.isEnabled()


def test_tare_weighs_the_goods_without_the_bag(qtbot, sim, dialog):
    sim.weight_g = 200
    qtbot.waitUntil(lambda: dialog.weight.text() == "0.200 kg", timeout=WAIT_MS)
    qtbot.mouseClick(dialog.tare_button, Qt.MouseButton.LeftButton)
    assert dialog.tare_button.text() == "Clear tare"
    assert dialog.weight_caption.text() == "Net weight"
    qtbot.waitUntil(lambda: dialog.weight.text() == "0.000 kg", timeout=WAIT_MS)
    assert not dialog.add_button.isEnabled()  # nothing in the bag yet
    sim.weight_g = 1434
    qtbot.waitUntil(lambda: dialog.weight.text() == "1.234 kg", timeout=WAIT_MS)
    wait_until_addable(qtbot, dialog)
    dialog.add()
    assert dialog.weight_g == 1234


def test_tare_while_moving_says_to_wait(qtbot, sim, dialog):
    wait_until_addable(qtbot, dialog)
    sim.stable = False
    qtbot.waitUntil(lambda: not dialog.add_button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(dialog.tare_button, Qt.MouseButton.LeftButton)
    assert dialog.state.text() == "Tare needs a steady weight: put the container on and wait."
    assert dialog.source.tare_g is None


def test_zero_takes_the_drift_away(qtbot, sim, dialog):
    sim.weight_g = 15
    qtbot.waitUntil(lambda: dialog.weight.text() == "0.015 kg", timeout=WAIT_MS)
    qtbot.mouseClick(dialog.zero_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.weight.text() == "0.000 kg", timeout=WAIT_MS)
    assert not dialog.add_button.isEnabled()


def test_a_closed_dialog_stops_listening(qtbot, sim, source, dialog):
    wait_until_addable(qtbot, dialog)
    dialog.reject()
    sim.weight_g = 3000
    # Queued slots run in the order they were connected: the dialog's would run first.
    with qtbot.waitSignal(
        source.reading, timeout=WAIT_MS, check_params_cb=lambda r: r.weight_g == 3000
    ):
        pass
    assert dialog.weight.text() == "1.234 kg"


@pytest.mark.parametrize(
    ("grams", "text"), [(0, "0.000 kg"), (5, "0.005 kg"), (12345, "12.345 kg"), (-12, "-0.012 kg")]
)
def test_format_kg(grams, text):
    assert format_kg(grams) == text
