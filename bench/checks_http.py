"""Travel-document checks over HTTP: ``concord serve --workers 2`` loaded by wrk.

Against a SQLite database of N travel documents (a copy of ``--database``, e.g. the
one ``documents_import.py --keep-db`` leaves, so that the audit events of earlier runs
do not pile up in it; otherwise N records are bulk-inserted into a fresh file), this
creates a frontline user of FRA and a token with the real CLI, starts
``concord serve --workers 2`` on 127.0.0.1 and a free port, waits until every worker has
loaded its index and /health answers, then runs wrk (a separate process) for a bounded
time per case:

* single checks: POST /checks ``{"document": {"number", "issuing_country"}}``, the
  numbers varying (10,000 bodies, one of them a stored number): requests/s, p50/p99;
* batches: POST /checks/batch with 1,000 items a body (10 bodies, one stored number in
  all): batches/s, checks/s and p50/p99 per batch.

The server and wrk share the machine's cores; the CPU seconds each used are reported, and
the server's CPU time per request, which other load on the machine disturbs least.
Target (issue): at least 5,000 single checks/s over HTTP with p99 at most 20 ms.

    .venv/bin/python bench/checks_http.py --quick
    .venv/bin/python bench/checks_http.py --database var/bench/documents.db --duration 30
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import (
    Report,
    bulk_load_documents,
    console,
    cpu_steal,
    fmt_int,
    machine_line,
    open_store,
    others_running,
    random_queries,
    show,
    split_by_state,
    sqlite_fresh,
    sqlite_key_lookup,
    steal_share,
    stored_hits,
    write_json,
)

HIT_EVERY = 10_000
SINGLE_BODIES = 10_000
BATCH_ITEMS = 1_000
BATCH_BODIES = 10
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
TARGET_RPS = 5_000
TARGET_P99_MS = 20.0

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
local bodies = dofile("%(bodies)s")
local counter = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  counter = (id or 0) * 4999
end

function request()
  counter = counter + 1
  return wrk.format(nil, "%(path)s", nil, bodies[counter %% #bodies + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, '
    .. '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50": %%d, '
    .. '"p90": %%d, "p99": %%d, "p999": %%d, "mean": %%f, "max": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.mean, latency.max))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def write_bodies(path: Path, bodies: list[str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("return {\n")
        for body in bodies:
            f.write(lua_string(body) + ",\n")
        f.write("}\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its live children (the uvicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    exe = Path(sys.executable).with_name("concord")
    done = subprocess.run(
        [str(exe), *args], input=stdin, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"concord {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def wait_ready(port: int, log: Path, workers: int, timeout: float, proc: Any) -> float:
    """Seconds until every worker finished its startup (index load) and /health answers."""
    start = time.perf_counter()
    url = f"http://127.0.0.1:{port}/health"
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: see {log}")
        started = log.read_text(errors="replace").count("Application startup complete")
        if started >= workers:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        return time.perf_counter() - start
            except OSError:
                pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready within {timeout} s: see {log}")


def run_wrk(
    port: int, script: Path, seconds: int, threads: int, connections: int, server_pid: int
) -> dict[str, Any]:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_server = cpu_seconds(server_pid)
    before_steal = cpu_steal()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    stolen = steal_share(before_steal, cpu_steal())
    server_cpu = cpu_seconds(server_pid) - before_server
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    result: dict[str, Any] = json.loads(line.removeprefix("WRKJSON "))
    result["wrk_cpu"] = (after_children.ru_utime - before_children.ru_utime) + (
        after_children.ru_stime - before_children.ru_stime
    )
    result["server_cpu"] = server_cpu
    result["steal"] = stolen
    result["connections"] = connections
    result["threads"] = threads
    result["seconds"] = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="documents to bulk-load")
    parser.add_argument("--database", type=Path, default=None, help="reuse this SQLite file")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20,000 records, 5 s")
    parser.add_argument("--duration", type=int, default=20, help="seconds a case (max 60)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--single-connections",
        default="8,32",
        help="wrk connections for single checks, one case each (comma-separated)",
    )
    parser.add_argument("--batch-connections", type=int, default=4)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="use --database itself, not a copy (its audit log grows run after run)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.records = 20_000
        args.duration = 5
    args.duration = max(1, min(args.duration, 60))
    args.single_connections = [int(c) for c in args.single_connections.split(",") if c.strip()]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    out = console()
    if others_running():
        out.print("[yellow]warning: bench/import_persons.py is running: figures distorted[/]")
    out.print(machine_line())
    temporary = args.workdir is None
    workdir: Path = Path(tempfile.mkdtemp(prefix="concord-http-")) if temporary else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        run(args, workdir, out)
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)


def prepare_database(args: argparse.Namespace, workdir: Path, out: Any) -> Path:
    if args.database is not None:
        source = args.database.resolve()
        if not source.exists():
            raise SystemExit(f"no such database: {source}")
        if args.in_place:
            return source
        # Every run writes ~280k audit events: on the same file, run after run,
        # the p99 at 8 connections went from 12-18 ms to 73-119 ms (2.5M events,
        # 2.4 GB). A copy makes runs comparable.
        path = workdir / "checks.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        out.print(f"copied {source} to {path}")
        return path
    path = workdir / "checks.db"
    store = open_store(sqlite_fresh(path), fresh=True)
    out.print(f"bulk-loading {args.records:,} documents into {path} …")
    bulk_load_documents(store, split_by_state(args.records, None, args.seed), args.seed)
    store.close()
    return path


def run(args: argparse.Namespace, workdir: Path, out: Any) -> None:
    path = prepare_database(args, workdir, out)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    records = int(db.execute("SELECT count(*) FROM travel_documents").fetchone()[0])
    out.print(f"{records:,} travel documents in {path}")

    # Bodies (not timed): random numbers of the stored shapes, one stored number in 10,000.
    store = open_store(f"sqlite:///{path}", fresh=False)
    hits = stored_hits(store, 3, args.seed)
    store.close()
    stored = sqlite_key_lookup(path)
    singles = random_queries(SINGLE_BODIES, args.seed, stored, hits, HIT_EVERY)
    manifest = random_queries(BATCH_ITEMS * BATCH_BODIES, args.seed + 1, stored, hits, HIT_EVERY)
    single_path = workdir / "single_bodies.lua"
    write_bodies(
        single_path,
        [json.dumps({"document": {"number": n, "issuing_country": s}}) for n, s, _ in singles],
    )
    batch_path = workdir / "batch_bodies.lua"
    write_bodies(
        batch_path,
        [
            json.dumps(
                {
                    "items": [
                        {"qid": str(i), "document": {"number": n, "issuing_country": s}}
                        for i, (n, s, _) in enumerate(manifest[b : b + BATCH_ITEMS])
                    ]
                }
            )
            for b in range(0, len(manifest), BATCH_ITEMS)
        ],
    )

    env = dict(os.environ)
    env.update(CONCORD_DATABASE_URL=f"sqlite:///{path}", CONCORD_SECRET_KEY=SECRET)
    user = f"bench.http.{os.getpid()}.{int(time.time())}"
    cli(
        env,
        "user",
        "add",
        user,
        "--role",
        "frontline",
        "--country",
        "FRA",
        "--password-stdin",
        stdin="bench-password-long-enough\n",
    )
    token = cli(env, "token", "create", user).strip().splitlines()[-1].strip()
    scripts = {}
    for name, target, bodies in (
        ("single", "/checks", single_path),
        ("batch", "/checks/batch", batch_path),
    ):
        script = workdir / f"{name}.lua"
        script.write_text(LUA % {"token": token, "bodies": bodies, "path": target})
        scripts[name] = script
    audit_before = int(db.execute("SELECT count(*) FROM audit_events").fetchone()[0])

    port = free_port()
    log = workdir / "server.log"
    exe = Path(sys.executable).with_name("concord")
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(args.workers)]
    out.print(f"starting {' '.join(cmd[1:])} …")
    with log.open("w") as log_file:
        server = subprocess.Popen(
            cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    results: list[tuple[str, dict[str, Any]]] = []
    try:
        ready = wait_ready(port, log, args.workers, args.startup_timeout, server)
        out.print(f"ready in {ready:,.1f} s (every worker loaded its index)")
        run_wrk(port, scripts["single"], 3, 1, 4, server.pid)  # warm-up (not counted)
        for connections in args.single_connections:
            out.print(f"single checks, {connections} connections, {args.duration} s …")
            r = run_wrk(
                port, scripts["single"], args.duration, args.wrk_threads, connections, server.pid
            )
            results.append(("single", r))
        out.print(f"batches of 1,000, {args.batch_connections} connections, {args.duration} s …")
        r = run_wrk(
            port,
            scripts["batch"],
            args.duration,
            args.wrk_threads,
            args.batch_connections,
            server.pid,
        )
        results.append(("batch", r))
    finally:
        stop(server)
    audit_after = int(db.execute("SELECT count(*) FROM audit_events").fetchone()[0])
    hit_rows = int(db.execute("SELECT count(*) FROM hits").fetchone()[0])
    db.close()
    reports = tables(records, args, results, ready, audit_after - audit_before, hit_rows)
    show(out, reports, args.markdown)
    write_json(
        args.json,
        {
            "machine": machine_line(),
            "records": records,
            "ready_seconds": ready,
            "results": [{"case": c, **r} for c, r in results],
            "audit_written": audit_after - audit_before,
        },
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGINT to uvicorn (a clean shutdown flushes the audit log), then SIGKILL its group."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def tables(
    records: int,
    args: argparse.Namespace,
    results: list[tuple[str, dict[str, Any]]],
    ready: float,
    audit: int,
    hit_rows: int,
) -> list[Report]:
    rows = []
    for case, r in results:
        per = BATCH_ITEMS if case == "batch" else 1
        label = "POST /checks" if case == "single" else "POST /checks/batch (1,000)"
        target = "-"
        if case == "single":
            ok_rate = r["rps"] >= TARGET_RPS
            ok_p99 = r["p99"] / 1000 <= TARGET_P99_MS
            target = (
                f"{r['rps'] / TARGET_RPS:.2f}× rate {'met' if ok_rate else 'missed'}, "
                f"p99 {'met' if ok_p99 else 'missed'}"
            )
        rows.append(
            [
                label,
                str(r["connections"]),
                f"{r['seconds']:,.1f}",
                fmt_int(r["requests"]),
                f"{r['rps']:,.1f}",
                fmt_int(r["rps"] * per),
                f"{r['p50'] / 1000:,.2f}",
                f"{r['p99'] / 1000:,.2f}",
                str(r["errors"]),
                f"{r['server_cpu'] / r['seconds']:.2f} / {r['wrk_cpu'] / r['seconds']:.2f}",
                f"{1000 * r['server_cpu'] / max(r['requests'], 1):.3f}",
                f"{100 * r['steal']:.1f}",
                target,
            ]
        )
    figures = Report(
        f"Travel-document checks over HTTP, {records:,} records, "
        f"concord serve --workers {args.workers}, wrk -t{args.wrk_threads}",
        [
            "case",
            "conns",
            "seconds",
            "requests",
            "requests/s",
            "checks/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "cores server / wrk",
            "server CPU ms/request",
            "CPU stolen by the host %",
            "vs target (5k/s, p99 ≤ 20 ms)",
        ],
        rows,
    )
    notes = Report(
        "Run facts",
        ["measure", "value"],
        [
            ["server ready after (index load in every worker) s", f"{ready:,.1f}"],
            ["audit events written during the run", fmt_int(audit)],
            ["hits recorded (hits table, all runs)", fmt_int(hit_rows)],
        ],
    )
    return [figures, notes]


if __name__ == "__main__":
    main()
