"""A customer's payment code scanned on the sale screen opens payment with that code."""

from __future__ import annotations

import pytest

from tests.support import OIL
from tests.support.ui import login, scan_keys

#: the dialog's arithmetic with codes recorded as references (no HQ to collect them)
pytestmark = pytest.mark.reference_only


def test_a_payment_code_scanned_at_the_sale_screen_opens_payment(ui):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    scan_keys(window, "134567890123456789")  # the customer's WeChat Pay code
    assert window.payment is not None
    assert [(p.method, p.amount_fen, p.reference) for p in window.payment.payments] == [
        ("wechat", 8800, "134567890123456789")
    ]
    assert window.sale.model.rowCount() == 1  # not added as a product
