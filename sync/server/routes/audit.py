"""The audit log for HQ: every change made at HQ, filtered and paged, or whole as a file."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from sync.server import audit
from sync.server.db import reading
from sync.server.deps import AdminDep, EngineDep, SettingsDep
from sync.server.errors import invalid
from sync.server.routes.reports import _file

router = APIRouter(prefix="/api/v1")

Text = Annotated[str, Query(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]
FileKind = Literal["csv", "xlsx"]
#: The columns of an audit file; before and after are JSON text.
FILE_COLUMNS = list(audit.COLUMNS)


class AuditRow(BaseModel):
    id: int
    at: str = Field(description="UTC, ISO 8601.")
    actor: str = Field(
        description="user:NAME (console), admin:NAME (admin token), cli:UNIX_USER, terminal:ID."
    )
    action: str = Field(examples=["product_saved"])
    target_kind: str = Field(examples=["product"])
    target_id: str = Field(examples=["06970006000011"])
    before: Any = Field(description="The record before the change (null: it did not exist).")
    after: Any = Field(description="The record after the change.")


class AuditPage(BaseModel):
    rows: list[AuditRow] = Field(description="Newest first.")
    row_count: int = Field(description="How many rows the filters match in all.")


def filters(
    engine_zone, who: str, action: str, target_kind: str, target_id: str, first, last
) -> dict:
    """The filters of a request as ``audit.entries`` takes them (local days to UTC)."""
    days = []
    for text in (first, last):
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError:
            raise invalid(f"A date is written YYYY-MM-DD (got {text!r}).") from None
    if days[0] and days[1] and days[0] > days[1]:
        raise invalid("'from' is after 'to': swap them.")
    start, end = audit.day_bounds(days[0], days[1], engine_zone)
    return {
        "who": who,
        "action": action,
        "target_kind": target_kind,
        "target_id": target_id,
        "start": start,
        "end": end,
    }


@router.get(
    "/audit",
    response_model=AuditPage,
    summary="HQ: the audit log of changes made at HQ (who, when, what, before and after)",
    responses={
        401: {"description": "Missing, wrong or revoked admin token."},
        422: {"description": "A date not YYYY-MM-DD, or from after to."},
    },
)
def audit_log(
    _admin: AdminDep,
    engine: EngineDep,
    settings: SettingsDep,
    who: Text = "",
    action: Text = "",
    target_kind: Text = "",
    target_id: Text = "",
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**53 - 1)] = 0,
):
    where = filters(settings.zone, who, action, target_kind, target_id, date_from, date_to)
    with reading(engine) as conn:
        return audit.entries(conn, **where, limit=limit, offset=offset)


def audit_file(engine, where: dict, kind: str) -> StreamingResponse:
    """The whole filtered log, oldest first, as CSV or .xlsx (before/after as JSON text)."""
    with reading(engine) as conn:
        rows = [
            {**row, "before": _text(row["before"]), "after": _text(row["after"])}
            for row in audit.every_entry(conn, **where)
        ]
    return _file(kind, FILE_COLUMNS, rows, "audit-log", "audit log")


def _text(value) -> str:
    return "" if value is None else audit.as_json(value)
