"""A real server on 127.0.0.1 for tests, and helpers to enrol terminals against it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

import requests
import uvicorn
from sqlalchemy import Engine

from sync.server import registry
from sync.server.app import create_app
from sync.server.settings import ServerSettings


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
    app = create_app(settings, engine)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:  # uvicorn exposes no event to wait on
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return LiveServer(f"http://127.0.0.1:{port}", engine, settings, server, thread)


def stop_server(live: LiveServer) -> None:
    live.server.should_exit = True
    live.thread.join(10)


def enrol(
    live: LiveServer, booth_id: str = "B1", terminal: str = "T1", booth_name: str = "奉节县扶贫专柜"
) -> str:
    """Register the booth if needed, make a code and spend it over HTTP; return the token."""
    with live.engine.begin() as conn:
        with contextlib.suppress(registry.ApiError):  # already registered
            registry.add_booth(conn, booth_id, booth_name)
        code = registry.add_enrol_code(conn, booth_id, 1)
    response = requests.post(
        live.api("/enroll"), json={"code": code, "terminal": terminal}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
