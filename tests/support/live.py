"""A real server on 127.0.0.1 for tests, and helpers to enrol terminals against it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

import requests
import uvicorn
from sqlalchemy import Engine, update

from sync.server import registry
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from sync.server.tables import terminals


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    engine: Engine
    settings: ServerSettings
    server: uvicorn.Server
    thread: threading.Thread

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"


def start_server(engine: Engine, settings: ServerSettings, port: int | None = None) -> LiveServer:
    port = port or free_port()
    server, thread = _run_uvicorn(create_app(settings, engine), port)
    return LiveServer(f"http://127.0.0.1:{port}", engine, settings, server, thread)


def _run_uvicorn(app, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """Serve ``app`` on 127.0.0.1:``port`` in a thread; return once it listens."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:  # uvicorn exposes no event to wait on
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return server, thread


class AppSlot:
    """An ASGI app that hands each request to the app in the slot: one uvicorn server (and
    its port) serves test after test, each with its own app over its own database."""

    def __init__(self):
        self.app = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        app = self.app
        if app is None:
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"no test server in the slot"})
            return
        await app(scope, receive, send)


def start_shared_server() -> tuple[LiveServer, AppSlot]:
    """A uvicorn server on a free port whose app the tests swap (see ``serve_in``)."""
    slot = AppSlot()
    port = free_port()
    server, thread = _run_uvicorn(slot, port)
    return LiveServer(f"http://127.0.0.1:{port}", None, None, server, thread), slot


def serve_in(shared: tuple[LiveServer, AppSlot], engine: Engine, settings: ServerSettings):
    """Put the central server's app over ``engine`` in the shared server's slot."""
    live, slot = shared
    slot.app = create_app(settings, engine)
    return LiveServer(live.url, engine, settings, live.server, live.thread)


def stop_server(live: LiveServer) -> None:
    live.server.should_exit = True
    live.thread.join(10)


#: When the tests' terminals count as enrolled: they sell on fixed dates of 2026 (and on
#: today's), and a real booth is enrolled before it sells. HQ quarantines entries dated
#: more than a day before the enrolment; tests of that rule enrol with the real time.
TEST_ENROLMENT = "2026-01-01T00:00:00.000Z"


def hold_demo_catalog(engine: Engine) -> None:
    """HQ's catalog holds the demo catalog the tests' terminals sell from (as in a real
    campaign, where booths sell HQ's catalog): their sales pass HQ's business checks."""
    from sync.server import catalog
    from tests.support import DEMO_CATALOG

    catalog.import_csv(engine, DEMO_CATALOG.read_bytes())


def date_enrolment(engine: Engine, terminal: str, enrolled_at: str = TEST_ENROLMENT) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(terminals).where(terminals.c.id == terminal).values(enrolled_at=enrolled_at)
        )


def enrol(
    live: LiveServer,
    booth_id: str = "B1",
    terminal: str = "T1",
    booth_name: str = "奉节县扶贫专柜",
    replaces: str | None = None,
    as_selling_booth: bool = True,
) -> str:
    """Register the booth if needed, make a code (a replacement code for ``replaces``) and
    spend it over HTTP; return the token.

    ``as_selling_booth``: HQ holds the demo catalog and the enrolment is dated
    TEST_ENROLMENT, so what the tests' terminals sell passes HQ's business checks.
    """
    with live.engine.begin() as conn:
        with contextlib.suppress(registry.ApiError):  # already registered
            registry.add_booth(conn, booth_id, booth_name)
        code = registry.add_enrol_code(conn, booth_id, 1, replaces=replaces, by="admin:test")
    response = requests.post(
        live.api("/enroll"), json={"code": code, "terminal": terminal}, timeout=10
    )
    assert response.status_code == 200, response.text
    if as_selling_booth:
        hold_demo_catalog(live.engine)
        date_enrolment(live.engine, terminal)
    return response.json()["token"]


def openapi_schema(live: LiveServer) -> dict:
    """The server's OpenAPI schema, from the app object (the server does not publish it
    unless BOOTH_POS_SERVER_API_DOCS is set)."""
    return create_app(live.settings, live.engine).openapi()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
