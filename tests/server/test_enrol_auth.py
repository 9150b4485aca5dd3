"""Enrolment (single use, expiry) and the authorisation matrix, over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import requests

from sync.server import clock, registry
from sync.server.tables import enrol_codes, terminals
from tests.support.live import bearer, enrol


def test_enrolment_returns_a_token_stored_only_as_a_hash(server):
    with server.engine.begin() as conn:
        registry.add_booth(conn, "CQ-FJ-001", "奉节县扶贫专柜")
        code = registry.add_enrol_code(conn, "CQ-FJ-001", 1)
    typed = code.lower().replace("-", " ")  # read over the phone, typed at a kiosk
    response = requests.post(
        server.api("/enroll"), json={"code": typed, "terminal": "CQ-FJ-001-T1"}, timeout=10
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["booth"] == {"id": "CQ-FJ-001", "name": "奉节县扶贫专柜"}
    assert body["terminal"] == "CQ-FJ-001-T1"
    token = body["token"]
    assert token.startswith("bpt_") and len(token) >= 4 + 43
    with server.engine.connect() as conn:
        stored = conn.execute(terminals.select()).mappings().one()
        codes = conn.execute(enrol_codes.select()).mappings().all()
    assert token not in str(dict(stored)) and stored["token_hash"] != token
    assert code not in str([dict(c) for c in codes])


def test_a_code_works_once(server):
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "专柜")
        code = registry.add_enrol_code(conn, "B1", 1)
    first = requests.post(server.api("/enroll"), json={"code": code, "terminal": "T1"}, timeout=10)
    again = requests.post(server.api("/enroll"), json={"code": code, "terminal": "T2"}, timeout=10)
    assert first.status_code == 200
    assert again.status_code == 401 and "already used" in again.json()["detail"]


def test_an_expired_code_is_refused(server):
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "专柜")
        code = registry.add_enrol_code(conn, "B1", 1, now=clock.now() - timedelta(hours=2))
    response = requests.post(
        server.api("/enroll"), json={"code": code, "terminal": "T1"}, timeout=10
    )
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_unknown_code_and_bad_terminal_id_are_refused(server):
    response = requests.post(
        server.api("/enroll"), json={"code": "AAAA-BBBB-CCCC", "terminal": "T1"}, timeout=10
    )
    assert response.status_code == 401 and "not known" in response.json()["detail"]
    response = requests.post(
        server.api("/enroll"), json={"code": "x", "terminal": "bad id!"}, timeout=10
    )
    assert response.status_code == 422 and "terminal id" in response.json()["detail"]


def test_a_terminal_id_cannot_move_to_another_booth(server):
    enrol(server, "B1", "T1")
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B2", "别的专柜")
        code = registry.add_enrol_code(conn, "B2", 1)
    response = requests.post(
        server.api("/enroll"), json={"code": code, "terminal": "T1"}, timeout=10
    )
    assert response.status_code == 409 and "another booth" in response.json()["detail"]


def test_a_replacement_code_replaces_the_terminals_token(server):
    old = enrol(server, "B1", "T1")
    new = enrol(server, "B1", "T1", replaces="T1")
    assert (
        requests.get(server.api("/journal/head"), headers=bearer(old), timeout=10).status_code
        == 401
    )
    assert (
        requests.get(server.api("/journal/head"), headers=bearer(new), timeout=10).status_code
        == 200
    )


def test_authorisation_matrix(server, admin_token):
    token = enrol(server, "B1", "T1")
    head = server.api("/journal/head")
    assert requests.get(head, timeout=10).status_code == 401
    assert requests.get(head, headers=bearer("bpt_wrong"), timeout=10).status_code == 401
    assert requests.get(head, headers={"Authorization": "Basic abc"}, timeout=10).status_code == 401
    missing = requests.get(head, timeout=10)
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert requests.get(head, headers=bearer(token), timeout=10).status_code == 200
    # an admin token is not a terminal token
    assert requests.get(head, headers=bearer(admin_token), timeout=10).status_code == 401
    with server.engine.begin() as conn:
        registry.revoke_terminal(conn, "T1")
    revoked = requests.get(head, headers=bearer(token), timeout=10)
    assert revoked.status_code == 401


def test_a_terminal_pushing_another_terminals_journal_gets_403(server, terminal):
    from pos.cart import Cart, Payment

    token = enrol(server, "B1", "T9")  # the journal below belongs to terminal T1
    cart = Cart()
    terminal.add_to_cart(cart, "6970006000011")
    terminal.checkout(cart, [Payment("cash", 8800)], terminal.authenticate("李娜", "2468"))
    import json

    entries = [json.loads(line) for line in terminal.export_journal()]
    response = requests.post(
        server.api("/journal"), json={"entries": entries}, headers=bearer(token), timeout=10
    )
    assert response.status_code == 403 and "only its own journal" in response.json()["detail"]
