"""FastAPI dependencies: the engine, the calling terminal, the calling HQ admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine

from sync.protocol import wire
from sync.server import registry
from sync.server.auth import bearer_token
from sync.server.console.guard import api_reader
from sync.server.db import reading
from sync.server.errors import ApiError
from sync.server.rate_limits import client_address, limits_of, refuse_failing_address
from sync.server.registry import TerminalIdentity
from sync.server.settings import ServerSettings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[ServerSettings, Depends(get_settings)]


def current_terminal(
    engine: EngineDep, authorization: Annotated[str | None, Header()] = None
) -> TerminalIdentity:
    with reading(engine) as conn:
        return registry.terminal_for_token(conn, bearer_token(authorization))


def current_admin(
    request: Request, engine: EngineDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The admin a token belongs to. Wrong tokens count against the caller's address; past
    the limit the address gets 429 and its tokens are not even looked at. Without a token,
    a console user's session cookie may read reports (GET only): see ``guard.api_reader``."""
    if authorization is None:
        reader = api_reader(request)
        if reader is not None:
            return reader
    failures = limits_of(request).admin_failures
    address = client_address(request)
    refuse_failing_address(failures, address, "admin tokens")
    token = bearer_token(authorization)
    try:
        with reading(engine) as conn:
            return registry.admin_for_token(conn, token)
    except ApiError as exc:
        if exc.status == 401 and token:  # a wrong token, not a forgotten header
            failures.add(address)
        raise


def terminal_status(
    x_terminal_version: Annotated[
        str | None, Header(description="The terminal's version (additive; optional).")
    ] = None,
    x_terminal_unsynced: Annotated[
        str | None,
        Header(description="Journal entries the terminal holds unacknowledged (optional)."),
    ] = None,
    x_terminal_printer: Annotated[
        str | None,
        Header(description="ok, paper_out, offline or none (optional)."),
    ] = None,
) -> dict:
    """What the terminal says of itself: valid values only; anything else is ignored."""
    return wire.terminal_status(x_terminal_version, x_terminal_unsynced, x_terminal_printer)


TerminalDep = Annotated[TerminalIdentity, Depends(current_terminal)]
TerminalStatusDep = Annotated[dict, Depends(terminal_status)]
AdminDep = Annotated[str, Depends(current_admin)]
