"""In-process travel-document checks: throughput and latency with N records loaded.

With a database of N travel documents (``--database``: e.g. the one
``documents_import.py --keep-db`` leaves; otherwise N records are bulk-inserted into a
fresh SQLite file with ``records_repo.upsert_batch``), this builds
``IdentifierIndex(store).load()`` (timed; its ``keys.nbytes`` and the process RSS before
and after), then ``Checker(store, index)`` and measures, as a frontline officer of FRA:

* (a) batches of 1,000 through ``checker.check_documents`` (throughput, per-batch p50/p99);
* (b) single checks through ``checker.check_one`` (throughput, p50/p99);
* (c) BASELINE: one indexed SQLite lookup per check through the sqlite3 module
  (``SELECT id FROM travel_documents WHERE issuing_country=? AND number_key=?``, the key
  normalised by the same functions), throughput and p50/p99.

Queries are random numbers of the stored shapes (states weighted as stored); one in
10,000 is a stored number (a hit). Every check writes its audit event through the real
batched writer; the run ends with ``store.audit.flush()`` and counts the events written.
Targets (issue): at least 200,000 checks/s in-process at 10M records; at least 5x the
baseline.

    .venv/bin/python bench/checks_inprocess.py --quick
    .venv/bin/python bench/checks_inprocess.py --database var/bench/documents.db
    .venv/bin/python bench/checks_inprocess.py --records 1000000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    Report,
    audit_count,
    bulk_load_documents,
    console,
    fmt_int,
    fmt_ms,
    machine_line,
    open_store,
    others_running,
    percentiles,
    random_queries,
    rss_mb,
    show,
    split_by_state,
    sqlite_fresh,
    stored_hits,
    write_json,
)

HIT_EVERY = 10_000
BATCH = 1_000
TARGET_RATE = 200_000
TARGET_RATIO = 5.0


def load_database(args: argparse.Namespace, out: Any) -> tuple[Any, Path, float]:
    """The store, the SQLite file, and how long the bulk load took (0 when reused)."""
    if args.database is not None:
        path = args.database.resolve()
        if not path.exists():
            raise SystemExit(f"no such database: {path}")
        return open_store(f"sqlite:///{path}", fresh=False), path, 0.0
    path = args.workdir / "checks.db"
    store = open_store(sqlite_fresh(path), fresh=True)
    out.print(f"bulk-loading {args.records:,} documents into {path} …")
    start = time.perf_counter()
    bulk_load_documents(store, split_by_state(args.records, None, args.seed), args.seed)
    return store, path, time.perf_counter() - start


def manifest_batches(queries: list[tuple[str, str, bool]]) -> list[list[tuple]]:
    """The (a) input: (qid, number, issuing state, None) rows in batches of ``BATCH``."""
    rows_all = [(str(i), n, s, None) for i, (n, s, _) in enumerate(queries)]
    return [rows_all[i : i + BATCH] for i in range(0, len(rows_all), BATCH)]


def single_items(queries: list[tuple[str, str, bool]]) -> list[dict]:
    """The (b) input: one check body a query."""
    return [{"document": {"number": n, "issuing_country": s}} for n, s, _ in queries]


def measure_batches(
    checker: Any, principal: Any, queries: list[tuple[str, str, bool]], batches: list[list[tuple]]
) -> dict:
    checks = sum(len(b) for b in batches)
    checker.check_documents(principal, batches[0])  # warm-up (not counted)
    times = []
    hits = 0
    with_hit: list[float] = []
    gc.collect()
    start = time.perf_counter()
    for batch in batches:
        t0 = time.perf_counter()
        answers = checker.check_documents(principal, batch)
        took = time.perf_counter() - t0
        times.append(took)
        found = sum(1 for a in answers if a["hit"])
        hits += found
        if found:
            with_hit.append(took)
    total = time.perf_counter() - start
    p50, p99 = percentiles(times, [50, 99])
    return {
        "checks": checks,
        "batches": len(batches),
        "seconds": total,
        "rate": checks / total,
        "p50": p50,
        "p99": p99,
        "hits": hits,
        "expected_hits": sum(1 for q in queries if q[2]),
        "hit_times": with_hit,
        "miss_median": percentiles([t for t in times if t not in with_hit], [50])[0],
    }


def measure_singles(
    checker: Any, principal: Any, queries: list[tuple[str, str, bool]], items: list[dict]
) -> dict:
    for item in items[:100]:
        checker.check_one(principal, item)  # warm-up (not counted)
    times = []
    hits = 0
    with_hit: list[float] = []
    gc.collect()
    clock = time.perf_counter
    start = clock()
    for item in items:
        t0 = clock()
        answer = checker.check_one(principal, item)
        took = clock() - t0
        times.append(took)
        if answer["hit"]:
            hits += 1
            with_hit.append(took)
    total = clock() - start
    p50, p99 = percentiles(times, [50, 99])
    return {
        "checks": len(items),
        "seconds": total,
        "rate": len(items) / total,
        "p50": p50,
        "p99": p99,
        "hits": hits,
        "expected_hits": sum(1 for q in queries if q[2]),
        "hit_times": with_hit,
        "miss_median": percentiles(times, [50])[0],
    }


def measure_lookup(index: Any, queries: list[tuple[str, str, bool]]) -> dict:
    """The index alone: ``keys.maybe_many`` over 1,000 keys, and ``keys.maybe`` one key."""
    from concord.identifiers.icao import normalise_issuing_state
    from concord.identifiers.normalise import document_number_key

    keys = [f"D|{normalise_issuing_state(s)}|{document_number_key(n)}" for n, s, _ in queries]
    for key in keys:
        hash(key)  # strings cache their hash; the checks compute it once as well
    clock = time.perf_counter
    start = clock()
    for i in range(0, len(keys), BATCH):
        index.keys.maybe_many(keys[i : i + BATCH])
    many = (clock() - start) / len(keys)
    few = keys[:100_000]
    start = clock()
    for key in few:
        index.keys.maybe(key)
    one = (clock() - start) / len(few)
    return {"many_seconds_per_key": many, "one_seconds_per_key": one}


def measure_baseline(path: Path, queries: list[tuple[str, str, bool]]) -> dict:
    """One indexed SQLite lookup a check, the key normalised as the import stores it."""
    from concord.identifiers.icao import normalise_issuing_state
    from concord.identifiers.normalise import document_number_key

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    sql = "SELECT id FROM travel_documents WHERE issuing_country=? AND number_key=?"
    for number, state, _ in queries[:100]:
        conn.execute(sql, (normalise_issuing_state(state), document_number_key(number))).fetchall()
    times = []
    hits = 0
    gc.collect()
    clock = time.perf_counter
    start = clock()
    for number, state, _ in queries:
        t0 = clock()
        found = conn.execute(
            sql, (normalise_issuing_state(state), document_number_key(number))
        ).fetchall()
        times.append(clock() - t0)
        hits += bool(found)
    total = clock() - start
    conn.close()
    p50, p99 = percentiles(times, [50, 99])
    return {
        "checks": len(queries),
        "seconds": total,
        "rate": len(queries) / total,
        "p50": p50,
        "p99": p99,
        "hits": hits,
        "expected_hits": sum(1 for q in queries if q[2]),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="documents to bulk-load")
    parser.add_argument("--database", type=Path, default=None, help="reuse this SQLite file")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20,000 records")
    parser.add_argument("--batch-checks", type=int, default=1_000_000, help="checks in (a)")
    parser.add_argument("--single-checks", type=int, default=200_000, help="checks in (b)")
    parser.add_argument("--baseline-checks", type=int, default=200_000, help="lookups in (c)")
    parser.add_argument("--workdir", type=Path, default=None, help="where a bulk-loaded DB goes")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after setup, so the benchmark's own data is not traversed by GC",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", type=Path, default=None, help="cProfile (a) and (b) here")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.records = 20_000
        args.batch_checks = 50_000
        args.single_checks = 20_000
        args.baseline_checks = 20_000
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    out = console()
    if others_running():
        out.print("[yellow]warning: bench/import_persons.py is running: figures distorted[/]")
    out.print(machine_line())
    temporary = args.database is None and args.workdir is None
    if args.database is None:
        args.workdir = (
            Path(tempfile.mkdtemp(prefix="concord-checks-")) if temporary else (args.workdir)
        )
        args.workdir.mkdir(parents=True, exist_ok=True)
    try:
        run(args, out)
    finally:
        if temporary:
            shutil.rmtree(args.workdir, ignore_errors=True)


def run(args: argparse.Namespace, out: Any) -> None:
    from sqlalchemy import func, select

    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.principal import Principal
    from concord.index.identifiers import IdentifierIndex
    from concord.services.checks import Checker
    from concord.store.tables import travel_documents

    store, path, bulk_seconds = load_database(args, out)
    with store.read() as conn:
        records = int(conn.execute(select(func.count()).select_from(travel_documents)).scalar_one())
    out.print(
        f"{records:,} travel documents in {path}"
        + (f" (bulk-loaded in {bulk_seconds:,.1f} s)" if bulk_seconds else "")
    )

    gc.collect()
    rss_before = rss_mb()
    index = IdentifierIndex(store)
    start = time.perf_counter()
    index.load()
    load_seconds = time.perf_counter() - start
    gc.collect()
    rss_after = rss_mb()
    out.print(
        f"index: {len(index.keys):,} keys, {index.keys.nbytes / 2**20:,.1f} MiB, "
        f"loaded in {load_seconds:,.1f} s; RSS {rss_before:,.0f} -> {rss_after:,.0f} MiB"
    )
    checker = Checker(store, index)
    principal = Principal(0, "bench", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)

    most = max(args.batch_checks, args.single_checks, args.baseline_checks)
    hits = stored_hits(store, most // HIT_EVERY + 2, args.seed)
    start = time.perf_counter()
    queries = random_queries(most, args.seed, index.keys.maybe, hits, HIT_EVERY)
    out.print(f"{len(queries):,} queries drawn in {time.perf_counter() - start:,.1f} s")

    batch_queries = queries[: args.batch_checks]
    single_queries = queries[: args.single_checks]
    batches = manifest_batches(batch_queries)
    items = single_items(single_queries)
    if args.gc_freeze:
        # The index, the queries and the inputs built from them are long-lived here
        # (in a server each request's rows die with it): keep them out of the
        # collector's full passes, as a server's start-up state would be with gc.freeze().
        gc.collect()
        gc.freeze()
    audit_before = audit_count(store)
    emitted_before = getattr(store.audit, "_emitted", 0)  # events queued so far
    profiler = cProfile.Profile() if args.profile else None

    out.print("(a) batches of 1,000 through check_documents …")
    if profiler:
        profiler.enable()
    batch = measure_batches(checker, principal, batch_queries, batches)
    out.print("(b) single checks through check_one …")
    single = measure_singles(checker, principal, single_queries, items)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(25)
    start = time.perf_counter()
    store.audit.flush(timeout=None)
    flush_seconds = time.perf_counter() - start
    emitted = getattr(store.audit, "_emitted", 0) - emitted_before
    written = audit_count(store) - audit_before
    lookup = measure_lookup(index, queries[: args.batch_checks])
    out.print("(c) baseline: one indexed SQLite lookup a check …")
    baseline = measure_baseline(path, queries[: args.baseline_checks])
    store.close()

    for name, m in (("batch", batch), ("single", single), ("baseline", baseline)):
        if m["hits"] != m["expected_hits"]:
            out.print(f"[red]{name}: {m['hits']} hits, expected {m['expected_hits']}[/]")

    reports = tables(records, index, load_seconds, rss_before, rss_after, batch, single, baseline)
    reports[0].rows.append(
        [
            "lookup alone ns a key: maybe_many(1,000) / maybe(1)",
            f"{lookup['many_seconds_per_key'] * 1e9:,.0f} / "
            f"{lookup['one_seconds_per_key'] * 1e9:,.0f}",
            "",
        ]
    )
    reports.append(
        Report(
            "Audit events written by (a) and (b)",
            ["measure", "value"],
            [
                ["events emitted (one per single check, one per batch)", fmt_int(emitted)],
                ["events written (audit_events rows added)", fmt_int(written)],
                ["final store.audit.flush() seconds", f"{flush_seconds:,.2f}"],
            ],
        )
    )
    reports.append(hit_costs(batch, single))
    show(out, reports, args.markdown)
    write_json(
        args.json,
        {
            "machine": machine_line(),
            "records": records,
            "index_keys": len(index.keys),
            "index_nbytes": index.keys.nbytes,
            "index_load_seconds": load_seconds,
            "rss_before_mb": rss_before,
            "rss_after_mb": rss_after,
            "batch": batch,
            "single": single,
            "baseline": baseline,
            "lookup": lookup,
            "audit_emitted": emitted,
            "audit_written": written,
            "audit_flush_seconds": flush_seconds,
        },
    )


def hit_costs(batch: dict, single: dict) -> Report:
    """A hit is confirmed against the store and recorded (a write): what that costs."""
    rows = []
    for label, m in (
        ("(a) batch of 1,000 holding a hit", batch),
        ("(b) single check, a hit", single),
    ):
        hit = m["hit_times"]
        p50, top = percentiles(hit, [50, 100]) if hit else (float("nan"), float("nan"))
        rows.append(
            [
                label,
                str(len(hit)),
                fmt_ms(m["miss_median"]),
                fmt_ms(p50),
                fmt_ms(top),
                f"{sum(hit) / m['seconds'] * 100:,.1f}%",
            ]
        )
    return Report(
        "What a hit costs (the confirming read and the hit row written)",
        ["case", "hits", "p50 without hit ms", "p50 with hit ms", "max ms", "share of run time"],
        rows,
    )


def tables(
    records: int,
    index: Any,
    load_seconds: float,
    rss_before: float,
    rss_after: float,
    batch: dict,
    single: dict,
    baseline: dict,
) -> list[Report]:
    millions = records / 1e6
    memory = Report(
        f"Identifier index, {records:,} records",
        ["measure", "value", "per million records"],
        [
            ["keys", fmt_int(len(index.keys)), ""],
            [
                "keys.nbytes MiB",
                f"{index.keys.nbytes / 2**20:,.1f}",
                f"{index.keys.nbytes / 2**20 / millions:,.2f}",
            ],
            [
                "process RSS before -> after load, MiB",
                f"{rss_before:,.0f} -> {rss_after:,.0f}",
                f"{(rss_after - rss_before) / millions:,.2f} (growth)",
            ],
            ["load seconds", f"{load_seconds:,.1f}", f"{load_seconds / millions:,.2f}"],
            ["load keys/s", fmt_int(len(index.keys) / load_seconds), ""],
        ],
    )
    base = baseline["rate"]
    rows = []
    for label, m, unit in (
        ("(a) check_documents, batches of 1,000", batch, "batch"),
        ("(b) check_one, single checks", single, "check"),
        ("(c) BASELINE sqlite3 indexed lookup", baseline, "check"),
    ):
        target = f"{m['rate'] / TARGET_RATE:.2f}×" if m is not baseline else "-"
        rows.append(
            [
                label,
                fmt_int(m["checks"]),
                f"{m['seconds']:,.2f}",
                fmt_int(m["rate"]),
                f"{fmt_ms(m['p50'])} / {fmt_ms(m['p99'])} per {unit}",
                f"{m['rate'] / base:.2f}×",
                target,
                f"{m['hits']}/{m['expected_hits']}",
            ]
        )
    figures = Report(
        f"Travel-document checks in-process, {records:,} records, 1 hit in {HIT_EVERY:,}",
        [
            "case",
            "checks",
            "seconds",
            "checks/s",
            "p50 / p99 ms",
            "vs baseline",
            "vs 200k/s",
            "hits",
        ],
        rows,
    )
    return [memory, figures]


if __name__ == "__main__":
    main()
