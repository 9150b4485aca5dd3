"""HQ as two app nodes behind HAProxy, on PostgreSQL through PgBouncer in transaction mode
(benchmarks/topology.py): the fleet's short run passes through it with both nodes serving,
a node killed mid-run loses no entry, the nodes see each terminal's own address only from
the proxy, and the server's pooler setting is what keeps it working behind PgBouncer."""

from __future__ import annotations

import json
import time

import httpx
import pytest
import requests
from sqlalchemy import text

from benchmarks import fleet, topology
from benchmarks.common import PgDatabases
from benchmarks.server import prepare_database
from sync.server import registry
from sync.server.db import make_engine
from tests.bench.test_fleet import PG_ADMIN, _pg_reachable

TERMINALS, SECONDS, POLL_S, SALES_PER_MINUTE = 100, 30, 10, 6


def _fleet(capsys, *args: str) -> dict:
    capsys.readouterr()
    code = fleet.main([*args, "--json"])
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert code == 0, (result["errors"], result["journals_mismatched"], captured.err)
    return result


def _need_pg():
    if not _pg_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}")


@pytest.mark.pg
def test_the_short_fleet_passes_through_two_nodes_haproxy_and_pgbouncer(capsys):
    _need_pg()
    result = _fleet(
        capsys, "--terminals", str(TERMINALS), "--seconds", str(SECONDS), "--poll-s", str(POLL_S),
        "--sales-per-minute", str(SALES_PER_MINUTE), "--db", PG_ADMIN,
        "--nodes", "2", "--workers", "1", "--pgbouncer",
    )  # fmt: skip
    assert result["errors"] == {}
    assert result["journals_checked"] == TERMINALS and result["journals_mismatched"] == []
    assert result["rollout"]["terminals_updated"] == TERMINALS, result["rollout"]
    assert result["pass"] is True
    assert result["unpushed_entries"] == 0 and result["quarantined"] == 0
    assert result["sales"] >= TERMINALS and result["entries_pushed"] == result["sales"]
    cluster = result["cluster"]
    nodes = {node["name"]: node for node in cluster["nodes"]}
    assert set(nodes) == {"node1", "node2"}
    # Round robin, no stickiness: both served about half of what the proxy passed on
    # (the fleet's requests, enrolment and the final journal reads).
    served = [node["requests"] for node in nodes.values()]
    assert min(served) > 0.3 * sum(served), served
    assert sum(served) >= result["requests"] + TERMINALS
    assert all(node["status"] == "UP" and node["responses_5xx"] == 0 for node in nodes.values())
    assert cluster["proxy_cpu_s"] > 0
    pool = cluster["pgbouncer"]["pools"][0]
    assert pool["cl_waiting"] == 0
    assert cluster["pgbouncer"]["stats"][0]["total_xact_count"] > result["entries_pushed"]
    # PostgreSQL sees PgBouncer's server connections only, never more than its pool.
    assert 1 <= result["pg_peak_connections"] <= topology.PGBOUNCER_POOL


def test_a_node_killed_mid_run_loses_no_entry_and_the_fleet_keeps_going(capsys):
    result = _fleet(
        capsys, "--terminals", "60", "--seconds", "20", "--poll-s", "5",
        "--sales-per-minute", "12", "--nodes", "2", "--workers", "1", "--kill-node-after", "8",
    )  # fmt: skip
    assert result["errors"] == {} and result["journals_mismatched"] == []
    assert result["journals_checked"] == 60 and result["unpushed_entries"] == 0
    nodes = {node["name"]: node for node in result["cluster"]["nodes"]}
    assert result["cluster"]["killed"] == ["node2"]
    assert nodes["node2"]["killed"] and nodes["node2"]["status"].startswith("DOWN")
    assert nodes["node2"]["requests"] > 0  # it served before it died
    # The survivor took over: it answered more than half, the final reads included.
    assert nodes["node1"]["requests"] > nodes["node2"]["requests"]


def _logged_clients(log, path: str) -> list[str]:
    clients = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and f'"path": "{path}"' in line:
            clients.append(json.loads(line)["client"])
    return clients


def _wait_logged(cluster, path: str, count: int) -> list[str]:
    deadline = time.monotonic() + 20
    while True:
        clients = [c for node in cluster.nodes for c in _logged_clients(node.log_path, path)]
        if len(clients) >= count or time.monotonic() > deadline:
            return clients
        time.sleep(0.05)


def test_the_nodes_see_the_terminals_address_only_from_the_proxy(tmp_path):
    engine = prepare_database(str(tmp_path / "hq.sqlite3"))
    with engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
        good = registry.add_enrol_code(conn, "B1", 1, by="admin:test")
    engine.dispose()
    env = {"BOOTH_POS_SERVER_LOG_LEVEL": "info", "BOOTH_POS_SERVER_FAILED_ENROLMENTS": "3"}
    cluster = topology.Cluster(str(tmp_path / "hq.sqlite3"), tmp_path, nodes=2, env=env)
    try:
        booth = httpx.Client(base_url=cluster.url, transport=httpx.HTTPTransport(local_address="127.0.0.3"))  # fmt: skip
        spoofed = {"X-Forwarded-For": "203.0.113.9"}
        for _ in range(4):  # through the proxy, round robin: each node sees the booth itself
            answer = booth.get("/api/v1/time", headers=spoofed)
            assert answer.status_code == 200
        assert set(_wait_logged(cluster, "/api/v1/time", 4)) == {"127.0.0.3"}
        # Straight to a node (not the proxy): its header is not believed.
        direct = requests.get(cluster.node_url("node1") + "/api/v1/time", headers=spoofed, timeout=10)  # fmt: skip
        assert direct.status_code == 200
        assert "127.0.0.1" in _wait_logged(cluster, "/api/v1/time", 5)

        # Wrong codes through the proxy land on both nodes and count once, per real address.
        for n in range(3):
            wrong = booth.post("/api/v1/enroll", json={"code": f"ZZZZ-ZZZZ-{n:04d}", "terminal": "T9"}, headers=spoofed)  # fmt: skip
            assert wrong.status_code == 401
        assert booth.post("/api/v1/enroll", json={"code": good, "terminal": "T1"}).status_code == 429  # fmt: skip
        neighbour = httpx.Client(base_url=cluster.url, transport=httpx.HTTPTransport(local_address="127.0.0.4"))  # fmt: skip
        enrolled = neighbour.post("/api/v1/enroll", json={"code": good, "terminal": "T1"})
        assert enrolled.status_code == 200, enrolled.text
        served = {node["name"]: node["requests"] for node in cluster.proxy.servers()}
        assert all(count > 0 for count in served.values()), served
    finally:
        cluster.stop()


@pytest.mark.pg
def test_behind_pgbouncer_the_server_must_not_prepare_statements(tmp_path):
    """PgBouncer 1.18 in transaction mode hands each transaction to any server connection:
    a statement psycopg prepared on one is missing on the next. The pooler setting
    (prepare_threshold=None) is what makes the same work pass."""
    _need_pg()
    databases = PgDatabases(PG_ADMIN)
    try:
        url = databases.create("pooler")
        prepare_database(url).dispose()
        bouncer = topology.PgBouncer(PG_ADMIN, databases.names[-1])
        try:
            broken = _busy_transactions(make_engine(_sa(bouncer.url)))
            assert broken is not None and ("_pg3_" in broken or "answered" in broken), broken
            assert _busy_transactions(make_engine(_sa(bouncer.url), pooler="transaction")) is None
        finally:
            bouncer.stop()
    finally:
        databases.close()


def _sa(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _busy_transactions(engine) -> str | None:
    """Two connections, each running its own query, taking turns to hold a transaction
    open while the other runs: the first error or wrong answer met, or None. psycopg names
    the statements it prepares per connection (_pg3_0, ...): on a server connection that
    PgBouncer shares, that name is the other connection's statement."""
    queries = (
        (text("SELECT 'terminals:' || count(*) FROM terminals WHERE id <> :x"), {"x": "a"}),
        (text("SELECT 'booths:' || count(*) FROM booths WHERE id <> :x AND name <> :y"), {"x": "b", "y": "c"}),
    )  # fmt: skip
    try:
        with engine.connect() as first, engine.connect() as second:
            mine = {id(first): queries[0], id(second): queries[1]}
            for _ in range(12):
                for holder, runner in ((first, second), (second, first)):
                    with holder.begin():
                        for conn in (holder, runner):
                            statement, values = mine[id(conn)]
                            if conn is runner:
                                conn.begin()
                            answer = conn.execute(statement, values).scalar_one()
                            expected = "terminals:0" if statement is queries[0][0] else "booths:0"
                            if answer != expected:
                                return f"asked for {expected}, answered {answer}"
                        runner.commit()
        return None
    except Exception as exc:  # psycopg: bind message supplies 1 parameters, but ...
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


def test_options_that_cannot_work_are_refused_in_one_line(capsys):
    assert fleet.main(["--kill-node-after", "3"]) == 1
    assert "needs --nodes 2 or more" in capsys.readouterr().err
    assert fleet.main(["--nodes", "9"]) == 1
    assert "--nodes is 1 to 8, not 9" in capsys.readouterr().err
