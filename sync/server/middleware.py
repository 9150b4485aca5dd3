"""ASGI middleware: request size limit and one structured log line per request."""

from __future__ import annotations

import json
import logging
import time

from starlette.exceptions import HTTPException

log = logging.getLogger("booth_pos.server")


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413, whether or not Content-Length is sent."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large(send, self.limit)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # An HTTPException passes through the framework's body parsing as 413
                    # (anything else there would become a 400).
                    raise HTTPException(
                        413,
                        f"The request body is larger than {self.limit} bytes: push fewer entries at once.",
                    )
            return message

        await self.app(scope, limited_receive, send)


async def _too_large(send, limit: int) -> None:
    body = json.dumps(
        {"detail": f"The request body is larger than {limit} bytes: push fewer entries at once."}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AccessLog:
    """One JSON log line per request: method, path, status, milliseconds."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = 500

        async def capture(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if log.isEnabledFor(logging.INFO):  # the line is not even built when not wanted
                self._line(scope, status, start)

    @staticmethod
    def _line(scope, status: int, start: float) -> None:
        log.info(
            json.dumps(
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round((time.perf_counter() - start) * 1000, 2),
                    "client": (scope.get("client") or ["", 0])[0],
                }
            )
        )
