"""Enrolment cannot take over a terminal: a plain code enrols a new terminal only, a
replacement code (enroll-code --replaces) re-enrols the one terminal it names, a revoked
terminal stays revoked, and the enrolment log says who did each step. Over real HTTP, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import requests
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import sync.client
from pos.cart import Cart, Payment
from sync.server import journal_store, registry
from sync.server.cli import cli_actor
from sync.server.cli import main as server_main
from sync.server.tables import enrol_codes, enrolment_log, terminals
from tests.support.live import bearer

BOOTH = "B1"


def _code(server, booth: str = BOOTH, replaces: str | None = None, by: str = "admin:hq") -> str:
    with server.engine.begin() as conn:
        return registry.add_enrol_code(conn, booth, 1, replaces=replaces, by=by)


def _sell(terminal, count: int = 1) -> None:
    cashier = terminal.authenticate("李娜", "2468")
    for _ in range(count):
        cart = Cart()
        terminal.add_to_cart(cart, "6970006000011")
        terminal.checkout(cart, [Payment("cash", 8800)], cashier)


def _sync(terminal) -> None:
    result = sync.client.SyncClient(terminal).round()
    assert result.online and result.error is None and result.unsynced == 0, result


def _token(terminal) -> str:
    return (terminal.home / sync.client.TOKEN_FILE).read_text(encoding="utf-8")


def _hq_journal(server, terminal_id: str = "T1") -> list[str]:
    with server.engine.connect() as conn:
        return [line for _, line in journal_store.walk(conn, terminal_id)]


def _enrolled_and_synced(server, terminal) -> str:
    """The real T1 at booth B1: enrolled with a plain code, two sales pushed to HQ."""
    with server.engine.begin() as conn:
        registry.add_booth(conn, BOOTH, "奉节县扶贫专柜")
    sync.client.enroll(terminal, server.url, _code(server))
    _sell(terminal, 2)
    _sync(terminal)
    return _token(terminal)


def _post_enroll(server, code: str, terminal_id: str) -> requests.Response:
    return requests.post(
        server.api("/enroll"), json={"code": code, "terminal": terminal_id}, timeout=10
    )


def _head(server, token: str) -> int:
    return requests.get(server.api("/journal/head"), headers=bearer(token), timeout=10).status_code


def _log(server) -> list[dict]:
    with server.engine.connect() as conn:
        return registry.enrolment_log_rows(conn)


def _still_the_real_terminal(server, terminal, token: str, before: list[str]) -> None:
    """The real terminal's token works, what it pushed is unchanged, and it keeps syncing."""
    assert _head(server, token) == 200
    assert _hq_journal(server) == before
    _sell(terminal)
    _sync(terminal)
    after = _hq_journal(server)
    assert after[: len(before)] == before and len(after) > len(before)


def test_a_plain_code_cannot_take_over_an_enrolled_terminal(server, terminal):
    assert terminal.terminal_id == "T1"
    token = _enrolled_and_synced(server, terminal)
    before = _hq_journal(server)
    code = _code(server)  # an unspent code for the booth, in the wrong hands
    response = _post_enroll(server, code, "T1")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Terminal T1 is already enrolled at booth B1: ask HQ for a replacement code "
        "(enroll-code B1 --replaces T1)."
    }
    assert "token" not in response.text
    _still_the_real_terminal(server, terminal, token, before)
    with server.engine.connect() as conn:  # the refusal did not spend the code
        used_by = conn.execute(select(enrol_codes.c.used_by)).scalars().all()
    assert sorted(who or "" for who in used_by) == ["", "T1"]
    refused = [line for line in _log(server) if line["action"] == "enrol_refused"]
    assert len(refused) == 1 and refused[0]["terminal_id"] == "T1"
    assert "admin:hq" in refused[0]["actor"] and "already enrolled" in refused[0]["detail"]


def test_a_replacement_code_enrols_only_the_terminal_it_names(server, terminal):
    token = _enrolled_and_synced(server, terminal)
    before = _hq_journal(server)
    code = _code(server, replaces="T1")
    response = _post_enroll(server, code, "T2")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This code replaces terminal T1 only, not T2: enrol as T1, or ask HQ for a code for "
        "a new terminal (enroll-code B1)."
    )
    _still_the_real_terminal(server, terminal, token, before)
    with server.engine.connect() as conn:
        assert conn.execute(select(terminals.c.id)).scalars().all() == ["T1"]


def test_a_replacement_code_for_another_booths_terminal_cannot_be_issued(
    server, terminal, db_url, capsys
):
    _enrolled_and_synced(server, terminal)
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B2", "别的专柜")
    capsys.readouterr()
    assert server_main(["--db", db_url, "enroll-code", "B2", "--replaces", "T1"]) == 1
    err = capsys.readouterr().err
    assert "Terminal T1 is enrolled at booth B1, not B2" in err
    assert "enroll-code B1 --replaces T1" in err
    assert server_main(["--db", db_url, "enroll-code", "B1", "--replaces", "T7"]) == 1
    assert "There is no terminal T7 to replace" in capsys.readouterr().err


def test_a_replacement_pc_continues_the_journal_and_the_old_token_stops(
    server, terminal, db_url, capsys
):
    old_token = _enrolled_and_synced(server, terminal)
    before = _hq_journal(server)
    capsys.readouterr()
    argv = ["--db", db_url, "enroll-code", BOOTH, "--replaces", "T1", "--json"]
    assert server_main(argv) == 0
    issued = json.loads(capsys.readouterr().out)
    assert issued["replaces"] == "T1" and issued["booth"] == BOOTH
    # The replacement PC holds the terminal's data directory (restored from its backup).
    sync.client.enroll(terminal, server.url, issued["code"])
    new_token = _token(terminal)
    assert new_token != old_token
    assert _head(server, old_token) == 401
    assert _head(server, new_token) == 200
    _sell(terminal, 2)
    _sync(terminal)
    after = _hq_journal(server)
    assert after[: len(before)] == before and len(after) == len(before) + 2
    # The code is spent: it cannot replace the terminal a second time.
    response = _post_enroll(server, issued["code"], "T1")
    assert response.status_code == 401 and "already used" in response.json()["detail"]
    replaced = [line for line in _log(server) if line["action"] == "replaced"]
    assert len(replaced) == 1 and replaced[0]["actor"] == cli_actor()
    assert replaced[0]["terminal_id"] == "T1" and "journal kept" in replaced[0]["detail"]


def test_a_revoked_terminal_stays_revoked(server, terminal, db_url, capsys):
    token = _enrolled_and_synced(server, terminal)
    before = _hq_journal(server)
    code = _code(server)  # issued before the revocation
    replacement = _code(server, replaces="T1")  # likewise
    capsys.readouterr()
    assert server_main(["--db", db_url, "terminal", "revoke", "T1"]) == 0
    assert "no code enrols it again" in capsys.readouterr().out
    assert _head(server, token) == 401
    for attempt in (code, replacement, _code(server)):
        response = _post_enroll(server, attempt, "T1")
        assert response.status_code == 409, response.text
        assert "T1 at booth B1 was revoked at" in response.json()["detail"]
        assert "stays revoked" in response.json()["detail"]
    assert server_main(["--db", db_url, "enroll-code", BOOTH, "--replaces", "T1"]) == 1
    assert "stays revoked" in capsys.readouterr().err
    assert server_main(["--db", db_url, "terminal", "revoke", "T1"]) == 1
    assert "already revoked" in capsys.readouterr().err
    with server.engine.connect() as conn:
        assert conn.execute(select(terminals.c.revoked_at)).scalar_one() is not None
    assert _hq_journal(server) == before
    assert _head(server, token) == 401


def test_the_log_lists_each_step_with_who(server, terminal, db_url, capsys, admin_token):
    me = cli_actor()
    token = _enrolled_and_synced(server, terminal)  # a code from admin:hq
    _post_enroll(server, _code(server, by="admin:liming"), "T1")  # refused
    capsys.readouterr()
    assert server_main(["--db", db_url, "enroll-code", BOOTH, "--replaces", "T1", "--json"]) == 0
    code = json.loads(capsys.readouterr().out)["code"]
    sync.client.enroll(terminal, server.url, code)
    assert server_main(["--db", db_url, "terminal", "revoke", "T1"]) == 0
    assert server_main(["--db", db_url, "admin", "add", "wangfang"]) == 0
    assert server_main(["--db", db_url, "admin", "revoke", "wangfang"]) == 0
    capsys.readouterr()
    assert server_main(["--db", db_url, "audit", "--enrolment", "--json"]) == 0
    lines = json.loads(capsys.readouterr().out)
    steps = [(line["action"], line["actor"], line["terminal_id"]) for line in lines]
    assert steps == [
        ("admin_added", "unknown", None),  # the admin_token fixture: no CLI, no admin
        ("code_issued", "admin:hq", None),
        ("enrolled", "admin:hq", "T1"),
        ("code_issued", "admin:liming", None),
        ("enrol_refused", "code of admin:liming", "T1"),
        ("code_issued", me, "T1"),
        ("replaced", me, "T1"),
        ("terminal_revoked", me, "T1"),
        ("admin_added", me, None),
        ("admin_revoked", me, None),
    ]
    assert all(line["at"].endswith("Z") for line in lines)
    assert "wangfang" in lines[-1]["detail"]
    # The same log over HTTP, for HQ only.
    route = server.api("/enrolment-log")
    response = requests.get(route, headers=bearer(admin_token), timeout=10)
    assert response.status_code == 200 and response.json() == lines
    assert requests.get(route, timeout=10).status_code == 401
    assert requests.get(route, headers=bearer(token), timeout=10).status_code == 403
    # The text form, one line a step.
    assert server_main(["--db", db_url, "audit", "--enrolment", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "admin_revoked" in out[1] and me in out[1]


def test_a_revoked_admin_token_stops_working(server, db_url, admin_token, capsys):
    route = server.api("/enrolment-log")
    assert requests.get(route, headers=bearer(admin_token), timeout=10).status_code == 200
    assert server_main(["--db", db_url, "admin", "revoke", "hq"]) == 0
    assert requests.get(route, headers=bearer(admin_token), timeout=10).status_code == 401
    assert server_main(["--db", db_url, "admin", "revoke", "nobody"]) == 1
    assert "There is no admin nobody" in capsys.readouterr().err


@pytest.mark.parametrize(
    "statement", ["UPDATE enrolment_log SET actor = 'x'", "DELETE FROM enrolment_log"]
)
def test_the_log_is_append_only(server, statement):
    with server.engine.begin() as conn:
        registry.add_booth(conn, BOOTH, "奉节县扶贫专柜")
    _code(server)
    with pytest.raises(DBAPIError, match="append-only"), server.engine.begin() as conn:
        conn.execute(text(statement))
    with server.engine.connect() as conn:
        assert conn.execute(select(enrolment_log.c.actor)).scalars().all() == ["admin:hq"]
