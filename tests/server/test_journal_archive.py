"""A closed month of HQ's journal archived, checked by the auditor, dropped from the live
database and restored; the journal feed and the reports across it; the monthly partitions."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select, text

from pos.cart import Cart, Payment
from sync.protocol import journal
from sync.server import journal_store
from sync.server.cli import cli_actor
from sync.server.cli import main as server_main
from sync.server.tables import audit_log, journal_archives, sales
from sync.server.tables import journal as journal_table
from tests.support import OIL, RICE
from tests.support.live import bearer, enrol

AGED = 6  # entries T1 seq 1..6 count as received last month


def _last_month() -> tuple[str, date]:
    first = datetime.now(UTC).date().replace(day=1)
    day = first - timedelta(days=3)
    return journal_store.month_of(day), day


@pytest.fixture
def entries(terminal):
    """A real terminal's journal: the shift opened, a delivery, eight sales, an adjustment."""
    cashier = terminal.authenticate("李娜", "2468")
    terminal.receive_stock(OIL, 24, "HQ delivery")
    for n in range(8):
        cart = Cart()
        terminal.add_to_cart(cart, OIL, 1 + n % 3)
        if n % 2:
            terminal.add_to_cart(cart, RICE)
        terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
    terminal.adjust_stock(OIL, -1, "bottle broken")
    return [json.loads(line) for line in terminal.export_journal()]


def _push(server, token, batch):
    response = requests.post(
        server.api("/journal"), json={"entries": batch}, headers=bearer(token), timeout=30
    )
    assert response.status_code == 200, response.text


def _feed(server, token, after: int = 0) -> requests.Response:
    return requests.get(
        server.api("/journal/entries"),
        params={"after": after, "limit": 500},
        headers=bearer(token),
        timeout=30,
    )


def _reports(server) -> list:
    with server.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(sales).order_by(sales.c.seq)).all()]


def _age(server, day: date) -> None:
    """The first entries as if HQ had received them on ``day`` (last month)."""
    with server.engine.begin() as conn:
        conn.execute(
            text("UPDATE journal SET received_on = :day WHERE seq <= :n"), {"day": day, "n": AGED}
        )


def _auditor(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sync.protocol", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_closed_month_is_archived_verified_dropped_and_restored(
    server, entries, db_url, tmp_path, capsys
):
    token = enrol(server, "B1", "T1")
    _push(server, token, entries)
    month, day = _last_month()
    _age(server, day)  # on PostgreSQL the DEFAULT partition holds them: no partition yet
    with server.engine.begin() as conn:
        made = journal_store.create_partition(conn, month)  # moves them into their month
        assert made == (conn.dialect.name == "postgresql")
    before_feed = _feed(server, token).content
    before_reports = _reports(server)
    out = tmp_path / "archive"

    # This month is refused: it is still being written.
    current = journal_store.month_of(datetime.now(UTC).date())
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "archive", "--month", current, "--out", str(out)]) == 1  # fmt: skip
    assert "not closed yet" in capsys.readouterr().err and not out.exists()

    assert server_main(["--db", db_url, "journal", "archive", "--month", month, "--out", str(out), "--json"]) == 0  # fmt: skip
    done = json.loads(capsys.readouterr().out)
    path = out / f"journal-{month}.jsonl.gz"
    assert done["entries"] == AGED and done["file"] == str(path)
    assert path.stat().st_mode & 0o777 == 0o600
    manifest = json.loads((out / f"journal-{month}.manifest.json").read_text("utf-8"))
    assert manifest["entries"] == AGED and manifest["pieces"]["T1"]["before"] == {
        "seq": 0, "hash": journal.GENESIS, "grand_total_fen": 0,
    }  # fmt: skip
    assert manifest["pieces"]["T1"]["end"]["hash"] == entries[AGED - 1]["hash"]
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    assert lines[1:] == [journal.canonical(e) for e in entries[:AGED]]  # byte for byte

    # The auditor's verifier checks it; one byte changed inside, and it names the entry.
    ok = _auditor(path)
    assert ok.returncode == 0 and f"1 terminals, {AGED} entries" in ok.stdout, ok.stdout
    tampered = tmp_path / "tampered" / path.name
    tampered.parent.mkdir()
    sale = next(i for i, e in enumerate(entries[:AGED]) if e["type"] == "sale")
    text_of = "\n".join(lines) + "\n"
    target = lines[sale + 1]
    changed = target.replace('"cashier":"李娜"', '"cashier":"李哪"', 1)
    assert changed != target and len(changed.encode()) == len(target.encode())
    tampered.write_bytes(gzip.compress(text_of.replace(target, changed).encode("utf-8")))
    broken = _auditor(tampered)
    assert broken.returncode == 1
    assert f"BROKEN at T1 seq {entries[sale]['seq']}: hash mismatch" in broken.stdout
    # A tampered copy beside the manifest is caught by the SHA-256, and is never dropped on.
    (tmp_path / "tampered" / f"journal-{month}.manifest.json").write_text(json.dumps(manifest))
    assert "SHA-256" in _auditor(tampered).stdout
    assert server_main(["--db", db_url, "journal", "drop-month", "--month", month, "--archive", str(tampered)]) == 1  # fmt: skip
    assert "SHA-256 differs" in capsys.readouterr().err
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(journal_table)).scalar_one() == 11

    # Dropped: the lines leave, the reports stay, the server's verify passes over the month.
    assert server_main(["--db", db_url, "journal", "drop-month", "--month", month, "--archive", str(path)]) == 0  # fmt: skip
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(journal_table)).scalar_one() == 11 - AGED  # fmt: skip
        actions = conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
        assert conn.execute(select(journal_archives.c.dropped_at)).scalar_one() is not None
    assert actions[-2:] == ["journal_archived", "journal_month_dropped"]
    assert _reports(server) == before_reports
    with server.engine.connect() as conn:
        assert month not in journal_store.partitions(conn)  # PostgreSQL: detached and dropped
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "verify"]) == 0
    assert "T1: OK, 11 entries" in capsys.readouterr().out

    # The feed answers the rest exactly, and says clearly what it no longer holds.
    rest = _feed(server, token, after=AGED)
    assert rest.status_code == 200
    assert rest.json()["entries"] == entries[AGED:]
    gone = _feed(server, token, after=0)
    assert gone.status_code == 410 and month in gone.json()["detail"]

    # Restored (twice: the second finds everything held): the feed is byte for byte as before.
    assert server_main(["--db", db_url, "journal", "restore", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["restored"] == AGED
    assert server_main(["--db", db_url, "journal", "restore", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "month": month, "file": str(path), "restored": 0, "already_held": AGED,
    }  # fmt: skip
    assert _feed(server, token).content == before_feed
    assert _reports(server) == before_reports
    with server.engine.connect() as conn:
        audited = conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.target_id)
            .where(audit_log.c.target_kind == "journal_month")
            .order_by(audit_log.c.id)
        ).all()
    me = cli_actor()
    assert [tuple(r) for r in audited] == [
        (me, "journal_archived", month), (me, "journal_month_dropped", month),
        (me, "journal_month_restored", month),
    ]  # fmt: skip
    with server.engine.connect() as conn:
        assert (month in journal_store.partitions(conn)) == (conn.dialect.name == "postgresql")
    assert server_main(["--db", db_url, "journal", "verify"]) == 0


def test_a_file_that_does_not_verify_is_never_restored(server, entries, db_url, tmp_path, capsys):
    token = enrol(server, "B1", "T1")
    _push(server, token, entries)
    month, day = _last_month()
    _age(server, day)
    out = tmp_path / "archive"
    assert server_main(["--db", db_url, "journal", "archive", "--month", month, "--out", str(out), "--detach"]) == 0  # fmt: skip
    path = out / f"journal-{month}.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    del lines[3]  # an entry missing from the middle
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "does not verify at T1 seq" in err and "Nothing was changed" in err
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(journal_table)).scalar_one() == 11 - AGED  # fmt: skip
    assert _feed(server, token).status_code == 410


def test_a_month_holding_a_quarantined_entry_is_not_dropped(server, entries, db_url, tmp_path, capsys):  # fmt: skip
    from sync.server.tables import quarantine

    token = enrol(server, "B1", "T1")
    _push(server, token, entries)
    month, day = _last_month()
    with server.engine.begin() as conn:
        conn.execute(text("UPDATE journal SET received_on = :day WHERE seq <= :n"), {"day": day, "n": AGED})  # fmt: skip
        conn.execute(
            quarantine.insert().values(
                terminal_id="T1", seq=2, booth_id="B1", type="stock_receive", rule="test",
                reason="held for the test", at=entries[1]["at"], amount_fen=0,
                quarantined_at=journal.utc_timestamp(datetime.now(UTC)), received_on=day,
            )
        )  # fmt: skip
    out = tmp_path / "archive"
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "archive", "--month", month, "--out", str(out), "--detach"]) == 1  # fmt: skip
    assert "quarantined entries (T1 seq 2" in capsys.readouterr().err
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(journal_table)).scalar_one() == 11


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_push_into_a_month_without_its_partition_is_kept_and_moved_in_later(
    server, entries, db_url, capsys
):
    """The month boundary: this month's partition missing (not made ahead), the DEFAULT one
    takes the push; making the partition moves the rows in, and nothing is lost."""
    month = journal_store.month_of(datetime.now(UTC).date())
    with server.engine.begin() as conn:
        journal_store.drop_partition(conn, month)
        assert month not in journal_store.partitions(conn)
    token = enrol(server, "B1", "T1")
    _push(server, token, entries[:5])
    with server.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM journal_default")).scalar_one() == 5
    capsys.readouterr()
    assert server_main(["--db", db_url, "journal", "partitions", "--json"]) == 0
    assert month in json.loads(capsys.readouterr().out)["made"]
    _push(server, token, entries[5:])
    with server.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM journal_default")).scalar_one() == 0
        name = journal_store.partition_name(month)
        assert conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() == 11
    assert _feed(server, token).json()["entries"] == entries
    assert server_main(["--db", db_url, "journal", "verify"]) == 0


def test_stored_lines_come_back_byte_for_byte_and_smaller(entries):
    for entry in entries:
        line = journal.canonical(entry)
        stored = journal_store.encode(line, entry["hash"])
        assert journal_store.decode(stored, bytes.fromhex(entry["hash"])) == line
        assert len(stored) < len(line.encode("utf-8")) * 0.6
    odd = '{"a":"\\"hash\\":\\"x"}'  # no hash value to leave out: kept as it is
    assert journal_store.decode(journal_store.encode(odd, "0" * 64), b"\0" * 32) == odd
