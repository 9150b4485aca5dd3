"""Enrolment and journal push: the calls a terminal makes; and HQ's enrolment log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from sync.protocol import MAX_BATCH
from sync.server import contact, ingest, journal_feed, registry
from sync.server.db import reading
from sync.server.deps import AdminDep, EngineDep, SettingsDep, TerminalDep, TerminalStatusDep
from sync.server.errors import forbidden
from sync.server.payments.refunds import carry_out_all, refund_numbers
from sync.server.rate_limits import (
    client_address,
    count_push,
    limits_of,
    refuse_failing_address,
)
from sync.server.tables import terminals

MAX_SEQ = 2**63 - 1

router = APIRouter(prefix="/api/v1")


class EnrollRequest(BaseModel):
    code: str = Field(max_length=64, examples=["7KQ4-M9XP-2HTD"])
    terminal: str = Field(max_length=64, examples=["CQ-FJ-001-T1"])


class BoothOut(BaseModel):
    id: str
    name: str


class EnrollResponse(BaseModel):
    token: str
    booth: BoothOut
    terminal: str
    acked_through: int = Field(
        description="What HQ already holds of this terminal's journal: 0 for a new terminal, "
        "the old PC's last seq for a replacement (which recovers it before selling)."
    )
    head: str = Field(description="The hash of that entry (64 zeros before the first).")


class JournalPush(BaseModel):
    entries: list[Any] = Field(
        description="Journal entries (version 1), oldest first, at most 500."
    )


class Ack(BaseModel):
    acked_through: int = Field(description="The highest seq the server holds for this terminal.")
    head: str = Field(description="The hash of that entry (64 zeros before the first).")


@router.post(
    "/enroll",
    response_model=EnrollResponse,
    summary="Spend a one-time code; get the terminal's token",
    responses={
        401: {"description": "The code is unknown, used or expired."},
        429: {
            "description": "Too many wrong codes from this address lately; wait Retry-After "
            "seconds (nothing was checked)."
        },
        409: {
            "description": "The terminal id is already enrolled (a replacement needs a code "
            "issued with --replaces), revoked, at another booth, or not the one the code replaces."
        },
    },
)
def enroll(request: EnrollRequest, engine: EngineDep, http: Request):
    source = http.client.host if http.client else ""
    failures = limits_of(http).enrol_failures
    address = client_address(http)
    refuse_failing_address(failures, address, "enrolment codes")
    try:
        with engine.begin() as conn:
            token, booth = registry.enroll(conn, request.code, request.terminal, source=source)
            acked, head = journal_feed.head(conn, request.terminal)
    except registry.ApiError as exc:
        if exc.status == 401:  # unknown, used or expired: what a guesser gets
            failures.add(address)
        if getattr(exc, "refused_enrolment", None):  # a valid code aimed where it may not go
            with engine.begin() as conn:
                registry.log_refusal(conn, exc)
        raise
    return {
        "token": token,
        "booth": {"id": booth["id"], "name": booth["name"]},
        "terminal": request.terminal,
        "acked_through": acked,
        "head": head,
    }


@router.post(
    "/journal",
    response_model=Ack,
    summary="Push journal entries (idempotent)",
    responses={
        429: {
            "description": "This terminal pushed more than BOOTH_POS_SERVER_PUSHES_PER_MINUTE "
            "times in the last minute; nothing was stored; wait Retry-After seconds."
        }
    },
)
def push_journal(
    push: JournalPush,
    caller: TerminalDep,
    engine: EngineDep,
    settings: SettingsDep,
    http: Request,
    status: TerminalStatusDep,
    later: BackgroundTasks,
    x_terminal_clock: Annotated[str | None, Header(max_length=40)] = None,
):
    count_push(limits_of(http).pushes, caller.terminal_id)
    returned = refund_numbers(push.entries)
    if returned:  # which of them are new: replays were carried out when they first came
        with reading(engine) as conn:
            acked = conn.execute(
                select(terminals.c.acked_seq).where(terminals.c.id == caller.terminal_id)
            ).scalar_one()
    answer = ingest.ingest(
        engine,
        caller,
        push.entries,
        settings.zone,
        settings.max_batch,
        x_terminal_clock,
        settings.check_tolerance,
        status,
    )
    # Refunds to return through the gateway: asked after the push's transaction committed.
    numbers = refund_numbers(push.entries, acked) if returned else []
    if numbers and http.app.state.payments is not None:
        later.add_task(carry_out_all, engine, http.app.state.payments, numbers)
    return answer


@router.get(
    "/journal/head",
    response_model=Ack,
    summary="What the server holds of this terminal's journal (asked when the terminal is in doubt)",
)
def journal_head(
    caller: TerminalDep,
    engine: EngineDep,
    settings: SettingsDep,
    status: TerminalStatusDep,
    x_terminal_clock: Annotated[str | None, Header(max_length=40)] = None,
):
    # The head came with the token's row: one indexed read, and a write only when the call
    # says something new (sync/server/contact.py).
    contact.note(engine, caller.terminal_id, caller.seen, x_terminal_clock, status, settings.stale_after_s)  # fmt: skip
    return {"acked_through": caller.seen.acked_seq, "head": caller.seen.head_hash}


class JournalPage(BaseModel):
    acked_through: int = Field(description="The highest seq HQ holds for this terminal.")
    head: str = Field(description="The hash of that entry (64 zeros before the first).")
    more: bool = Field(description="More entries follow this page: ask again after its last seq.")
    entries: list[dict[str, Any]] = Field(
        description="The terminal's own entries with seq > after, oldest first, exactly as "
        "it pushed them (canonical JSON: each hash can be checked again)."
    )


@router.get(
    "/journal/entries",
    response_model=JournalPage,
    summary="A page of this terminal's own journal as HQ holds it (for `booth-pos journal recover`)",
    responses={
        401: {"description": "Missing, wrong or revoked terminal token."},
        403: {"description": "Another terminal's journal was asked for."},
    },
)
def journal_entries(
    caller: TerminalDep,
    engine: EngineDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_SEQ, description="Entries after this seq (0: from the first).")
    ] = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_BATCH, description="At most this many entries.")
    ] = MAX_BATCH,
    terminal: Annotated[
        str | None,
        Query(max_length=64, description="Optional: must be the calling terminal's own id."),
    ] = None,
):
    if terminal is not None and terminal != caller.terminal_id:
        raise forbidden(
            f"Terminal {caller.terminal_id} may read only its own journal, not {terminal!r}."
        )
    with reading(engine) as conn:
        acked, head = journal_feed.head(conn, caller.terminal_id)
        lines, more = journal_feed.page(conn, caller.terminal_id, after, limit)
    # The stored lines go out as they are: re-encoding them could change what was hashed.
    body = (
        f'{{"acked_through":{acked},"head":"{head}","more":{"true" if more else "false"},'
        f'"entries":[{",".join(lines)}]}}'
    )
    return Response(body.encode("utf-8"), media_type="application/json")


class EnrolmentLogLine(BaseModel):
    id: int
    at: str = Field(description="UTC, ISO 8601.")
    action: str = Field(
        description="code_issued, enrolled, replaced, enrol_refused, terminal_revoked, "
        "admin_added or admin_revoked."
    )
    actor: str = Field(
        description="admin:NAME or cli:UNIX_USER; for enrolments, the code's issuer."
    )
    booth_id: str | None
    terminal_id: str | None
    detail: str


@router.get(
    "/enrolment-log",
    response_model=list[EnrolmentLogLine],
    summary="HQ: who issued codes, enrolled, replaced and revoked terminals, and when",
    responses={
        401: {"description": "Missing, wrong or revoked admin token."},
        403: {"description": "A terminal token: the log is for HQ."},
    },
)
def enrolment_log(
    _admin: AdminDep,
    engine: EngineDep,
    limit: Annotated[
        int, Query(ge=1, le=10000, description="The newest lines, oldest first.")
    ] = 1000,
):
    with reading(engine) as conn:
        return registry.enrolment_log_rows(conn, limit)
