"""Server settings in one object, from BOOTH_POS_SERVER_* environment variables or flags."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sync import protocol
from sync.server.db import POOL_OVERFLOW, POOL_SIZE, POOL_TIMEOUT, default_data_dir


def default_db_url() -> str:
    return f"sqlite:///{default_data_dir() / 'server.db'}"


class ServerSettings(BaseSettings):
    """Everything the central server can be told; every field has a working default."""

    model_config = SettingsConfigDict(env_prefix="BOOTH_POS_SERVER_", extra="ignore")

    db: str = ""  # empty: a SQLite file in the user data directory
    timezone: str = "Asia/Shanghai"  # business days for reports
    max_body_bytes: int = protocol.MAX_BODY_BYTES
    max_batch: int = protocol.MAX_BATCH
    enroll_code_hours: int = 72
    log_level: str = "info"
    # PostgreSQL connections per worker process (see docs/server.md, "Connection budget").
    pool_size: int = Field(default=POOL_SIZE, ge=1)
    pool_overflow: int = Field(default=POOL_OVERFLOW, ge=0)
    pool_timeout: float = Field(default=POOL_TIMEOUT, gt=0)
    # Rate limits per worker process (see docs/security.md, "Rate limits").
    failed_enrolments: int = Field(default=20, ge=1)  # wrong codes per address per window
    failed_admin_tokens: int = Field(default=20, ge=1)  # wrong admin tokens per address
    failure_window_s: float = Field(default=300, gt=0)
    pushes_per_minute: int = Field(default=120, ge=1)  # journal pushes per terminal
    api_docs: bool = False  # /docs, /redoc and /openapi.json answer only when true
    # How far ahead of HQ's clock a journal entry may be dated before it is quarantined.
    clock_tolerance_s: int = Field(default=600, ge=0, le=86_400)
    # Off only to measure ingest without the business checks (benchmarks): with it off,
    # HQ counts whatever passes the contract's checks. See docs/security.md.
    business_checks: bool = True
    # Booth health: a terminal without contact for longer than this is stale (shown in red).
    stale_after_s: int = Field(default=1800, ge=60, le=30 * 86_400)

    @property
    def check_tolerance(self) -> timedelta | None:
        """What ingest gets: the clock tolerance, or None when the checks are off."""
        return timedelta(seconds=self.clock_tolerance_s) if self.business_checks else None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        return normalize_db_url(self.db or default_db_url())


def normalize_db_url(url: str) -> str:
    """Accept plain postgresql:// URLs and file paths; use the psycopg 3 driver."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


@lru_cache
def get_settings() -> ServerSettings:
    return ServerSettings()
