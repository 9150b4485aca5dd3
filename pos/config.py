"""Terminal settings from booth.toml in the data directory, with defaults for every key.

docs/configuration.md lists every setting; a test keeps the two in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir

from pos.barcodes import DEFAULT_RULES, BarcodeRules, rules_from_config
from pos.errors import BoothError

CONFIG_NAME = "booth.toml"
CERTIFICATE_POLICIES = ("warn", "block")


@dataclass(frozen=True)
class Settings:
    """Everything a booth can configure; defaults suit a booth in Chongqing."""

    timezone: str = "Asia/Shanghai"
    certificate_policy: str = "warn"
    pin_free_attempts: int = 5
    pin_lockout_seconds: int = 60
    quick_keys: tuple[str, ...] = ()  # PLUs in the order the quick keys show; empty: automatic
    quick_keys_per_category: int = 24
    scanner_max_gap_ms: int = 35
    scanner_min_length: int = 6
    scanner_suffix: str = "enter"
    sync_interval_s: int = 30
    barcode: BarcodeRules = field(default=DEFAULT_RULES)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


#: (table, key) -> (Settings attribute, type); the [barcode] table is read by pos.barcodes.
KEYS = {
    ("booth", "timezone"): ("timezone", str),
    ("sale", "certificate_policy"): ("certificate_policy", str),
    ("pin", "free_attempts"): ("pin_free_attempts", int),
    ("pin", "lockout_seconds"): ("pin_lockout_seconds", int),
    ("sale", "quick_keys"): ("quick_keys", list),
    ("sale", "quick_keys_per_category"): ("quick_keys_per_category", int),
    ("scanner", "max_gap_ms"): ("scanner_max_gap_ms", int),
    ("scanner", "min_length"): ("scanner_min_length", int),
    ("scanner", "suffix"): ("scanner_suffix", str),
    ("sync", "interval_s"): ("sync_interval_s", int),
}
SCANNER_SUFFIXES = ("enter", "tab")


def resolve_home(home: str | None) -> Path:
    """The data directory: --home, else $BOOTH_POS_HOME, else the platform user data dir."""
    chosen = home or os.environ.get("BOOTH_POS_HOME") or user_data_dir("booth-pos", appauthor=False)
    return Path(chosen).expanduser()


def load_settings(home: Path) -> Settings:
    """Read booth.toml if present; an unknown key or bad value is refused with its name."""
    path = home / CONFIG_NAME
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BoothError(
            "{path} is not valid TOML ({reason}): fix or remove it.",
            path=str(path),
            reason=str(exc),
        ) from None
    return settings_from_dict(raw, str(path))


def settings_from_dict(raw: dict, where: str = CONFIG_NAME) -> Settings:
    values: dict = {}
    for table, content in raw.items():
        if table == "barcode":
            try:
                values["barcode"] = rules_from_config(content)
            except ValueError as exc:
                raise BoothError(
                    "{where}: [barcode] {reason}", where=where, reason=str(exc)
                ) from None
            continue
        if not isinstance(content, dict):
            raise BoothError("{where}: '{table}' should be a [table].", where=where, table=table)
        for key, value in content.items():
            if (table, key) not in KEYS:
                raise BoothError(
                    "{where}: unknown setting {table}.{key}; see docs/configuration.md.",
                    where=where,
                    table=table,
                    key=key,
                )
            attr, kind = KEYS[(table, key)]
            if kind is list:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise BoothError(
                        '{where}: {table}.{key} should be a list of text, like ["10001", "10002"].',
                        where=where,
                        table=table,
                        key=key,
                    )
                values[attr] = tuple(value)
                continue
            if not isinstance(value, kind) or isinstance(value, bool):
                if kind is int:
                    raise BoothError(
                        "{where}: {table}.{key} should be a whole number, without quotes.",
                        where=where,
                        table=table,
                        key=key,
                    )
                raise BoothError(
                    "{where}: {table}.{key} should be text in double quotes.",
                    where=where,
                    table=table,
                    key=key,
                )
            values[attr] = value
    settings = Settings(**values)
    if settings.certificate_policy not in CERTIFICATE_POLICIES:
        raise BoothError("{where}: sale.certificate_policy must be 'warn' or 'block'.", where=where)
    try:
        settings.zone  # noqa: B018 - resolve now so a typo fails at start, not mid-sale
    except (ZoneInfoNotFoundError, ValueError):
        raise BoothError(
            "{where}: booth.timezone '{timezone}' is not a time zone.",
            where=where,
            timezone=settings.timezone,
        ) from None
    if settings.scanner_suffix not in SCANNER_SUFFIXES:
        raise BoothError("{where}: scanner.suffix must be 'enter' or 'tab'.", where=where)
    if not 5 <= settings.scanner_max_gap_ms <= 500 or not 1 <= settings.scanner_min_length <= 64:
        raise BoothError(
            "{where}: scanner.max_gap_ms must be 5 to 500 and scanner.min_length 1 to 64.",
            where=where,
        )
    if not 5 <= settings.sync_interval_s <= 3600:
        raise BoothError("{where}: sync.interval_s must be 5 to 3600 seconds.", where=where)
    if settings.quick_keys_per_category < 1:
        raise BoothError("{where}: sale.quick_keys_per_category must be at least 1.", where=where)
    if settings.pin_free_attempts < 1 or settings.pin_lockout_seconds < 1:
        raise BoothError(
            "{where}: pin.free_attempts and pin.lockout_seconds must be at least 1.", where=where
        )
    return settings
