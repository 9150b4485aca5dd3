"""HQ as several app nodes for the fleet (`python -m benchmarks.fleet --nodes 2 --proxy haproxy
--pgbouncer`): N `booth-pos-server serve` processes on one database, HAProxy in front of them
and PgBouncer (transaction mode) in front of PostgreSQL, each started as an unprivileged
process from config files generated in a temporary directory (no systemd, nothing under
/etc). docs/server.md ("Several app nodes") is the production set-up; this is the test
harness for it.

On one machine the nodes listen on 127.0.0.1 and HAProxy reaches them from 127.0.0.2
(``source``), the only address the nodes trust for ``X-Forwarded-For``
(``FORWARDED_ALLOW_IPS``): a client that talks to a node directly cannot name its own
address, one that comes through the proxy is seen with its own.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from benchmarks.common import BenchRefused

PROXIES = ("haproxy",)
#: The address HAProxy connects to the nodes from; the nodes trust X-Forwarded-For from it.
PROXY_SOURCE = "127.0.0.2"
START_S = 60.0
#: PgBouncer's server connections per database and user (docs/server.md explains the size).
PGBOUNCER_POOL = 20
#: Requests HAProxy sends one node at once per worker; the rest wait in its queue.
NODE_MAXCONN_PER_WORKER = 64
#: Health checks as in docs/server.md: every 2 s, out after 3 failures (a node too busy to
#: answer /healthz in 5 s three times running), back after 2 good ones.
CHECK = "inter 2s fall 3 rise 2"
#: HAProxy's own 503 (no node up, or a request queued past ``timeout queue``) says what the
#: server's own 503 says, with Retry-After: a terminal waits, keeps its sales, tries again.
BUSY_503 = (
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Retry-After: 5\r\n"
    "Cache-Control: no-cache\r\n"
    "Connection: close\r\n"
    "\r\n"
    '{"detail": "The server is busy; nothing was stored. Try again shortly."}\n'
)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def unprivileged(user: str) -> str | None:
    """The user to run a daemon as: None (ourselves) unless we are root, then ``user``."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(user)
    except KeyError:
        raise BenchRefused(f"running as root and there is no '{user}' user to run as") from None
    return user


def own_dir(prefix: str, user: str | None) -> Path:
    """A fresh directory for one daemon's files, owned by the user it runs as."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0 once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    return sum(int(f) for f in fields[11:13]) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (a node's uvicorn workers)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                text = (entry / "stat").read_text()
                parents[int(entry.name)] = int(text[text.rindex(")") + 2 :].split()[1])
    family, found = {pid}, []
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                found.append(child)
                grew = True
    return found


def wait_healthy(url: str, seconds: float, alive=lambda: True, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what or url} stopped before it answered")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what or url} did not answer in {seconds:g} s")


class Daemon:
    """One process of ours (a node, HAProxy, PgBouncer) with its log file."""

    def __init__(self, name: str, command: list[str], log: Path, env=None, user=None, cwd=None):
        self.name, self.log_path = name, log
        self.log = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            user=user, cwd=cwd, start_new_session=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def cpu_s(self) -> float:
        return cpu_seconds(self.pid) + sum(cpu_seconds(p) for p in descendants(self.pid))

    def last_lines(self, n: int = 5) -> str:
        lines = self.log_path.read_text(errors="replace").strip().splitlines()
        return " | ".join(lines[-n:]) or "no output"

    def kill(self) -> None:
        """SIGKILL the process and everything under it: a node's machine losing power."""
        for pid in [*descendants(self.pid), self.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


# --- PgBouncer ---------------------------------------------------------------------------


def pgbouncer_config(
    port: int, database: str, backend: dict, client_user: str, folder: Path
) -> str:
    """pgbouncer.ini for one database in transaction mode; clients from 127.0.0.1 only."""
    target = " ".join(f"{k}={v}" for k, v in backend.items() if v)
    return f"""\
[databases]
{database} = {target} dbname={database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
admin_users = {client_user}
stats_users = {client_user}
pool_mode = transaction
default_pool_size = {PGBOUNCER_POOL}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 2000
max_db_connections = {PGBOUNCER_POOL}
server_idle_timeout = 60
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
"""


@dataclass
class PgBouncer:
    """PgBouncer on 127.0.0.1 in front of one database; clients connect as ``client_user``."""

    admin_url: str
    database: str
    folder: Path = field(init=False)
    daemon: Daemon = field(init=False)
    port: int = field(init=False)
    client_user: str = field(init=False)

    def __post_init__(self):
        import psycopg.conninfo

        if shutil.which("pgbouncer") is None:
            raise BenchRefused("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        runs_as = unprivileged("postgres")  # PgBouncer refuses to run as root
        self.client_user = pwd.getpwuid(os.geteuid()).pw_name
        given = psycopg.conninfo.conninfo_to_dict(self.admin_url)
        # PgBouncer reaches PostgreSQL as the admin URL says; without a user, as the user it
        # runs as (peer authentication on the local socket).
        backend = {
            "host": given.get("host", "/var/run/postgresql"),
            "port": given.get("port", ""),
            "user": given.get("user") or runs_as or self.client_user,
            "password": given.get("password", ""),
        }
        self.folder = own_dir("booth-pgbouncer-", runs_as)
        self.port = free_port()
        (self.folder / "userlist.txt").write_text(f'"{self.client_user}" ""\n')
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(pgbouncer_config(self.port, self.database, backend, self.client_user, self.folder))  # fmt: skip
        for path in (ini, self.folder / "userlist.txt"):
            path.chmod(0o644)
        self.daemon = Daemon("pgbouncer", ["pgbouncer", str(ini)], self.folder / "pgbouncer.log",
                             user=runs_as, cwd=self.folder)  # fmt: skip
        deadline = time.monotonic() + START_S
        while True:
            if not self.daemon.alive():
                raise RuntimeError(f"pgbouncer did not start: {self.daemon.last_lines()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):  # fmt: skip
                break
            if time.monotonic() > deadline:
                raise RuntimeError("pgbouncer did not listen in time")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        """The URL the app nodes use: the database through PgBouncer."""
        return f"postgresql://{self.client_user}@127.0.0.1:{self.port}/{self.database}"

    def show(self, what: str) -> list[dict]:
        """``SHOW POOLS`` / ``SHOW STATS`` on PgBouncer's admin console (simple protocol only)."""
        import psycopg

        conn = psycopg.connect(
            f"host=127.0.0.1 port={self.port} dbname=pgbouncer user={self.client_user}",
            autocommit=True,
        )
        try:
            result = conn.pgconn.exec_(f"SHOW {what}".encode())
            names = [result.fname(i).decode() for i in range(result.nfields)]
            rows = []
            for r in range(result.ntuples):
                values = [result.get_value(r, c) for c in range(result.nfields)]
                rows.append({n: (v.decode() if v is not None else None) for n, v in zip(names, values, strict=True)})  # fmt: skip
            return rows
        finally:
            conn.close()

    def figures(self) -> dict:
        pools = [p for p in self.show("POOLS") if p["database"] == self.database]
        stats = [s for s in self.show("STATS") if s["database"] == self.database]
        keep_pool = ("cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_used", "maxwait", "maxwait_us")  # fmt: skip
        keep_stats = ("total_xact_count", "total_query_count", "total_xact_time", "total_query_time", "total_wait_time")  # fmt: skip
        return {
            "pool_mode": "transaction",
            "pool_size": PGBOUNCER_POOL,
            "pools": [{k: _number(p.get(k)) for k in keep_pool if k in p} for p in pools],
            "stats": [{k: _number(s.get(k)) for k in keep_stats if k in s} for s in stats],
            "cpu_s": round(self.daemon.cpu_s(), 2),
        }

    def stop(self) -> None:
        self.daemon.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _number(value):
    with contextlib.suppress(TypeError, ValueError):
        return int(value)
    return value


# --- HAProxy -----------------------------------------------------------------------------


def max_connections() -> int:
    """Client connections HAProxy may hold: each takes two descriptors (client and node)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    usable = hard if hard != resource.RLIM_INFINITY else 1 << 20
    return max(256, min(20_000, (usable - 100) // 2))


def haproxy_config(
    port: int, stats_port: int, nodes: list[tuple[str, int]], workers: int, folder: Path
) -> str:
    """haproxy.cfg: round robin over the nodes, health checks on /healthz, no stickiness."""
    maxconn = max_connections()
    servers = "\n".join(f"    server {name} 127.0.0.1:{p} check" for name, p in nodes)
    return f"""\
global
    maxconn {maxconn}

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout queue 30s
    timeout http-keep-alive 120s
    timeout check 5s
    errorfile 503 {folder}/503.http
    # A node that died refuses the connection: try another (redispatch); a request it
    # took and never answered is sent again where that is safe (see the backend).
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503

frontend hq
    bind 127.0.0.1:{port}
    maxconn {maxconn}
    # The client's own X-Forwarded-For is dropped; the proxy names the address it saw.
    http-request del-header X-Forwarded-For
    option forwardfor
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # Sent again only if repeating it changes nothing: reads, and journal pushes
    # (idempotent: the same entries again are a replay). Not enrolment, payments, forms.
    http-request disable-l7-retry if !METH_GET !{{ path /api/v1/journal }}
    default-server {CHECK} source {PROXY_SOURCE} maxconn {NODE_MAXCONN_PER_WORKER * workers}
{servers}

frontend stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
    stats refresh 0
"""


class HaProxy:
    def __init__(self, nodes: list[tuple[str, int]], workers: int):
        if shutil.which("haproxy") is None:
            raise BenchRefused("haproxy is not installed (Debian: apt-get install haproxy)")
        runs_as = unprivileged("nobody")
        self.folder = own_dir("booth-haproxy-", runs_as)
        self.port, self.stats_port = free_port(), free_port()
        cfg = self.folder / "haproxy.cfg"
        cfg.write_text(haproxy_config(self.port, self.stats_port, nodes, workers, self.folder))
        (self.folder / "503.http").write_text(BUSY_503)
        for path in (cfg, self.folder / "503.http"):
            path.chmod(0o644)
        check = subprocess.run(["haproxy", "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)  # fmt: skip
        if check.returncode != 0:
            raise RuntimeError(f"haproxy refused its config: {check.stderr.strip()}")
        self.daemon = Daemon("haproxy", ["haproxy", "-db", "-f", str(cfg)],
                             self.folder / "haproxy.log", user=runs_as, cwd=self.folder)  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        self.answered_503 = 0
        try:
            wait_healthy(self.url + "/healthz", START_S, self.daemon.alive, "haproxy")
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {self.daemon.last_lines()}") from None

    def servers(self) -> list[dict]:
        """Per node, from HAProxy's stats (CSV): requests answered, status, failed checks."""
        text = requests.get(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=10).text
        rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
        out = []
        for row in rows:
            if row["pxname"] == "hq" and row["svname"] == "FRONTEND":
                self.answered_503 = int(row.get("hrsp_5xx") or 0)
            if row["pxname"] != "nodes" or row["svname"] in ("FRONTEND", "BACKEND"):
                continue
            answered = sum(int(row.get(f"hrsp_{c}xx") or 0) for c in range(1, 6))
            out.append({
                "name": row["svname"],
                "requests": int(row.get("req_tot") or 0) or answered,
                "responses_5xx": int(row.get("hrsp_5xx") or 0),
                "status": row["status"],
                "failed_checks": int(row.get("chkfail") or 0),
                "retries": int(row.get("wretr") or 0),
                "redispatched": int(row.get("wredis") or 0),
                "went_down": int(row.get("chkdown") or 0),
                "queue_max": int(row.get("qmax") or 0),
            })  # fmt: skip
        return out

    def stop(self) -> None:
        self.daemon.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the app nodes and the whole of HQ ------------------------------------------------------


class Cluster:
    """HQ as ``nodes`` app processes behind HAProxy, optionally on PostgreSQL through
    PgBouncer. ``url`` is the proxy's; ``stop()`` stops everything it started. ``process``
    is the first node's (the fleet reads HQ's CPU from it and its workers): ``figures()``
    has every node's."""

    def __init__(
        self, db_url: str, folder: Path, *, nodes: int = 2, workers: int = 1,
        proxy: str = "haproxy", pgbouncer: tuple[str, str] | None = None, env: dict | None = None,
    ):  # fmt: skip
        if proxy not in PROXIES:
            raise BenchRefused(f"--proxy is one of {', '.join(PROXIES)}, not {proxy}")
        self.nodes: list[Daemon] = []
        self.pooler: PgBouncer | None = None
        self.proxy: HaProxy | None = None
        self.killed: list[str] = []
        self.cpu_at_start: dict[str, float] = {}
        self.cpu_at_kill: dict[str, float] = {}
        try:
            node_env = {**(env or {}), "FORWARDED_ALLOW_IPS": PROXY_SOURCE}
            if pgbouncer is not None:
                self.pooler = PgBouncer(*pgbouncer)
                db_url = self.pooler.url
                node_env["BOOTH_POS_SERVER_DB_POOLER"] = "transaction"
            ports = []
            for n in range(1, nodes + 1):
                port = free_port()
                command = [sys.executable, "-m", "sync.server.cli", "--db", db_url, "serve",
                           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]  # fmt: skip
                self.nodes.append(Daemon(f"node{n}", command, folder / f"node{n}.log", env=node_env))  # fmt: skip
                ports.append((f"node{n}", port))
            for node, (_, port) in zip(self.nodes, ports, strict=True):
                try:
                    wait_healthy(f"http://127.0.0.1:{port}/healthz", START_S, node.alive, node.name)  # fmt: skip
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}: {node.last_lines()}") from None
            self.ports = dict(ports)
            self.proxy = HaProxy(ports, workers)
        except BaseException:
            self.stop()
            raise
        self.url = self.proxy.url
        self.process = self.nodes[0].process
        self.started = time.monotonic()
        self.cpu_at_start = self._cpu()

    def node_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def kill_node(self, name: str) -> None:
        """SIGKILL one node and its workers, as a machine losing power."""
        node = next(n for n in self.nodes if n.name == name)
        self.cpu_at_kill[name] = node.cpu_s()
        node.kill()
        self.killed.append(name)

    def kill_after(self, name: str, seconds: float):
        """Kill ``name`` ``seconds`` from now, from a timer thread (the fleet keeps going)."""
        import threading

        timer = threading.Timer(seconds, self.kill_node, (name,))
        timer.daemon = True
        timer.start()
        return timer

    def _cpu(self) -> dict[str, float]:
        cpu = {node.name: self.cpu_at_kill.get(node.name) or node.cpu_s() for node in self.nodes}
        if self.proxy:
            cpu["haproxy"] = self.proxy.daemon.cpu_s()
        if self.pooler:
            cpu["pgbouncer"] = self.pooler.daemon.cpu_s()
        return cpu

    def figures(self) -> dict:
        """Per node requests (HAProxy's stats) and CPU, the proxy's CPU per request, and
        PgBouncer's pools and totals; CPU counted since the cluster started serving."""
        cpu = self._cpu()
        spent = {name: round(max(cpu[name] - self.cpu_at_start.get(name, 0.0), 0.0), 2) for name in cpu}  # fmt: skip
        servers = self.proxy.servers()
        for server in servers:
            server["cpu_s"] = spent.get(server["name"])
            server["killed"] = server["name"] in self.killed
        requests_total = sum(s["requests"] for s in servers)
        out = {
            "proxy": "haproxy",
            "nodes": servers,
            "nodes_cpu_s": round(sum(spent[node.name] for node in self.nodes), 2),
            "proxy_cpu_s": spent["haproxy"],
            "proxy_5xx": self.proxy.answered_503,
            "proxy_cpu_us_per_request": round(spent["haproxy"] / requests_total * 1e6, 1)
            if requests_total
            else None,  # fmt: skip
            "killed": list(self.killed),
        }
        if self.pooler:
            out["pgbouncer"] = self.pooler.figures()
        return out

    def stop(self) -> None:
        if self.proxy:
            self.proxy.stop()
        for node in self.nodes:
            node.stop()
        if self.pooler:
            self.pooler.stop()


def text(figures: dict) -> str:
    """The cluster's lines of the fleet's text report."""
    out = [f"HQ as {len(figures['nodes'])} nodes (the HQ CPU above is node1's): "
           f"{figures['nodes_cpu_s']:g} CPU s in all the nodes",
           f"through {figures['proxy']}: {figures['proxy_cpu_s']:g} CPU s, "
           f"{figures['proxy_cpu_us_per_request']} µs of CPU per request, "
           f"{figures['proxy_5xx']} answers 5xx to the terminals"]  # fmt: skip
    for node in figures["nodes"]:
        out.append(
            f"  {node['name']}: {node['requests']} requests, {node['cpu_s']} CPU s, "
            f"{node['status']}{' (killed)' if node['killed'] else ''}, "
            f"{node['retries']} retried, {node['redispatched']} redispatched, "
            f"went down {node['went_down']} times, queue at most {node['queue_max']}"
        )
    bouncer = figures.get("pgbouncer")
    if bouncer:
        for pool in bouncer["pools"]:
            out.append(
                f"pgbouncer ({bouncer['pool_mode']}, pool {bouncer['pool_size']}): "
                + ", ".join(f"{k} {v}" for k, v in pool.items())
            )
        for stats in bouncer["stats"]:
            out.append("  " + ", ".join(f"{k} {v}" for k, v in stats.items()))
        out.append(f"  pgbouncer CPU {bouncer['cpu_s']:g} s")
    return "\n".join(out)
