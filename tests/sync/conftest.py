"""Sync fault fixtures: the restartable central server, the fault proxy in front of it and
the fork server of terminal processes (tests/sync/harness.py). The server's database
(``db_url``, ``engine``) comes from tests/conftest.py."""

from __future__ import annotations

import pytest

from tests.sync.harness import Hq, Workers
from tests.sync.proxy import FaultProxy


@pytest.fixture
def hq(engine, db_url) -> Hq:
    server = Hq(engine, db_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def proxy(hq) -> FaultProxy:
    fault_proxy = FaultProxy(hq.port)
    yield fault_proxy
    fault_proxy.close()


@pytest.fixture
def workers() -> Workers:
    fork_server = Workers()
    yield fork_server
    fork_server.close()
