"""Health and time: what load balancers and terminals' clocks ask."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sync.server import clock
from sync.server.db import reading
from sync.server.deps import EngineDep

router = APIRouter()


@router.get("/healthz", summary="Liveness and database check")
@router.get("/api/v1/healthz", include_in_schema=False)
def healthz(engine: EngineDep):
    try:
        with reading(engine) as conn:
            conn.execute(text("SELECT 1 FROM counters WHERE name = 'catalog'")).one()
    except SQLAlchemyError as exc:
        return JSONResponse(
            {"ok": False, "database": engine.dialect.name, "detail": str(exc).splitlines()[0]}, 503
        )
    return {"ok": True, "database": engine.dialect.name}


@router.get("/api/v1/time", summary="Server time, for terminals' clock-skew check")
async def server_time():
    # On the event loop: no I/O, so it never waits for a thread the pushes and polls hold.
    moment = clock.now()
    return {"utc": clock.stamp(moment), "epoch_ms": int(moment.timestamp() * 1000)}
