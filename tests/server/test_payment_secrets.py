"""HQ's merchant keys: key files others can read stop the server with a sentence saying
what to do, and no secret (key, API v3 key, app auth token, the customer's full payment
code) ever reaches a log line or HQ's database, even with logging at DEBUG."""

from __future__ import annotations

import logging
import shutil

import pytest
from sqlalchemy import select

from sync.server.app import create_app
from sync.server.cli import main as server_main
from sync.server.payments.config import PaymentsConfigError, load_config
from sync.server.settings import ServerSettings
from sync.server.tables import booth_payments, payment_attempts, payment_events
from tests.server.payments_support import (  # fmt: skip
    ALIPAY_TOKEN,
    code,
    number,
    pay,
    revoke,
    serve_payments,
    set_up_booth,
)


@pytest.fixture
def keys(simulator, tmp_path):
    """A copy of the simulator's keys and HQ's settings, to spoil."""
    folder = tmp_path / "keys"
    shutil.copytree(simulator.config.parent, folder)
    return folder


@pytest.mark.parametrize("name", ["wechat_merchant_key.pem", "wechat_apiv3_key.txt", "alipay_app_key.pem"])  # fmt: skip
def test_a_merchant_key_others_can_read_stops_the_server(keys, name, tmp_path, capsys, monkeypatch):
    (keys / name).chmod(0o644)
    with pytest.raises(PaymentsConfigError, match="chmod 600"):
        load_config(keys / "payments.toml")
    monkeypatch.setenv("BOOTH_POS_SERVER_PAYMENTS_CONFIG", str(keys / "payments.toml"))
    code_ = server_main(["--db", str(tmp_path / "server.db"), "serve", "--port", "1"])
    err = capsys.readouterr().err
    assert code_ == 1 and "Not starting" in err and name in err and "chmod 600" in err
    settings = ServerSettings(
        db=str(tmp_path / "s.db"), payments_config=str(keys / "payments.toml")
    )
    with pytest.raises(PaymentsConfigError):
        create_app(settings)


def test_a_missing_key_file_stops_the_server_with_its_name(keys):
    (keys / "alipay_app_key.pem").unlink()
    with pytest.raises(PaymentsConfigError, match="alipay_app_key.pem"):
        load_config(keys / "payments.toml")


def test_no_secret_reaches_the_logs_or_the_database(http_server, engine, db_url, simulator, caplog):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    folder = simulator.config.parent
    secrets = [
        (folder / "wechat_apiv3_key.txt").read_text().strip(),
        ALIPAY_TOKEN,
        *[
            line
            for name in ("wechat_merchant_key.pem", "alipay_app_key.pem")
            for line in (folder / name).read_text().splitlines()[1:-1]
        ],
    ]
    codes = []
    with caplog.at_level(logging.DEBUG):
        for method, amount in (("wechat", 100), ("alipay", 100), ("wechat", 101), ("alipay", 107)):
            codes.append(code(method))
            no = number()
            assert pay(live, token, method, amount, no, codes[-1]).status_code == 200
            revoke(live, token, no)
    with engine.connect() as conn:
        stored = " ".join(
            str(tuple(row))
            for table in (payment_attempts, payment_events)
            for row in conn.execute(select(table))
        )
        assert conn.execute(select(booth_payments.c.alipay_app_auth_token)).scalar() == ALIPAY_TOKEN
    logged = caplog.text
    assert "payment" in logged  # the DEBUG logs were captured
    for secret in secrets + codes:
        assert secret not in logged, secret[:8]
    for secret in secrets + codes:
        assert secret not in stored, secret[:8]
    http_server[1].app = None
