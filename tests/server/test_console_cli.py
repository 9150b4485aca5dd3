"""booth-pos-server user add|list|disable: passwords never on the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from sync.server.cli import main
from sync.server.console import passwords
from sync.server.db import reading
from sync.server.tables import hq_users


def _run(capsys, db_url, *args, stdin_tty=False, monkeypatch=None):
    capsys.readouterr()
    code = main(["--db", db_url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _users(engine) -> dict:
    with reading(engine) as conn:
        return {row.name: row for row in conn.execute(select(hq_users))}


def test_user_add_reads_the_password_from_a_file_and_stores_only_its_hash(
    capsys, db_url, engine, tmp_path
):
    secret = tmp_path / "pw"
    secret.write_text("liqiang-first-pw\n", encoding="utf-8")
    code, out, err = _run(
        capsys, db_url, "user", "add", "liqiang", "--role", "admin", "--password-file", str(secret)
    )
    assert code == 0, err
    assert "Added console user liqiang (admin)" in out
    row = _users(engine)["liqiang"]
    assert row.role == "admin" and "liqiang-first-pw" not in row.password_hash
    assert passwords.password_matches("liqiang-first-pw", row.password_hash)
    code, out, _ = _run(capsys, db_url, "user", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(u["name"], u["role"], u["disabled_at"]) for u in listed] == [
        ("liqiang", "admin", None)
    ]


def test_user_add_refuses_a_password_on_the_command_line_and_a_weak_one(
    capsys, db_url, engine, tmp_path
):
    code, _, err = _run(
        capsys, db_url, "user", "add", "wf", "--role", "viewer", "--password", "x" * 12
    )
    assert code == 1 and "--password is refused" in err and err.count("\n") == 1
    weak = tmp_path / "pw"
    weak.write_text("short\n", encoding="utf-8")
    code, _, err = _run(
        capsys, db_url, "user", "add", "wf", "--role", "viewer", "--password-file", str(weak)
    )
    assert code == 1 and "at least 10 characters" in err and "Nothing was changed" in err
    code, _, err = _run(capsys, db_url, "user", "add", "wf", "--role", "viewer")  # no tty here
    assert code == 1 and "nobody to type it" in err
    code, _, err = _run(
        capsys,
        db_url,
        "user",
        "add",
        "wf",
        "--role",
        "viewer",
        "--password-file",
        str(tmp_path / "none"),
    )
    assert code == 1 and "Cannot read the password file" in err
    assert _users(engine) == {}


def test_user_add_refuses_a_name_taken_and_a_bad_role(capsys, db_url, engine, monkeypatch):
    monkeypatch.setenv("BOOTH_POS_SERVER_PASSWORD", "wangfang-first-pw")
    assert _run(capsys, db_url, "user", "add", "wangfang", "--role", "viewer")[0] == 0
    code, _, err = _run(capsys, db_url, "user", "add", "wangfang", "--role", "admin")
    assert code == 1 and "already a user wangfang" in err
    assert _users(engine)["wangfang"].role == "viewer"
    with pytest.raises(SystemExit):
        main(["--db", db_url, "user", "add", "x1", "--role", "boss"])


def test_user_disable_refuses_sign_in_from_then_on(capsys, db_url, engine, monkeypatch):
    monkeypatch.setenv("BOOTH_POS_SERVER_PASSWORD", "wangfang-first-pw")
    assert _run(capsys, db_url, "user", "add", "wangfang", "--role", "viewer")[0] == 0
    code, out, _ = _run(capsys, db_url, "user", "disable", "wangfang")
    assert code == 0 and "Disabled console user wangfang" in out
    assert _users(engine)["wangfang"].disabled_at is not None
    code, out, _ = _run(capsys, db_url, "user", "list")
    assert "disabled" in out
    code, _, err = _run(capsys, db_url, "user", "disable", "nobody")
    assert code == 1 and "There is no user nobody." in err
