"""Property-based run of the OpenAPI schema: no generated request may get a 5xx."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sync.server.settings import ServerSettings
from tests.support.live import enrol, serve_in

pytestmark = pytest.mark.fuzz  # generated requests: make test-fast leaves them out

EXAMPLES = os.environ.get("BOOTH_POS_FUZZ_EXAMPLES", "25")


def _schemathesis() -> str:
    found = Path(sys.executable).with_name("schemathesis")
    if found.exists():
        return str(found)
    path = shutil.which("schemathesis")
    if path is None:
        pytest.fail("schemathesis is not installed: pip install -e '.[dev]'")
    return path


@pytest.fixture
def documented(http_server, engine, db_url):
    """The server with its OpenAPI schema published (BOOTH_POS_SERVER_API_DOCS=1)."""
    yield serve_in(http_server, engine, ServerSettings(db=db_url, api_docs=True))
    http_server[1].app = None


@pytest.mark.parametrize("who", ["terminal", "admin", "anonymous"])
def test_no_generated_request_gets_a_server_error(documented, admin_token, who):
    server = documented
    token = {"terminal": lambda: enrol(server, "B1", "T1"), "admin": lambda: admin_token}.get(who)
    args = [
        _schemathesis(),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        EXAMPLES,
        "--seed",
        "20261129",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    if token:
        args += ["--header", f"Authorization: Bearer {token()}"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
