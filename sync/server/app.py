"""The FastAPI application: routers, error handling, middleware. Nothing else lives here."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import __version__
from sync.server.catalog_worker import ScheduleWorker
from sync.server.console import pages as console
from sync.server.db import make_engine
from sync.server.errors import ApiError
from sync.server.middleware import AccessLog, BodyLimit
from sync.server.payments.service import Payments
from sync.server.payments.worker import MoneyWorker
from sync.server.rate_limits import RateLimits, TooManyRequests
from sync.server.routes import system, terminals
from sync.server.settings import ServerSettings, get_settings

log = logging.getLogger("booth_pos.server")
#: Seconds a terminal is asked to wait when every database connection is busy.
RETRY_AFTER_S = 5


def create_app(
    settings: ServerSettings | None = None,
    engine: Engine | None = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """Build the app on a migrated database (``booth-pos-server migrate`` or ``serve``).
    ``clock`` (wall-clock seconds, the same on every node) is what the rate limits count
    windows with."""
    settings = settings or get_settings()
    docs = settings.api_docs  # the API's map is not handed to whoever asks, unless wanted

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        worker = None
        if app.state.payments is not None:  # refunds and reconciliation need a gateway
            worker = MoneyWorker(app.state.engine, app.state.payments, settings).start()
        scheduled = ScheduleWorker(app.state.engine, settings).start()
        yield
        scheduled.stop()
        if worker is not None:
            worker.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Booth POS central server",
        version=__version__,
        description="Enrolment, journal ingest, catalog feed, stock ledger, reports and mobile payments (API v1).",
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    app.state.settings = settings
    # Unusable merchant settings stop the server here, with the reason (PaymentsConfigError).
    app.state.payments = Payments.from_settings(settings)
    app.state.engine = engine or make_engine(
        settings.db_url, settings.pool_size, settings.pool_overflow, settings.pool_timeout,
        pooler=settings.db_pooler,
    )  # fmt: skip
    app.state.rate_limits = RateLimits.from_settings(settings, app.state.engine, clock)
    for module in _routers():
        app.include_router(module.router)
    console.install(app)  # the HQ console's pages under /console/, and / leading there

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after_s)}
            log.warning("429 for %s %s: %s", request.method, request.url.path, exc.detail)
        return JSONResponse(
            {"detail": exc.detail, **exc.extra}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        problems = [
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
            for error in exc.errors()[:10]
        ]
        return JSONResponse(
            {"detail": "The request is not valid: " + "; ".join(problems)}, status_code=422
        )

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, _exc: PoolTimeout):
        log.warning("no free database connection for %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "The server is busy; nothing was stored. Try again shortly."},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            # The framework's JSON parser gave up (e.g. arrays nested 100,000 deep).
            return JSONResponse(
                {"detail": "The request body could not be read as JSON (nested too deeply?)."},
                status_code=422,
            )
        return await http_exception_handler(request, exc)

    @app.exception_handler(RecursionError)
    async def _too_deep(_request: Request, _exc: RecursionError):
        return JSONResponse(
            {"detail": "The request nests objects and lists too deeply to be read."},
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "The server failed; nothing was stored. Try again later."}, 500
        )

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(AccessLog)
    return app


def _routers():
    from sync.server.routes import audit, catalog, payments, quarantine, reports, stock

    return [system, terminals, catalog, reports, stock, quarantine, payments, audit]


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers: settings come from BOOTH_POS_SERVER_* variables."""
    return create_app(ServerSettings())
