"""Cashiers and managers in the local database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    name: str
    role: str
    pin_hash: str
    failed_attempts: int
    locked_until: str | None

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def get(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute(
        "SELECT name, role, pin_hash, failed_attempts, locked_until FROM users WHERE name = ?",
        (name,),
    ).fetchone()
    return User(*row) if row else None


def all_users(conn: sqlite3.Connection) -> list[User]:
    rows = conn.execute(
        "SELECT name, role, pin_hash, failed_attempts, locked_until FROM users ORDER BY name"
    )
    return [User(*row) for row in rows]


def insert(conn: sqlite3.Connection, name: str, role: str, pin_hash: str, created_at: str) -> None:
    conn.execute(
        "INSERT INTO users (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
        (name, role, pin_hash, created_at),
    )


def record_attempt(
    conn: sqlite3.Connection, name: str, failed_attempts: int, locked_until: str | None
) -> None:
    conn.execute(
        "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE name = ?",
        (failed_attempts, locked_until, name),
    )
