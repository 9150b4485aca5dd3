"""Quarantined journal entries for HQ: the list, and releasing one (admin token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from sync.protocol.business import RULES
from sync.protocol.stock_rules import STOCK_RULES
from sync.server import quarantine, registry
from sync.server.db import reading
from sync.server.deps import AdminDep, EngineDep, SettingsDep
from sync.server.errors import conflict

router = APIRouter(prefix="/api/v1/quarantine", tags=["quarantine"])

BOOTH_ID = registry.IDENTIFIER.pattern
ERRORS = {
    401: {"description": "Missing, wrong or revoked admin token."},
    403: {"description": "A terminal token: quarantine is for HQ."},
}


class HeldEntry(BaseModel):
    terminal_id: str
    seq: int
    booth_id: str
    type: str = Field(description="The entry type (sale, refund, stock_receive, ...).")
    rule: str = Field(
        description="The business rule it broke: " + ", ".join([*RULES, *STOCK_RULES]) + "."
    )
    reason: str = Field(description="How, as a sentence.")
    at: str = Field(description="The entry's own time (terminal clock, UTC).")
    amount_fen: int = Field(description="A sale's or refund's total_fen, else 0.")
    quarantined_at: str = Field(description="When HQ received it (UTC).")
    released_at: str | None
    released_by: str | None
    release_reason: str | None


class Released(HeldEntry):
    released_with: list[int] = Field(
        description="Seqs of refunds of this sale released with it (held only because of it)."
    )


class Release(BaseModel):
    reason: str = Field(
        min_length=1, max_length=1000, examples=["价格经区县办确认 (price confirmed)"]
    )


@router.get(
    "",
    response_model=list[HeldEntry],
    summary="HQ: journal entries held back by a business check, oldest first",
    responses=ERRORS,
)
def held_entries(
    _admin: AdminDep,
    engine: EngineDep,
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    released: Annotated[
        bool, Query(description="List the entries already released instead.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
):
    with reading(engine) as conn:
        if booth is not None:
            registry.booth(conn, booth)
        return quarantine.entries(conn, booth, released, limit)


@router.post(
    "/{terminal}/{seq}/release",
    response_model=Released,
    summary="HQ: count a quarantined entry from now on (who, when and why are recorded)",
    responses={
        **ERRORS,
        404: {"description": "That entry is not quarantined."},
        409: {"description": "Already released, or a refund whose sale is still held."},
    },
)
def release_entry(
    terminal: Annotated[str, Path(max_length=64)],
    seq: Annotated[int, Path(ge=1, le=2**53 - 1)],
    release: Release,
    admin: AdminDep,
    engine: EngineDep,
    settings: SettingsDep,
):
    try:
        with engine.begin() as conn:
            return quarantine.release(
                conn, terminal, seq, release.reason, f"admin:{admin}", settings.zone
            )  # the admin is both the name kept with the entry and the audit log's who
    except IntegrityError:
        raise conflict(
            f"{terminal} seq {seq} cannot count: it clashes with an entry already counted "
            "(the same sale, refund or shift). It stays quarantined."
        ) from None
