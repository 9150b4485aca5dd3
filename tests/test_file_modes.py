"""Sales, PIN hashes and tokens are readable by their owner only, whatever the umask: the
terminal's data directory and the server's 0700, database files 0600. Each case runs in a
subprocess started with umask 022 (the usual default, which made them 0644 before), and an
install made before this rule is tightened at its next start."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils

from pos.store.db import DB_NAME
from pos.store.schema import migrations
from sync.server import registry

ROOT = Path(__file__).resolve().parent.parent


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run_loose(code: str, *args: str, env: dict | None = None) -> dict:
    """Run python ``code`` under umask 022; it prints a JSON object of what it saw."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


MODES_WHILE_OPEN = """
    import json, os, stat, sys
    from pathlib import Path
    from pos.terminal import Terminal
    from sync.client import enroll
    home = Path(sys.argv[1])
    term, _ = Terminal.init(home, "T1", "奉节县扶贫专柜")
    term.import_catalog(Path("assets/demo/catalog.csv").read_bytes())
    term.add_user("王强", "manager", "1357")
    if len(sys.argv) > 2:
        enroll(term, sys.argv[2], sys.argv[3])
    term.receive_stock("6970006000011", 24, "HQ delivery")  # a journal entry: the WAL holds it
    seen = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [home, *home.iterdir()]}
    seen["umask"] = oct(os.umask(0o022))
    term.close()
    print(json.dumps(seen))
"""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the server only enrols it
def test_a_new_terminal_keeps_its_database_wal_and_token_to_itself(tmp_path, server):
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
        code = registry.add_enrol_code(conn, "B1", 1, by="admin:test")
    home = tmp_path / "booth"
    seen = _run_loose(MODES_WHILE_OPEN, str(home), server.url, code)
    assert seen["umask"] == "0o22"
    assert seen["booth"] == "0o700"
    for name in ("booth.db", "booth.db-wal", "booth.db-shm", "sync.token"):
        assert seen[name] == "0o600", (name, seen)
    assert seen["booth.toml"] == "0o644"  # settings, no secrets: IT may read it


def test_an_install_made_under_a_loose_umask_is_tightened_at_its_next_start(tmp_path):
    home = tmp_path / "booth"
    _run_loose(MODES_WHILE_OPEN, str(home))
    (home / "sync.token").write_text("bpt_old", encoding="utf-8")
    backups = home / "backups"
    backups.mkdir()
    (backups / "booth-m004-to-m008-20261101T000000Z.db").write_bytes(b"")
    for path in [home, backups]:
        path.chmod(0o755)
    for path in [home / DB_NAME, home / "sync.token", *backups.iterdir()]:
        path.chmod(0o644)

    done = subprocess.run(
        [sys.executable, "-m", "pos.cli", "--home", str(home), "journal", "verify"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 0, done.stderr
    assert _mode(home) == 0o700 and _mode(backups) == 0o700
    for path in [home / DB_NAME, home / "sync.token", *backups.iterdir()]:
        assert _mode(path) == 0o600, path
    assert "OK" in done.stdout or "ok" in done.stdout.lower()  # the journal is still whole


def test_the_backup_made_before_an_upgrade_is_private(tmp_path):
    home = tmp_path / "booth"
    home.mkdir(mode=0o755)
    db = sqlite_utils.Database(home / DB_NAME)
    migrations.apply(db, stop_before="m005_sync")
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('terminal_id', 'T1'), ('booth_name', '奉节县专柜'),"
        " ('catalog_version', '0')"
    )
    db.conn.commit()
    db.close()
    seen = _run_loose(
        """
        import json, stat, sys
        from pathlib import Path
        from pos.terminal import Terminal
        home = Path(sys.argv[1])
        Terminal.open(home).close()
        folder = home / "backups"
        print(json.dumps({p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [folder, *folder.iterdir()]}))
        """,
        str(home),
    )
    assert seen.pop("backups") == "0o700"
    assert seen and set(seen.values()) == {"0o600"}, seen


SERVER_MODES = """
    import json, stat, sys
    from pathlib import Path
    from sync.server.db import make_engine, migrate
    from sync.server.settings import ServerSettings
    url = ServerSettings(db=sys.argv[1]).db_url
    engine = make_engine(url)
    migrate(engine)
    path = Path(url.split("///", 1)[1])
    with engine.connect() as conn:  # WAL and its index exist while a connection is open
        seen = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [path.parent, *path.parent.iterdir()]}
    engine.dispose()
    print(json.dumps(seen))
"""


def test_the_servers_database_and_its_new_directory_are_private(tmp_path):
    seen = _run_loose(SERVER_MODES, str(tmp_path / "hq" / "server.db"))
    assert seen["hq"] == "0o700"
    for name in ("server.db", "server.db-wal", "server.db-shm"):
        assert seen[name] == "0o600", (name, seen)


def test_the_servers_default_directory_and_an_old_database_are_tightened(tmp_path):
    data = tmp_path / "xdg"
    folder = data / "booth-pos-server"
    _run_loose(SERVER_MODES, "", env={"XDG_DATA_HOME": str(data)})
    folder.chmod(0o755)
    (folder / "server.db").chmod(0o644)
    seen = _run_loose(SERVER_MODES, "", env={"XDG_DATA_HOME": str(data)})
    assert seen["booth-pos-server"] == "0o700"
    assert seen["server.db"] == "0o600"
    assert _mode(folder / "server.db") == 0o600


def test_a_directory_the_operator_chose_is_left_as_made_but_the_database_is_private(tmp_path):
    chosen = tmp_path / "shared"
    chosen.mkdir(mode=0o755)
    chosen.chmod(0o755)
    seen = _run_loose(SERVER_MODES, str(chosen / "server.db"))
    assert seen["shared"] == "0o755"
    assert seen["server.db"] == "0o600"
