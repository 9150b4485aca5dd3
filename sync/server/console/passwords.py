"""Console passwords: salted scrypt hashes (memory-hard, standard library), checked in
constant time, and the rules a new password must meet."""

from __future__ import annotations

import hashlib
import hmac
import os

from sync.server.console.i18n import N_

# About 16 MiB and 40-60 ms per check: nothing for a person signing in, a great deal for
# someone trying a dictionary against a stolen database.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_LENGTH = 10
MAX_LENGTH = 256  # scrypt takes any length; a cap stops a megabyte "password" costing CPU


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' (hex) for storing; the password itself is never stored."""
    salt = salt if salt is not None else os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time compare)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt" or len(password) > MAX_LENGTH:
            return False
        digest = _scrypt(password, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def dummy_check(password: str) -> None:
    """Spend what a real check costs, so an unknown name answers as slowly as a known one."""
    _scrypt(password[:MAX_LENGTH], b"\0" * 16, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def weakness(password: str, name: str = "") -> str | None:
    """Why ``password`` cannot be used (an English sentence, translated by the caller), else None."""
    if len(password) < MIN_LENGTH:
        return N_("A password needs at least 10 characters.")
    if len(password) > MAX_LENGTH:
        return N_("A password has at most 256 characters.")
    if name and password.casefold() == name.casefold():
        return N_("A password cannot be the user name.")
    if len(set(password)) < 4:
        return N_("A password needs more than three different characters.")
    return None
