"""Tokens and one-time enrolment codes: random, shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets

from sync import protocol

# No 0/O, 1/I/L: an enrolment code is read aloud over the phone and typed at a kiosk.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LEN = 3, 4


def hash_secret(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def new_terminal_token() -> str:
    return protocol.TERMINAL_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_admin_token() -> str:
    return protocol.ADMIN_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_enrol_code() -> str:
    """A one-time code like 7KQ4-M9XP-2HTD (about 59 bits)."""
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LEN))
        for _ in range(CODE_GROUPS)
    ]
    return "-".join(groups)


def normalize_code(code: str) -> str:
    """Codes compare without dashes, spaces or case: '7kq4 m9xp 2htd' is '7KQ4-M9XP-2HTD'."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    parts = [letters[i : i + CODE_GROUP_LEN] for i in range(0, len(letters), CODE_GROUP_LEN)]
    return "-".join(parts)


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
