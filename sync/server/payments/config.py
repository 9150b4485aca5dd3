"""HQ's merchant settings for the gateways: a TOML file (BOOTH_POS_SERVER_PAYMENTS_CONFIG)
naming the key files. Secret files must be readable by the server's user only, or the
server refuses to start."""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path


class PaymentsConfigError(Exception):
    """The payments settings cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class WeChatSettings:
    base_url: str
    sp_mchid: str
    sp_appid: str
    merchant_serial_no: str
    merchant_private_key: str = ""  # PEM; secret
    apiv3_key: str = ""  # secret
    platform_public_key: str = ""  # PEM
    platform_public_key_id: str = ""

    def __repr__(self) -> str:  # never show a key in a traceback or a log line
        return f"WeChatSettings(base_url={self.base_url!r}, sp_mchid={self.sp_mchid!r})"


@dataclass(frozen=True)
class AlipaySettings:
    base_url: str
    app_id: str
    app_private_key: str = ""  # PEM; secret
    alipay_public_key: str = ""  # PEM

    def __repr__(self) -> str:
        return f"AlipaySettings(base_url={self.base_url!r}, app_id={self.app_id!r})"


@dataclass(frozen=True)
class PaymentsConfig:
    wechat: WeChatSettings | None
    alipay: AlipaySettings | None

    def methods(self) -> tuple[str, ...]:
        return tuple(m for m in ("wechat", "alipay") if getattr(self, m) is not None)


WECHAT_URL = "https://api.mch.weixin.qq.com"
ALIPAY_URL = "https://openapi.alipay.com/gateway.do"
#: key -> whether the file it names is a secret (then 0600 or 0400, owned by the server user).
WECHAT_FILES = {
    "merchant_private_key_file": True,
    "apiv3_key_file": True,
    "platform_public_key_file": False,
}
ALIPAY_FILES = {"app_private_key_file": True, "alipay_public_key_file": False}


def load_config(path: str | Path) -> PaymentsConfig:
    """Read the TOML file and every key file it names (relative names: beside the file)."""
    path = Path(path).expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PaymentsConfigError(
            f"Cannot read the payments settings {path}: {exc.strerror}."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PaymentsConfigError(
            f"The payments settings {path} are not valid TOML: {exc}."
        ) from None
    wechat = alipay = None
    if "wechat" in data:
        section = _section(data, "wechat", path)
        files = _read_files(section, WECHAT_FILES, path, "wechat")
        wechat = WeChatSettings(
            base_url=str(section.get("base_url", WECHAT_URL)).rstrip("/"),
            sp_mchid=_required(section, "sp_mchid", path, "wechat"),
            sp_appid=_required(section, "sp_appid", path, "wechat"),
            merchant_serial_no=_required(section, "merchant_serial_no", path, "wechat"),
            merchant_private_key=files["merchant_private_key_file"],
            apiv3_key=files["apiv3_key_file"].strip(),
            platform_public_key=files["platform_public_key_file"],
            platform_public_key_id=_required(section, "platform_public_key_id", path, "wechat"),
        )
    if "alipay" in data:
        section = _section(data, "alipay", path)
        files = _read_files(section, ALIPAY_FILES, path, "alipay")
        alipay = AlipaySettings(
            base_url=str(section.get("base_url", ALIPAY_URL)),
            app_id=_required(section, "app_id", path, "alipay"),
            app_private_key=files["app_private_key_file"],
            alipay_public_key=files["alipay_public_key_file"],
        )
    if wechat is None and alipay is None:
        raise PaymentsConfigError(
            f"The payments settings {path} have neither a [wechat] nor an [alipay] section."
        )
    return PaymentsConfig(wechat, alipay)


def _section(data: dict, name: str, path: Path) -> dict:
    if not isinstance(data[name], dict):
        raise PaymentsConfigError(f"[{name}] in {path} must be a table.")
    return data[name]


def _required(section: dict, key: str, path: Path, name: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PaymentsConfigError(f"[{name}] {key} is missing in {path}.")
    return value.strip()


def _read_files(section: dict, keys: dict[str, bool], path: Path, name: str) -> dict[str, str]:
    texts = {}
    for key, secret in keys.items():
        file = Path(_required(section, key, path, name)).expanduser()
        if not file.is_absolute():
            file = path.parent / file
        if secret:
            check_private(file, f"[{name}] {key}")
        try:
            texts[key] = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise PaymentsConfigError(
                f"Cannot read {file} ([{name}] {key}): {exc.strerror}."
            ) from None
    return texts


def check_private(file: Path, what: str) -> None:
    """Refuse a secret file others can read or that another user owns."""
    try:
        info = file.stat()
    except OSError as exc:
        raise PaymentsConfigError(f"Cannot read {file} ({what}): {exc.strerror}.") from None
    if info.st_uid != os.geteuid():
        raise PaymentsConfigError(
            f"{file} ({what}) belongs to another user: it must be owned by the user the "
            f"server runs as (chown it, then chmod 600 {file})."
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise PaymentsConfigError(
            f"{file} ({what}) can be read by others (mode {stat.S_IMODE(info.st_mode):o}): "
            f"run chmod 600 {file}; the server does not start with a merchant key others can read."
        )
