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

from pos.errors import BoothError
from pos.money import CASH_ROUNDINGS
from sync.protocol.barcodes import DEFAULT_RULES, BarcodeRules, rules_from_config

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
    sync_allow_insecure_http: bool = False  # http:// to a host other than this PC
    printer_url: str = "preview"
    printer_profile: str = "generic-80"
    printer_paper_mm: int = 0  # 0: the profile's
    printer_encoding: str = ""  # empty: the profile's
    printer_qr: str = ""  # empty: the profile's
    printer_language: str = "zh_CN"
    printer_drawer_pin: int = 2
    printer_drawer_on_cash: bool = True
    printer_timeout_s: int = 5
    printer_retry_s: int = 5
    printer_keep_waiting_min: int = 30
    printer_status_poll_s: int = 30
    scanner_port: str = ""
    scanner_baud: int = 9600
    scale_port: str = ""
    scale_protocol: str = "toledo8217"
    scale_baud: int = 9600
    display_port: str = ""
    display_protocol: str = "cd5220"
    display_baud: int = 9600
    display_encoding: str = "ascii"
    shift_variance_threshold_fen: int = 1000
    discount_limit_pct: int = 10
    cash_rounding: str = "none"  # pos.money.CASH_ROUNDINGS: the cash part of a sale, 抹零
    payments_reference_only: bool = False  # mobile tenders only recorded, never collected via HQ
    payments_poll_ms: int = 2500  # how often the till asks HQ while the customer confirms
    barcode: BarcodeRules = field(default=DEFAULT_RULES)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


#: (table, key) -> (Settings attribute, type); the [barcode] table is read by sync.protocol.barcodes.
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
    ("sync", "allow_insecure_http"): ("sync_allow_insecure_http", bool),
    ("printer", "url"): ("printer_url", str),
    ("printer", "profile"): ("printer_profile", str),
    ("printer", "paper_mm"): ("printer_paper_mm", int),
    ("printer", "encoding"): ("printer_encoding", str),
    ("printer", "qr"): ("printer_qr", str),
    ("printer", "language"): ("printer_language", str),
    ("printer", "drawer_pin"): ("printer_drawer_pin", int),
    ("printer", "drawer_on_cash"): ("printer_drawer_on_cash", bool),
    ("printer", "timeout_s"): ("printer_timeout_s", int),
    ("printer", "retry_s"): ("printer_retry_s", int),
    ("printer", "keep_waiting_min"): ("printer_keep_waiting_min", int),
    ("printer", "status_poll_s"): ("printer_status_poll_s", int),
    ("scanner", "port"): ("scanner_port", str),
    ("scanner", "baud"): ("scanner_baud", int),
    ("scale", "port"): ("scale_port", str),
    ("scale", "protocol"): ("scale_protocol", str),
    ("scale", "baud"): ("scale_baud", int),
    ("display", "port"): ("display_port", str),
    ("display", "protocol"): ("display_protocol", str),
    ("display", "baud"): ("display_baud", int),
    ("display", "encoding"): ("display_encoding", str),
    ("shift", "variance_threshold_fen"): ("shift_variance_threshold_fen", int),
    ("sale", "discount_limit_pct"): ("discount_limit_pct", int),
    ("sale", "cash_rounding"): ("cash_rounding", str),
    ("payments", "reference_only"): ("payments_reference_only", bool),
    ("payments", "poll_ms"): ("payments_poll_ms", int),
}
SCALE_PROTOCOLS = ("toledo8217", "continuous")
DISPLAY_PROTOCOLS = ("cd5220", "epson")
DISPLAY_ENCODINGS = ("ascii", "gbk")
RECEIPT_LANGUAGES = ("zh_CN", "en")
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
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
            if kind is bool:
                if not isinstance(value, bool):
                    raise BoothError(
                        "{where}: {table}.{key} should be true or false, without quotes.",
                        where=where,
                        table=table,
                        key=key,
                    )
                values[attr] = value
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
    _check_devices(settings, where)
    if settings.shift_variance_threshold_fen < 0:
        raise BoothError("{where}: shift.variance_threshold_fen cannot be negative.", where=where)
    if not 0 <= settings.discount_limit_pct <= 100:
        raise BoothError("{where}: sale.discount_limit_pct must be 0 to 100.", where=where)
    if not 50 <= settings.payments_poll_ms <= 10_000:
        raise BoothError("{where}: payments.poll_ms must be 50 to 10000.", where=where)
    if settings.cash_rounding not in CASH_ROUNDINGS:
        raise BoothError(
            "{where}: sale.cash_rounding must be 'none', 'down_jiao' or 'nearest_jiao'.",
            where=where,
        )
    return settings


def _check_devices(settings: Settings, where: str) -> None:
    """Printer, scanner, scale and display settings: refused at start, not mid-sale."""
    from hardware.printers import parse_printer_url
    from hardware.profiles import profile

    try:
        parse_printer_url(settings.printer_url)
        profile(
            settings.printer_profile,
            settings.printer_paper_mm,
            settings.printer_encoding,
            settings.printer_qr,
        )
    except ValueError as exc:
        raise BoothError("{where}: [printer] {reason}", where=where, reason=str(exc)) from None
    if settings.printer_language not in RECEIPT_LANGUAGES:
        raise BoothError("{where}: printer.language must be 'zh_CN' or 'en'.", where=where)
    if settings.printer_drawer_pin not in (2, 5):
        raise BoothError(
            "{where}: printer.drawer_pin is the drawer connector pin, 2 or 5.", where=where
        )
    for name in ("timeout_s", "retry_s", "keep_waiting_min"):
        if not 1 <= getattr(settings, f"printer_{name}") <= 3600:
            raise BoothError("{where}: printer.{name} must be 1 to 3600.", where=where, name=name)
    if not 0 <= settings.printer_status_poll_s <= 3600:
        raise BoothError(
            "{where}: printer.status_poll_s must be 0 (never) to 3600 seconds.", where=where
        )
    if settings.scale_protocol not in SCALE_PROTOCOLS:
        raise BoothError(
            "{where}: scale.protocol must be 'toledo8217' or 'continuous'.", where=where
        )
    if settings.display_protocol not in DISPLAY_PROTOCOLS:
        raise BoothError("{where}: display.protocol must be 'cd5220' or 'epson'.", where=where)
    if settings.display_encoding not in DISPLAY_ENCODINGS:
        raise BoothError("{where}: display.encoding must be 'ascii' or 'gbk'.", where=where)
    for table in ("scanner", "scale", "display"):
        baud = getattr(settings, f"{table}_baud")
        if baud not in BAUD_RATES:
            raise BoothError(
                "{where}: {table}.baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, "
                "57600 or 115200.",
                where=where,
                table=table,
            )
