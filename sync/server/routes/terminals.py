"""Enrolment and journal push: the calls a terminal makes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field

from sync.server import ingest, registry
from sync.server.deps import EngineDep, SettingsDep, TerminalDep
from sync.server.tables import terminals

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
)
def enroll(request: EnrollRequest, engine: EngineDep):
    with engine.begin() as conn:
        token, booth = registry.enroll(conn, request.code, request.terminal)
    return {
        "token": token,
        "booth": {"id": booth["id"], "name": booth["name"]},
        "terminal": request.terminal,
    }


@router.post("/journal", response_model=Ack, summary="Push journal entries (idempotent)")
def push_journal(
    push: JournalPush,
    caller: TerminalDep,
    engine: EngineDep,
    settings: SettingsDep,
    x_terminal_clock: Annotated[str | None, Header(max_length=40)] = None,
):
    return ingest.ingest(
        engine, caller, push.entries, settings.zone, settings.max_batch, x_terminal_clock
    )


@router.get(
    "/journal/head",
    response_model=Ack,
    summary="What the server holds of this terminal's journal (asked at the start of every round)",
)
def journal_head(
    caller: TerminalDep,
    engine: EngineDep,
    x_terminal_clock: Annotated[str | None, Header(max_length=40)] = None,
):
    # Every round starts here, so this is where an idle booth's contact and clock are seen.
    with engine.begin() as conn:
        ingest.record_contact(conn, caller.terminal_id, x_terminal_clock)
        row = conn.execute(
            terminals.select().with_only_columns(terminals.c.acked_seq, terminals.c.head_hash)
            .where(terminals.c.id == caller.terminal_id)
        ).one()  # fmt: skip
    return {"acked_through": row.acked_seq, "head": row.head_hash}
