"""FastAPI dependencies: the engine, the calling terminal, the calling HQ admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine

from sync.server import registry
from sync.server.auth import bearer_token
from sync.server.db import reading
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


def current_admin(engine: EngineDep, authorization: Annotated[str | None, Header()] = None) -> str:
    with reading(engine) as conn:
        return registry.admin_for_token(conn, bearer_token(authorization))


TerminalDep = Annotated[TerminalIdentity, Depends(current_terminal)]
AdminDep = Annotated[str, Depends(current_admin)]
