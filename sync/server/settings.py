"""Server settings in one object, from BOOTH_POS_SERVER_* environment variables or flags."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sync import protocol
from sync.protocol.payments import DEFAULT_MAX_PAYMENT_FEN, WAIT_LIMIT_S
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
    # serve's HTTP parser and event loop: auto takes httptools and uvloop when installed
    # (the server extra installs uvloop on Linux, not httptools), else h11 and asyncio.
    http: Literal["auto", "h11", "httptools"] = "auto"
    loop: Literal["auto", "asyncio", "uvloop"] = "auto"
    # PostgreSQL connections per worker process (see docs/server.md, "Connection budget").
    pool_size: int = Field(default=POOL_SIZE, ge=1)
    pool_overflow: int = Field(default=POOL_OVERFLOW, ge=0)
    pool_timeout: float = Field(default=POOL_TIMEOUT, gt=0)
    # "transaction": PostgreSQL is reached through a pooler in transaction mode (PgBouncer);
    # the server then never prepares statements (docs/server.md, "Several app nodes").
    db_pooler: Literal["", "transaction"] = ""
    # Rate limits: failures shared by every process and node, pushes per process (see
    # docs/security.md, "Rate limits").
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
    # The HQ console (docs/console.md). A session lasts this long after sign-in.
    console_session_hours: float = Field(default=12, gt=0, le=24 * 30)
    # The session cookie's Secure flag: "auto" sets it when the request came over TLS (as
    # uvicorn saw it, X-Forwarded-Proto from a trusted proxy included), "always" or "never".
    console_secure_cookie: Literal["auto", "always", "never"] = "auto"
    # Wrong passwords at sign-in per user name and per client address, per failure window.
    console_failed_signins_per_name: int = Field(default=5, ge=1)
    console_failed_signins_per_address: int = Field(default=20, ge=1)
    # Mobile payments (docs/payments.md): the TOML file naming HQ's merchant key files
    # (empty: HQ takes no mobile payments), the cap on one payment, how long a customer may
    # take to confirm before HQ revokes, and how long one gateway call may take.
    payments_config: str = ""
    payments_max_fen: int = Field(default=DEFAULT_MAX_PAYMENT_FEN, ge=1, le=100_000_000)
    payments_wechat_wait_s: float = Field(default=WAIT_LIMIT_S["wechat"], gt=0)
    payments_alipay_wait_s: float = Field(default=WAIT_LIMIT_S["alipay"], gt=0)
    payments_gateway_timeout_s: float = Field(default=10, gt=0, le=60)
    # Money reconciled (docs/payments.md): seconds between the server's rounds of refunds
    # still pending at the gateway, and the local hour (0-23) after which yesterday's
    # bills are reconciled on their own (-1: only by `payments reconcile`).
    refund_retry_s: float = Field(default=60, gt=0, le=3600)
    reconcile_hour: int = Field(default=-1, ge=-1, le=23)
    # Booth health (the API and the console's pages): a terminal without contact for longer
    # than this is stale (shown in red).
    stale_after_s: int = Field(default=1800, ge=60, le=30 * 86_400)
    # Scheduled catalog changes (docs/console.md): seconds between the server's checks for
    # changes whose time has come.
    schedule_check_s: float = Field(default=30, gt=0, le=3600)

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
