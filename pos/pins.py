"""Cashier and manager PINs: salted scrypt hashes and the lockout after wrong guesses."""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime, timedelta

# scrypt cost: about 40 ms and 16 MiB per check on a kiosk PC, cheap for a login,
# expensive for someone trying all 10,000 four-digit PINs against a stolen database.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_DIGITS, MAX_DIGITS = 4, 8


def check_pin_format(pin: str) -> None:
    """Raise ValueError unless the PIN is 4 to 8 digits."""
    if not (pin.isdigit() and pin.isascii() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise ValueError(f"A PIN is {MIN_DIGITS} to {MAX_DIGITS} digits.")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Return 'scrypt$N$r$p$salt$hash' for storing; the PIN itself is never stored."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Compare a typed PIN with a stored hash in constant time."""
    scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(digest.hex(), digest_hex)


def lockout_until(
    failures: int, now: datetime, free_attempts: int, base_seconds: int
) -> datetime | None:
    """After ``free_attempts`` wrong PINs, lock for base_seconds, doubling each time, up to 1 h."""
    if failures < free_attempts:
        return None
    doublings = min(failures - free_attempts, 6)
    seconds = min(base_seconds * 2**doublings, 3600)
    return now + timedelta(seconds=seconds)
