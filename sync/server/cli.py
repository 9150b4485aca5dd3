"""booth-pos-server: run and administer the central server (every command has --help)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from sync import __version__
from sync.cli_support import OneLineParser, add_command, add_group
from sync.protocol import journal
from sync.server import journal_archive, journal_store, registry
from sync.server.db import make_engine, migrate, pending_migrations, reading
from sync.server.errors import ApiError
from sync.server.payments.cli import PaymentsRefusal
from sync.server.settings import ServerSettings, normalize_db_url
from sync.server.tables import BOOTH_KINDS, terminals

PROG = "booth-pos-server"


class Refusal(Exception):
    pass


def _settings(args) -> ServerSettings:
    settings = ServerSettings()
    if args.db:
        settings = settings.model_copy(update={"db": args.db})
    return settings


def _engine(args, check_schema: bool = True):
    settings = _settings(args)
    engine = make_engine(settings.db_url, pooler=settings.db_pooler)
    if check_schema and engine.dialect.name == "sqlite":
        migrate(engine)  # the embedded default works out of the box, as serve does
    elif check_schema and pending_migrations(engine):
        raise Refusal("The database schema is not current: run 'booth-pos-server migrate' first.")
    return engine


def cli_actor() -> str:
    """Who runs this command, for the enrolment log: cli:<unix user>."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. a bare container)
        user = f"uid{os.getuid()}"
    return f"cli:{user}"


def _print(args, data, text: str) -> None:
    print(journal.canonical(data) if getattr(args, "json", False) else text)


def cmd_migrate(args) -> int:
    engine = _engine(args, check_schema=False)
    migrate(engine)
    with engine.begin() as conn:
        journal_store.ensure_partitions(conn)
    print(f"Database is current ({engine.dialect.name}).")
    return 0


def _log_config(level: str) -> dict:
    """uvicorn's logging plus our one-JSON-line-per-request logger (booth_pos.server)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["plain"] = {"format": "%(message)s"}
    config["handlers"]["requests"] = {
        "class": "logging.StreamHandler",
        "formatter": "plain",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["booth_pos.server"] = {
        "handlers": ["requests"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def cmd_serve(args) -> int:
    import uvicorn

    settings = _settings(args)
    engine = make_engine(settings.db_url, pooler=settings.db_pooler)
    if engine.dialect.name == "sqlite":
        migrate(engine)  # the embedded default works out of the box
    elif pending_migrations(engine):
        raise Refusal("The database schema is not current: run 'booth-pos-server migrate' first.")
    with engine.begin() as conn:  # the coming months' journal partitions (PostgreSQL)
        journal_store.ensure_partitions(conn)
    engine.dispose()
    _check_payments(settings)
    os.environ["BOOTH_POS_SERVER_DB"] = settings.db or settings.db_url
    print(
        f"Serving on http://{args.host}:{args.port} ({engine.dialect.name}, {args.workers} worker(s))",
        flush=True,
    )
    uvicorn.run(
        "sync.server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        log_config=_log_config(settings.log_level),
        proxy_headers=True,
        http=settings.http,
        loop=settings.loop,
    )
    return 0


def _check_payments(settings: ServerSettings) -> None:
    """Refuse to start on unusable merchant settings (a key others can read, a missing file)."""
    from sync.server.payments.config import PaymentsConfigError, load_config

    if settings.payments_config:
        try:
            methods = load_config(settings.payments_config).methods()
        except PaymentsConfigError as exc:
            raise Refusal(f"Not starting: {exc}") from None
        print(f"Mobile payments: {', '.join(methods)}", flush=True)


def _payments_handlers() -> dict:
    from sync.server.payments import cli as payments_cli

    def booth(args):
        return payments_cli.cmd_booth(args, _engine, cli_actor(), _print)

    def settle(args):
        return payments_cli.cmd_settle(args, _engine, _settings, _print, cli_actor())

    def reconcile(args):
        return payments_cli.cmd_reconcile(args, _engine, _settings, _print, cli_actor())

    return {
        "booth": booth,
        "settle": settle,
        "simulate": payments_cli.cmd_simulate,
        "reconcile": reconcile,
    }


def cmd_booth_add(args) -> int:
    with _engine(args).begin() as conn:
        registry.add_booth(conn, args.id, args.name, args.district or "", args.kind, by=cli_actor())
    _print(
        args,
        {"id": args.id, "name": args.name, "district": args.district or "", "kind": args.kind},
        f"Added booth {args.id} ({args.name})",
    )
    return 0


def cmd_booth_edit(args) -> int:
    with _engine(args).begin() as conn:
        booth = registry.edit_booth(
            conn, args.id, args.name, args.district, args.kind, by=cli_actor()
        )
    data = {key: booth[key] for key in ("id", "name", "district", "kind")}
    _print(args, data, f"Booth {args.id}: {booth['name']}, {booth['kind'] or 'kind not known'}")
    return 0


def cmd_figures_rebuild(args) -> int:
    from sync.server import audit, figures

    with _engine(args).begin() as conn:
        counts = figures.rebuild(conn, _settings(args).zone)
        audit.record(conn, cli_actor(), "figures_rebuilt", "figures", "", None, counts)
    _print(
        args,
        counts,
        f"Rebuilt the daily figures: {counts['day_rows']} day rows, {counts['hour_rows']} hour rows",
    )
    return 0


def cmd_enroll_code(args) -> int:
    hours = args.expires if args.expires is not None else _settings(args).enroll_code_hours
    with _engine(args).begin() as conn:
        code = registry.add_enrol_code(
            conn, args.booth_id, hours, replaces=args.replaces, by=cli_actor()
        )
    data = {"booth": args.booth_id, "code": code, "expires_hours": hours, "replaces": args.replaces}
    _print(args, data, code)
    return 0


def cmd_terminal_revoke(args) -> int:
    with _engine(args).begin() as conn:
        registry.revoke_terminal(conn, args.id, by=cli_actor())
    print(
        f"Revoked terminal {args.id}: its token no longer works and no code enrols it again; "
        "enrol its PC as a new terminal id."
    )
    return 0


def cmd_admin_add(args) -> int:
    with _engine(args).begin() as conn:
        token = registry.add_admin(conn, args.name, by=cli_actor())
    _print(args, {"name": args.name, "token": token}, token)
    return 0


def cmd_admin_revoke(args) -> int:
    with _engine(args).begin() as conn:
        registry.revoke_admin(conn, args.name, by=cli_actor())
    print(f"Revoked admin {args.name}: their token no longer works.")
    return 0


PASSWORD_VARIABLE = "BOOTH_POS_SERVER_PASSWORD"


def read_password(args) -> str:
    """The new password from --password-file, else $BOOTH_POS_SERVER_PASSWORD, else typed
    twice at a hidden prompt. --password is refused: a command line is readable by every
    user of the machine (ps, /proc) and lands in shell history."""
    if getattr(args, "password", None) is not None:
        raise Refusal(
            "--password is refused: a password on the command line can be read by every user "
            f"of this machine. Type it when asked, or use --password-file PATH or {PASSWORD_VARIABLE}."
        )
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise Refusal(
                f"Cannot read the password file {args.password_file}: {reason}."
            ) from None
        password = lines[0].strip() if lines else ""
        if not password:
            raise Refusal(f"The password file {args.password_file} is empty.")
        return password
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if not sys.stdin.isatty():
        raise Refusal(
            "This needs a password and there is nobody to type it: use --password-file PATH "
            f"or {PASSWORD_VARIABLE}."
        )
    password = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("The same password again: ") != password:
        raise Refusal("The two passwords differ: nothing was changed.")
    return password


def cmd_user_add(args) -> int:
    from sync.server.console import users

    password = read_password(args)
    with _engine(args).begin() as conn:
        users.add_user(conn, args.name, args.role, password, by=cli_actor())
    _print(
        args,
        {"name": args.name, "role": args.role},
        f"Added console user {args.name} ({args.role}): they sign in at /console/ with that password.",
    )
    return 0


def cmd_user_list(args) -> int:
    from sync.server.console import users

    with reading(_engine(args)) as conn:
        rows = users.list_users(conn)
    if args.json:
        print(journal.canonical(rows))
        return 0
    if not rows:
        print("No console users yet: add one with 'booth-pos-server user add NAME --role admin'.")
    for row in rows:
        state = f"disabled {row['disabled_at']}" if row["disabled_at"] else "active"
        print(f"{row['name']:<20} {row['role']:<10} created {row['created_at']}  {state}")
    return 0


def cmd_user_disable(args) -> int:
    from sync.server.console import users

    with _engine(args).begin() as conn:
        users.disable_user(conn, args.name, by=cli_actor())
    print(f"Disabled console user {args.name}: they cannot sign in and their sessions ended.")
    return 0


def cmd_audit(args) -> int:
    if args.enrolment:
        return _enrolment_log(args)
    from datetime import date

    from sync.server import audit

    days = []
    for text in (args.date_from, args.date_to):
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError:
            raise Refusal(
                f"A date is written YYYY-MM-DD, e.g. 2026-11-28 (got {text!r})."
            ) from None
    if days[0] and days[1] and days[0] > days[1]:
        raise Refusal("--from is after --to: swap them.")
    if not 1 <= args.limit <= 100_000:
        raise Refusal("--limit is a whole number from 1 to 100000.")
    kind, _, target_id = (args.target or "").partition(":")
    start, end = audit.day_bounds(days[0], days[1], _settings(args).zone)
    with reading(_engine(args)) as conn:
        page = audit.entries(
            conn, args.who or "", args.action or "", kind, target_id, start, end, args.limit
        )
    rows = list(reversed(page["rows"]))  # oldest first, like the enrolment log
    if args.json:
        print(journal.canonical(rows))
        return 0
    if not rows:
        print("No change at HQ matches.")
    for row in rows:
        target = f"{row['target_kind']} {row['target_id']}".strip()
        change = journal.canonical(row["after"]) if row["after"] is not None else "-"
        print(f"{row['at']}  {row['action']:<20} {row['actor']:<20} {target}: {change}")
    return 0


def _enrolment_log(args) -> int:
    with reading(_engine(args)) as conn:
        rows = registry.enrolment_log_rows(conn, args.limit)
    if args.json:
        print(journal.canonical(rows))
        return 0
    for row in rows:
        where = " ".join(
            part
            for part in (
                f"booth {row['booth_id']}" if row["booth_id"] else "",
                f"terminal {row['terminal_id']}" if row["terminal_id"] else "",
            )
            if part
        )
        print(f"{row['at']}  {row['action']:<16} {row['actor']:<20} {where}: {row['detail']}")
    return 0


def cmd_catalog_import(args) -> int:
    from sync.server import catalog

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise Refusal(f"Cannot read {args.file}: {exc.strerror}.") from None
    engine = _engine(args)
    try:
        summary = catalog.import_csv(engine, data, by=cli_actor())
    except ApiError as exc:
        for line in exc.extra.get("errors", []):
            print(line, file=sys.stderr)
        raise
    _print(args, summary, " ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


def cmd_catalog_min_stock(args) -> int:
    from sync.server import catalog

    engine = _engine(args)
    with engine.begin() as conn:
        done = catalog.set_min_stock(conn, args.code, args.minimum, args.booth, cli_actor())
    where = f"at booth {done['booth_id']}" if done["booth_id"] else "campaign-wide"
    unit = "g" if done["unit"] == "g" else "pieces"
    what = f"{done['min_stock']} {unit}" if done["min_stock"] else "none"
    _print(
        args,
        done,
        f"Minimum stock of {done['product_id']} {done['name']} {where}: {what} "
        f"(catalog version {done['version']}; booths get it at their next sync).",
    )
    return 0


def cmd_catalog_apply_due(args) -> int:
    from sync.server import catalog_schedule

    done = catalog_schedule.apply_due(_engine(args), cli_actor())
    lines = [
        f"change {r['id']} of {r['product_id']}: "
        + (f"not applied: {r['problem']}" if "problem" in r else f"catalog version {r['version']}")
        for r in done
    ]
    _print(args, {"applied": done}, "\n".join(lines) or "No scheduled change is due.")
    return 1 if any("problem" in r for r in done) else 0


def cmd_journal_verify(args) -> int:
    engine = _engine(args)
    failures = 0
    results = []
    with reading(engine) as conn:
        query = select(terminals.c.id, terminals.c.acked_seq, terminals.c.head_hash)
        if args.terminal:
            query = query.where(terminals.c.id == args.terminal)
        rows = conn.execute(query.order_by(terminals.c.id)).all()
        if args.terminal and not rows:
            raise Refusal(f"There is no terminal {args.terminal}.")
        for row in rows:
            verdict = journal_archive.verify_live(conn, row.id)
            ok = verdict.ok and (verdict.head_seq, verdict.head_hash) == (
                row.acked_seq,
                row.head_hash,
            )
            failures += not ok
            results.append({"terminal": row.id, **verdict.as_dict(), "ok": ok})
            if not args.json:
                if ok:
                    print(f"{row.id}: OK, {verdict.entries} entries, head seq {verdict.head_seq}")
                else:
                    reason = verdict.reason or "stored head does not match the journal"
                    print(f"{row.id}: BROKEN at seq {verdict.bad_seq}: {reason}")
    if args.json:
        print(journal.canonical(results))
    return 1 if failures else 0


def cmd_journal_export(args) -> int:
    engine = _engine(args)
    with reading(engine) as conn, contextlib.ExitStack() as stack:
        if not conn.execute(select(terminals.c.id).where(terminals.c.id == args.terminal)).first():
            raise Refusal(f"There is no terminal {args.terminal}.")
        out = stack.enter_context(open(args.out, "w", encoding="utf-8")) if args.out else sys.stdout
        for _, line in journal_store.walk(conn, args.terminal):
            out.write(line + "\n")
    return 0


def _archive_call(fn, *args):
    try:
        return fn(*args)
    except journal_archive.ArchiveRefused as exc:
        raise Refusal(str(exc)) from None


def cmd_journal_archive(args) -> int:
    engine = _engine(args)
    done = _archive_call(journal_archive.write_archive, engine, args.month, Path(args.out), cli_actor())  # fmt: skip
    text = (
        f"Archived {done['entries']} entries of {done['terminals']} terminal(s) received in "
        f"{args.month}: {done['file']} (SHA-256 {done['sha256']}), manifest {done['manifest']}."
    )
    if args.detach:
        dropped = _archive_call(journal_archive.drop_month, engine, args.month, Path(done["file"]), cli_actor())  # fmt: skip
        done["dropped"] = dropped["entries"]
        text += f"\nDropped {dropped['entries']} entries of {args.month} from the live database."
    _print(args, done, text)
    return 0


def cmd_journal_drop_month(args) -> int:
    done = _archive_call(journal_archive.drop_month, _engine(args), args.month, Path(args.archive), cli_actor())  # fmt: skip
    _print(args, done, f"Dropped {done['entries']} entries of {args.month} from the live database (archive {args.archive} verified).")  # fmt: skip
    return 0


def cmd_journal_restore(args) -> int:
    done = _archive_call(journal_archive.restore, _engine(args), Path(args.file), cli_actor())
    _print(args, done, f"Restored {done['restored']} entries of {done['month']} ({done['already_held']} already held).")  # fmt: skip
    return 0


def cmd_journal_partitions(args) -> int:
    engine = _engine(args)
    with engine.begin() as conn:
        made = journal_store.ensure_partitions(conn, ahead=args.ahead)
        held = sorted(journal_store.partitions(conn))
    if engine.dialect.name != "postgresql":
        _print(args, {"made": [], "partitions": []}, "SQLite keeps the journal in one table: nothing to make.")  # fmt: skip
        return 0
    text = (f"Made {', '.join(made)}. " if made else "Nothing to make. ") + f"Months held: {', '.join(held)}."  # fmt: skip
    _print(args, {"made": made, "partitions": held}, text)
    return 0


def cmd_quarantine_list(args) -> int:
    from sync.server import quarantine

    with reading(_engine(args)) as conn:
        if args.booth:
            registry.booth(conn, args.booth)
        rows = quarantine.entries(conn, args.booth, args.released, args.limit)
    if args.json:
        print(journal.canonical(rows))
        return 0
    if not rows:
        print("Nothing is quarantined." if not args.released else "Nothing was released.")
    for row in rows:
        amount = f" {row['amount_fen']} fen" if row["amount_fen"] else ""
        print(
            f"{row['terminal_id']} seq {row['seq']} ({row['type']}{amount}, booth "
            f"{row['booth_id']}, at {row['at']}): {row['rule']}: {row['reason']}"
        )
        if row["released_at"]:
            print(
                f"  released {row['released_at']} by {row['released_by']}: {row['release_reason']}"
            )
    return 0


def cmd_quarantine_release(args) -> int:
    from sqlalchemy.exc import IntegrityError

    from sync.server import quarantine

    settings = _settings(args)
    try:
        with _engine(args).begin() as conn:
            row = quarantine.release(
                conn, args.terminal, args.seq, args.reason, args.by, settings.zone, cli_actor()
            )
    except IntegrityError:
        raise Refusal(
            f"{args.terminal} seq {args.seq} clashes with an entry already counted "
            "(the same sale, refund or shift): it stays quarantined."
        ) from None
    with_it = row["released_with"]
    also = f", with refund seq {', '.join(map(str, with_it))}" if with_it else ""
    _print(
        args,
        row,
        f"Released {args.terminal} seq {args.seq}{also}: it counts in reports from now on.",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description="Booth POS central server: enrolment, journal ingest, catalog feed, reports.",
        epilog="example:\n  booth-pos-server --db postgresql://booth@db/booth serve --workers 4",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite path (default: $BOOTH_POS_SERVER_DB, else a SQLite file in the user data dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True

    p = add_command(
        sub,
        "serve",
        "Serve the API (SQLite is migrated automatically).",
        "booth-pos-server serve --host 0.0.0.0 --port 8765 --workers 4",
        cmd_serve,
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=1)
    add_command(
        sub,
        "migrate",
        "Bring the database schema up to date (forward only).",
        "booth-pos-server --db postgresql://booth@db/booth migrate",
        cmd_migrate,
    )

    booth_sub = add_group(
        sub,
        "booth",
        "Register booths.",
        "booth-pos-server booth add CQ-FJ-001 --name '奉节县扶贫专柜' --district 奉节县",
    )
    p = add_command(
        booth_sub,
        "add",
        "Register a booth.",
        "booth-pos-server booth add CQ-FJ-001 --name '奉节县扶贫专柜' --district 奉节县",
        cmd_booth_add,
    )
    p.add_argument("id")
    p.add_argument("--name", required=True)
    p.add_argument("--district", default="")
    p.add_argument("--kind", choices=BOOTH_KINDS, help="what the booth is (default: not known)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        booth_sub,
        "edit",
        "Change a booth's name, district or kind.",
        "booth-pos-server booth edit CQ-FJ-001 --kind store_section",
        cmd_booth_edit,
    )
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--district")
    p.add_argument(
        "--kind",
        choices=(*BOOTH_KINDS, registry.UNKNOWN_KIND),
        help="what the booth is; 'unknown' forgets it",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    fig_sub = add_group(
        sub,
        "figures",
        "The pre-aggregated daily figures the dashboard reads.",
        "booth-pos-server figures rebuild",
    )
    p = add_command(
        fig_sub,
        "rebuild",
        "Work the daily and hourly figures out again from the stored sales and refunds.",
        "booth-pos-server figures rebuild --json",
        cmd_figures_rebuild,
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add_command(
        sub,
        "enroll-code",
        "Print a one-time enrolment code for a booth's terminal.",
        "booth-pos-server enroll-code CQ-FJ-001 --expires 48\n"
        "  booth-pos-server enroll-code CQ-FJ-001 --replaces CQ-FJ-001-T1",
        cmd_enroll_code,
    )
    p.add_argument("booth_id", metavar="BOOTH_ID")
    p.add_argument(
        "--expires",
        type=float,
        default=None,
        metavar="HOURS",
        help="hours until the code expires (default: BOOTH_POS_SERVER_ENROLL_CODE_HOURS, 72)",
    )
    p.add_argument(
        "--replaces",
        metavar="TERMINAL",
        default=None,
        help="a code for a replacement PC of this enrolled terminal (same journal, new token); "
        "without it the code enrols a new terminal id only",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    term_sub = add_group(
        sub,
        "terminal",
        "Manage enrolled terminals.",
        "booth-pos-server terminal revoke CQ-FJ-001-T1",
    )
    p = add_command(
        term_sub,
        "revoke",
        "Revoke a terminal for good (a stolen or retired PC): no code enrols it again.",
        "booth-pos-server terminal revoke CQ-FJ-001-T1",
        cmd_terminal_revoke,
    )
    p.add_argument("id")

    admin_sub = add_group(
        sub, "admin", "Manage HQ users of the API.", "booth-pos-server admin add zhangwei"
    )
    p = add_command(
        admin_sub,
        "add",
        "Add an HQ user and print their API token (shown once).",
        "booth-pos-server admin add zhangwei",
        cmd_admin_add,
    )
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        admin_sub,
        "revoke",
        "Revoke an HQ user's API token (someone who left, a leaked token).",
        "booth-pos-server admin revoke zhangwei",
        cmd_admin_revoke,
    )
    p.add_argument("name")

    user_sub = add_group(
        sub,
        "user",
        "Manage the people who sign in to the HQ console (viewer, supervisor, admin).",
        "booth-pos-server user add wangfang --role viewer --password-file /run/pw",
    )
    p = add_command(
        user_sub,
        "add",
        "Add a console user; the password is typed twice, or read from --password-file.",
        "booth-pos-server user add wangfang --role viewer\n"
        "  booth-pos-server user add liqiang --role admin --password-file /run/user/0/pw",
        cmd_user_add,
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--role",
        required=True,
        choices=["viewer", "supervisor", "admin"],
        help="viewer: dashboard and reports; supervisor: also booth health and closes; admin: everything",
    )
    p.add_argument(
        "--password-file",
        metavar="PATH",
        help=f"a file whose first line is the password (else ${PASSWORD_VARIABLE}, else a prompt)",
    )
    p.add_argument(
        "--password",
        metavar="PASSWORD",
        help="refused: a password on the command line is visible to every user of the machine",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        user_sub,
        "list",
        "List the console users, their roles and whether they are disabled.",
        "booth-pos-server user list --json",
        cmd_user_list,
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        user_sub,
        "disable",
        "Disable a console user for good (someone who left): their sessions end at once.",
        "booth-pos-server user disable wangfang",
        cmd_user_disable,
    )
    p.add_argument("name", metavar="NAME")

    p = add_command(
        sub,
        "audit",
        "Print the audit log of changes made at HQ (who, when, what, after), oldest first; "
        "--enrolment prints the enrolment log instead.",
        "booth-pos-server audit --who liqiang --action product_saved --from 2026-11-01\n"
        "  booth-pos-server audit --target product:06970006000011 --json\n"
        "  booth-pos-server audit --enrolment --limit 100",
        cmd_audit,
    )
    p.add_argument(
        "--limit", type=int, default=1000, metavar="N", help="the newest N lines (default 1000)"
    )
    p.add_argument("--who", metavar="TEXT", help="only changes by someone whose name contains TEXT")
    p.add_argument("--action", metavar="ACTION", help="only this action, e.g. product_saved")
    p.add_argument(
        "--target",
        metavar="KIND[:ID]",
        help="only changes to this kind of record (and id), e.g. booth:CQ-FJ-001",
    )
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="from this local day")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="to this local day")
    p.add_argument(
        "--enrolment",
        action="store_true",
        help="print the enrolment log (codes, enrolments, replacements, refusals, revocations)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    cat_sub = add_group(
        sub,
        "catalog",
        "Manage the certified catalog.",
        "booth-pos-server catalog import products.csv",
    )
    p = add_command(
        cat_sub,
        "import",
        "Import a catalog CSV (same columns as the terminal); all rows or none.",
        "booth-pos-server catalog import products.csv",
        cmd_catalog_import,
    )
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        cat_sub,
        "min-stock",
        "Set a product's minimum stock, campaign-wide or at one booth (0: none); booths "
        "below it are listed as running out.",
        "booth-pos-server catalog min-stock 6970006000011 24\n"
        "  booth-pos-server catalog min-stock 6970006000011 60 --booth CQ-SC-001",
        cmd_catalog_min_stock,
    )
    p.add_argument("code", metavar="CODE", help="the product's id, a barcode or its PLU")
    p.add_argument(
        "minimum",
        metavar="N",
        type=int,
        help="pieces, or grams for products sold by kg; 0 takes the minimum away",
    )
    p.add_argument(
        "--booth",
        metavar="B",
        help="only at this booth (over the campaign-wide minimum); default: every booth",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        cat_sub,
        "apply-due",
        "Apply the scheduled catalog changes whose time has come (the server does it on its "
        "own too); exits 1 if one could not be applied.",
        "booth-pos-server catalog apply-due --json",
        cmd_catalog_apply_due,
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    jrn_sub = add_group(
        sub,
        "journal",
        "Verify, export, archive and restore terminals' journals as received.",
        "booth-pos-server journal verify",
    )
    p = add_command(
        jrn_sub,
        "verify",
        "Verify every terminal's chain (or one).",
        "booth-pos-server journal verify --terminal CQ-FJ-001-T1",
        cmd_journal_verify,
    )
    p.add_argument("--terminal", metavar="T")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        jrn_sub,
        "export",
        "Write a terminal's journal as JSON lines exactly as received.",
        "booth-pos-server journal export --terminal CQ-FJ-001-T1 --out t1.jsonl",
        cmd_journal_export,
    )
    p.add_argument("--terminal", required=True, metavar="T")
    p.add_argument("--out", metavar="FILE")
    p = add_command(
        jrn_sub,
        "archive",
        "Write a closed month's journal (received in it) to DIR as gzip JSON lines with each "
        "terminal's chain heads, and its manifest; --detach then drops it from the live database.",
        "booth-pos-server journal archive --month 2026-11 --out /srv/booth-archive --detach",
        cmd_journal_archive,
    )
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="a month before this one")
    p.add_argument("--out", required=True, metavar="DIR", help="where the files go")
    p.add_argument("--detach", action="store_true", help="then drop the month's lines from the live database")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        jrn_sub,
        "drop-month",
        "Drop an archived month's journal lines from the live database, once its archive verified.",
        "booth-pos-server journal drop-month --month 2026-11 --archive /srv/booth-archive/journal-2026-11.jsonl.gz",
        cmd_journal_drop_month,
    )  # fmt: skip
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--archive", required=True, metavar="FILE", help="the month's .jsonl.gz")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        jrn_sub,
        "restore",
        "Bring an archived month back into the live journal (verified first; entries held are skipped).",
        "booth-pos-server journal restore /srv/booth-archive/journal-2026-11.jsonl.gz",
        cmd_journal_restore,
    )  # fmt: skip
    p.add_argument("file", metavar="FILE", help="a month's .jsonl.gz")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        jrn_sub,
        "partitions",
        "Make the journal's monthly partitions ahead (PostgreSQL): this month and the next N.",
        "booth-pos-server journal partitions --ahead 3",
        cmd_journal_partitions,
    )
    p.add_argument("--ahead", type=int, default=2, metavar="N", help="months after this one (default 2)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")

    held_sub = add_group(
        sub,
        "quarantine",
        "Journal entries held back by a business check: list them, release one.",
        "booth-pos-server quarantine list --booth CQ-FJ-001",
    )
    p = add_command(
        held_sub,
        "list",
        "List the quarantined entries (oldest first) with the rule each broke.",
        "booth-pos-server quarantine list --booth CQ-FJ-001 --json",
        cmd_quarantine_list,
    )
    p.add_argument("--booth", metavar="B", help="only this booth's entries")
    p.add_argument("--released", action="store_true", help="list the released entries instead")
    p.add_argument(
        "--limit", type=int, default=1000, metavar="N", help="at most N entries (default 1000)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        held_sub,
        "release",
        "Count a quarantined entry from now on; who, when and why are recorded.",
        "booth-pos-server quarantine release CQ-FJ-001-T1 42 "
        "--reason '价格经区县办确认' --by zhangwei",
        cmd_quarantine_release,
    )
    p.add_argument("terminal", metavar="TERMINAL")
    p.add_argument("seq", metavar="SEQ", type=int)
    p.add_argument("--reason", required=True, help="why it may count (kept with the entry)")
    p.add_argument("--by", required=True, metavar="NAME", help="who decided (kept with it)")
    p.add_argument("--json", action="store_true", help="print JSON")

    from sync.server.payments.cli import add_commands as add_payments_commands

    add_payments_commands(sub, _payments_handlers())
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.db:
        args.db = normalize_db_url(args.db)
    try:
        return args.handler(args)
    except (Refusal, ApiError, PaymentsRefusal) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(
            f"{PROG}: cannot use the database: {str(exc.orig).strip().splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. journal export | head
        return 0


if __name__ == "__main__":
    sys.exit(main())
