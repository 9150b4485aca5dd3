"""`booth-pos doctor`: is this terminal ready to sell? Every check that is not ok says what to do.

The checks read; the only thing they may write is what opening the terminal always writes
(pending migrations, after a backup: pos/store/db.py). Devices are only checked when
booth.toml names them, and only opened and closed again: nothing is printed or journaled.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from pos import __version__
from pos.config import CONFIG_NAME, Settings, load_settings
from pos.errors import BoothError
from pos.money import format_fen
from pos.store import disk_check
from sync.protocol.journal import parse_utc

OK, WARN, FAIL = "ok", "warn", "fail"
DISK_FAIL_BYTES = 200 * 1024 * 1024  # a year of sales is a few hundred MB at the very most
DISK_WARN_BYTES = 1024 * 1024 * 1024
KIOSK_UNIT = "booth-pos-kiosk"


@dataclass(frozen=True)
class Check:
    """One verdict: what was checked, ok / warn / fail, and a sentence for IT staff."""

    name: str
    status: str
    message: str


@dataclass
class Report:
    """Every check of one run, in order."""

    home: Path
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.status != FAIL for check in self.checks)

    def as_dict(self) -> dict:
        return {
            "home": str(self.home),
            "version": __version__,
            "ok": self.ok,
            "checks": [asdict(check) for check in self.checks],
        }


def _mib(count: int) -> str:
    return f"{count / (1024 * 1024):,.0f} MiB"


def check_config(home: Path) -> tuple[Check, Settings | None]:
    path = home / CONFIG_NAME
    try:
        settings = load_settings(home)
    except BoothError as exc:
        return Check("config", FAIL, str(exc)), None
    if not path.exists():
        return Check("config", OK, f"No {path}: every setting has its default."), settings
    shown = f"{path} (-> {path.resolve()})" if path.is_symlink() else str(path)
    return Check("config", OK, f"{shown} is valid."), settings


def check_disk(home: Path) -> Check:
    where = home if home.exists() else home.parent
    try:
        free = shutil.disk_usage(where).free
    except OSError as exc:
        return Check("disk", FAIL, f"Cannot read the free space of {where} ({exc.strerror}).")
    text = f"{_mib(free)} free for {home}"
    if free < DISK_FAIL_BYTES:
        return Check(
            "disk",
            FAIL,
            f"Only {text}: sales stop when the disk is full. Free space now (old files in "
            f"/var/log, /tmp, {home / 'backups'} after a verified upgrade); never delete booth.db.",
        )
    if free < DISK_WARN_BYTES:
        return Check("disk", WARN, f"Only {text}: free some space before it runs out.")
    return Check("disk", OK, f"{text}.")


def check_database(home: Path, settings: Settings | None):
    """The database opens, is writable, passes PRAGMA integrity_check; (checks, terminal)."""
    from pos.store.db import DB_NAME, integrity_problems, open_store
    from pos.terminal import Terminal

    path = home / DB_NAME
    try:  # with booth.toml broken, the defaults: the database is checked all the same
        terminal = Terminal(home, open_store(home), settings or Settings(), _utc_now)
    except BoothError as exc:
        return [Check("database", FAIL, str(exc))], None
    problems = integrity_problems(terminal.store.conn)
    if problems != ["ok"]:
        check = Check(
            "database",
            FAIL,
            f"The terminal database {path} is damaged ({problems[0]}): stop the kiosk, keep "
            f"the data directory as it is (it holds unsynced sales), copy it off the PC and "
            f"call support (docs/deployment.md, 'A damaged database').",
        )
        return [check], terminal
    writable = [p for p in (home, path) if not os.access(p, os.W_OK)]
    if writable:
        user = _user()
        check = Check(
            "database",
            FAIL,
            f"{writable[0]} is not writable by user {user}, so no sale can be recorded: "
            f"run 'sudo chown -R booth-pos:booth-pos {home}' (or run doctor as the terminal's user).",
        )
        return [check], terminal
    check = Check(
        "database",
        OK,
        f"{path}: integrity ok, terminal {terminal.terminal_id} ({terminal.booth_name}).",
    )
    return [check], terminal


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())


def check_journal(terminal) -> Check:
    verdict = terminal.verify_journal()
    if verdict.ok:
        return Check(
            "journal",
            OK,
            f"{verdict.entries} entries, head seq {verdict.head_seq}, "
            f"grand total {format_fen(verdict.grand_total_fen)}: intact.",
        )
    return Check(
        "journal",
        FAIL,
        f"The journal is broken at seq {verdict.bad_seq} ({verdict.reason}): stop selling on "
        f"this terminal, keep the data directory as it is and call support with "
        f"'booth-pos journal export --out journal.jsonl'.",
    )


def check_shift(terminal) -> Check:
    """Selling needs an open shift; one left open since an earlier day wants its Z."""
    report = terminal.x_report()
    if report is None:
        return Check(
            "shift",
            WARN,
            "No shift is open: a manager opens one with its float (manager screen, F10, or "
            "'booth-pos shift open') before the first sale.",
        )
    zone = terminal.settings.zone
    opened = parse_utc(report["opened_at"]).astimezone(zone)  # fmt: skip
    if opened.date() < terminal.today():
        return Check(
            "shift",
            WARN,
            f"The shift opened on {opened:%Y-%m-%d %H:%M} by {report['opened_by']} is still "
            f"open: a manager closes it (Z report) and opens today's.",
        )
    return Check(
        "shift",
        OK,
        f"Open since {opened:%H:%M} (opened by {report['opened_by']}), "
        f"{report['sales_count']} sale(s) so far.",
    )


def check_printer(settings: Settings) -> Check:
    from hardware.printers import open_printer, parse_printer_url, query_status
    from hardware.serial_port import DeviceError
    from hardware.status import UNKNOWN

    url = settings.printer_url
    spec = parse_printer_url(url)
    if spec.kind == "preview":
        return Check(
            "printer",
            OK,
            "Not configured (printer.url = preview): receipts are written to receipts/ in the "
            "data directory. Set printer.url in booth.toml to print (docs/hardware.md).",
        )
    try:
        conn = open_printer(spec, settings.printer_timeout_s)
    except DeviceError as exc:
        return Check("printer", FAIL, f"{exc}")
    try:
        status = query_status(conn, min(settings.printer_timeout_s, 1.0))
    except DeviceError as exc:
        return Check("printer", FAIL, f"{exc}")
    finally:
        conn.close()
    if not status.can_print:
        return Check("printer", FAIL, f"{url}: {status.detail}")
    if status.state == UNKNOWN:
        return Check("printer", OK, f"{url} is reachable. {status.detail}")
    near_end = " The paper is near its end: have a new roll ready." if status.paper_near_end else ""
    return Check("printer", OK, f"{url} is reachable and ready.{near_end}")


def check_serial(name: str, what: str, port: str, baud: int) -> Check:
    """A serial scanner, scale or display: the port opens (and is closed again at once)."""
    from hardware.serial_port import DeviceError, open_serial

    if not port:
        return Check(name, OK, f"Not configured ({name}.port is empty).")
    try:
        link = open_serial(port, baud, what=what)
    except DeviceError as exc:
        if exc.errno in (errno.EBUSY, errno.EAGAIN):
            return Check(
                name,
                WARN,
                f"{exc} While the cashier's window runs it holds the {what}: to test it, stop "
                f"the kiosk ('sudo systemctl stop {KIOSK_UNIT}') and run doctor again.",
            )
        return Check(name, FAIL, f"{exc}")
    link.close()
    return Check(name, OK, f"{port} opens at {baud} baud.")


def check_sync(terminal, http=None) -> list[Check]:
    """Enrolment, then the server: reachable, and the clock against the server's."""
    import requests

    from pos.store import sync_state
    from sync.client import SKEW_WARN_MS, TOKEN_FILE, SyncClient, SyncError, insecure_server

    client = SyncClient(terminal, session=http, attempts=1)
    if not client.enrolled:
        missing = "sync.token" if client.server else "the server address"
        message = (
            f"This terminal is not enrolled ({missing} is missing): run "
            f"'booth-pos enroll --server URL --code CODE' with the one-time code from HQ."
        )
        return [
            Check("enrolment", WARN, message),
            Check("server", WARN, "Not checked: the terminal is not enrolled."),
        ]
    conn = terminal.store.conn
    booth = sync_state.get(conn, "booth_id") or "?"
    blocked = sync_state.get(conn, "sync_blocked")
    if blocked:
        enrolment = Check("enrolment", FAIL, f"Enrolled as booth {booth}, but {blocked}")
    else:
        token = terminal.home / TOKEN_FILE
        enrolment = Check(
            "enrolment", OK, f"Enrolled at {client.server} as booth {booth} ({token})."
        )
    behind = terminal.behind_hq()  # recorded by the last sync round: known offline too
    if behind is not None:
        enrolment = Check("enrolment", FAIL, f"Enrolled as booth {booth}, but: {behind}")
    unsynced = terminal.unsynced_count()
    refusal = insecure_server(client.server, terminal.settings.sync_allow_insecure_http)
    if refusal is not None:
        return [enrolment, Check("server", FAIL, str(refusal))]
    try:
        skew_ms = client.check_clock()
    except requests.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else "?"
        advice = (
            "the terminal's token was refused (revoked, or another PC enrolled in its place): "
            "ask HQ for a replacement code ('booth-pos-server enroll-code BOOTH --replaces "
            "TERMINAL'), enrol with it, then run 'booth-pos journal recover'"
            if code in (401, 403)
            else "check the server address, or ask HQ whether the server is being upgraded"
        )
        return [
            enrolment,
            Check("server", FAIL, f"{client.server} answered HTTP {code}: {advice}."),
        ]
    except (requests.RequestException, ValueError, KeyError) as exc:
        return [
            enrolment,
            Check(
                "server",
                FAIL,
                f"Cannot reach the server at {client.server} ({type(exc).__name__}): check the "
                f"network cable or Wi-Fi, then 'curl {client.server}/api/v1/healthz'. Selling "
                f"goes on offline; {unsynced} journal entries wait to be sent.",
            ),
        ]
    if behind is None:
        # Asked live too, read only (doctor writes nothing): a round may not have run yet.
        with contextlib.suppress(requests.RequestException, SyncError, ValueError, KeyError):
            behind = terminal.check_against_hq(*client.hq_head())
            if behind is not None:
                enrolment = Check("enrolment", FAIL, f"Enrolled as booth {booth}, but: {behind}")
    skew = f"{skew_ms / 1000:+.1f} s"
    if abs(skew_ms) > SKEW_WARN_MS:
        return [
            enrolment,
            Check(
                "server",
                FAIL,
                f"{client.server} is reachable, but this PC's clock is {skew} off the server's: "
                f"turn on time sync ('sudo timedatectl set-ntp true') or set the clock, then "
                f"restart the kiosk. Receipts and business days use this clock.",
            ),
        ]
    return [
        enrolment,
        Check(
            "server",
            OK,
            f"{client.server} is reachable; clock {skew} from the server; "
            f"{unsynced} journal entries not yet synced.",
        ),
    ]


def check_ui() -> Check:
    """Qt loads, our translations and Qt's Chinese one load, and a Chinese font is installed."""
    try:
        from PySide6.QtCore import QLibraryInfo, QTranslator
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QApplication

        from pos.ui.i18n import I18N
        from pos.ui.style import FONT_FAMILIES
    except ImportError as exc:
        return Check("ui", FAIL, f"Qt cannot be loaded ({exc}): reinstall booth-pos.")
    # Offscreen: doctor runs over SSH too, with no display (and beside the running kiosk).
    app = QApplication.instance() or QApplication(["booth-pos", "-platform", "offscreen"])
    missing = [
        name
        for name, folder in (
            ("booth_pos_zh_CN", str(I18N)),
            ("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        )
        if not QTranslator(app).load(name, folder)
    ]
    if missing:
        return Check(
            "ui",
            FAIL,
            f"The Chinese translation {missing[0]}.qm is missing: the cashier's window would "
            f"show English; reinstall booth-pos.",
        )
    installed = set(QFontDatabase.families())
    fonts = [family for family in FONT_FAMILIES if family in installed]
    if not fonts:
        return Check(
            "ui",
            FAIL,
            "No Chinese font is installed, so the cashier's window would show boxes: "
            "'sudo apt-get install fonts-noto-cjk'.",
        )
    return Check("ui", OK, f"Qt {_qt_version()}, Chinese translations, font {fonts[0]}.")


#: Opens the window system the way ``booth-pos run`` does, in a process of its own: Qt
#: aborts the whole process when its platform plugin cannot start.
SCREEN_PROBE = """
from PySide6.QtWidgets import QApplication
app = QApplication(["booth-pos"])
screen = app.primaryScreen()
size = screen.size() if screen is not None else None
print(app.platformName(), size.width() if size else 0, size.height() if size else 0)
"""


def check_screen(env: dict | None = None, timeout_s: float = 30) -> Check:
    """Qt opens this session's display (X11 or Wayland) as the cashier's window will."""
    env = dict(os.environ if env is None else env)
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform == "offscreen":
        return Check("screen", OK, "QT_QPA_PLATFORM=offscreen: no screen is used.")
    if not (platform or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return Check(
            "screen",
            WARN,
            "No display in this session (DISPLAY and WAYLAND_DISPLAY are unset): run "
            "'booth-pos doctor' in the kiosk's session to check the screen.",
        )
    try:
        probe = subprocess.run(
            [sys.executable, "-c", SCREEN_PROBE],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return Check("screen", FAIL, f"Qt did not open the display within {timeout_s:.0f} s: check that the display server is running.")  # fmt: skip
    if probe.returncode != 0:
        lines = [line.strip() for line in probe.stderr.splitlines() if line.strip()]
        reason = next((line for line in lines if "could not" in line.lower()), lines[-1] if lines else f"exit status {probe.returncode}")  # fmt: skip
        return Check(
            "screen",
            FAIL,
            f"Qt cannot open the display ({reason[:300]}): the cashier's window would not "
            "start. Install the libraries in docs/cashier-screen.md (System libraries a kiosk "
            "needs) and check DISPLAY or WAYLAND_DISPLAY.",
        )
    name, width, height = (probe.stdout.split() + ["?", "0", "0"])[:3]
    return Check("screen", OK, f"Qt opens the display ({name}, {width}x{height}).")


def _qt_version() -> str:
    from PySide6.QtCore import qVersion

    return qVersion()


def run_checks(home: Path, ui: bool = True, http=None) -> Report:
    """Every check, in the order IT staff fix things: config, disk, database, devices, network."""
    checks: list[Check] = []
    config, settings = check_config(home)
    checks.append(config)
    checks.append(check_disk(home))
    checks.append(Check("disk speed", *disk_check.verdict(home)))
    database, terminal = check_database(home, settings)
    checks.extend(database)
    try:
        if terminal is not None and database[0].status == OK:
            checks.append(check_journal(terminal))
            checks.append(check_shift(terminal))
        if settings is not None:
            checks.append(check_printer(settings))
            checks.append(
                check_serial(
                    "scanner", "barcode scanner", settings.scanner_port, settings.scanner_baud
                )
            )
            checks.append(check_serial("scale", "scale", settings.scale_port, settings.scale_baud))
            checks.append(
                check_serial(
                    "display", "customer display", settings.display_port, settings.display_baud
                )
            )
        if terminal is not None and database[0].status == OK:
            checks.extend(check_sync(terminal, http))
    finally:
        if terminal is not None:
            terminal.close()
    if ui:
        checks.append(check_ui())
        checks.append(check_screen())
    return Report(home, checks)


def render(report: Report) -> str:
    """The report for people: one line per check, then the verdict."""
    width = max(len(check.name) for check in report.checks)
    lines = [f"Booth POS {__version__} doctor: {report.home}"]
    lines += [f"{c.status:<4}  {c.name:<{width}}  {c.message}" for c in report.checks]
    failed = sum(check.status == FAIL for check in report.checks)
    if failed:
        lines.append(
            f"{failed} check(s) failed: do what each says, then run booth-pos doctor again."
        )
    else:
        lines.append("Ready to sell.")
    return "\n".join(lines)
