"""Import rate of travel-document records through the real import path, SQLite and PostgreSQL.

Generates one CSV per issuing state (numbers from
``concord.services.synthetic_objects.document_number``, states weighted as that
module's generator weighs them; generation is not timed), then for each backend,
in a fresh spawned process and a fresh database:

* ``import_objects(store, NCB of the state, DOCUMENT, csv)`` for every state's file
  (validation, upsert by (owner, reference), bulk insert, change log, audit);
* ``store.audit.flush()``.

The timer covers the import calls and the audit flush, not the schema or the country
seed. Target (issue): at least 150,000 rows/s into SQLite, 10M records.

    .venv/bin/python bench/documents_import.py --quick                # 20,000 rows, smoke
    .venv/bin/python bench/documents_import.py --records 1000000      # both backends
    .venv/bin/python bench/documents_import.py --records 10000000 --backends sqlite \\
        --workdir var/bench --keep-db                                  # reused by checks_*
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import pstats
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from common import (
    PG_URL,
    Report,
    console,
    fmt_int,
    machine_line,
    open_store,
    others_running,
    peak_rss_mb,
    pg_reset_schema,
    pg_schema_url,
    show,
    split_by_state,
    sqlite_fresh,
    sqlite_size_mb,
    write_document_csvs,
    write_json,
)

BACKENDS = ("sqlite", "postgresql")
PG_SCHEMA = "bench_docs"
TARGET_SQLITE = 150_000
PARALLEL = {"auto": None, "on": True, "off": False}


@dataclass
class Result:
    backend: str
    records: int
    states: int
    seconds: float
    flush_seconds: float
    read: int
    written: int
    rejected: int
    batches: int
    stored: int
    peak_rss_mb: float
    db_mb: float

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


def run_import(
    backend: str,
    url: str,
    files: list[tuple[str, str, int]],
    batch_size: int | None,
    profile: str | None,
    parallel: bool | None = None,
) -> Result:
    """One backend: a fresh schema, then every state's file through the real import."""
    from sqlalchemy import func, select, text

    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.principal import Principal
    from concord.services.import_objects import import_objects
    from concord.store.kinds import DOCUMENT
    from concord.store.tables import travel_documents

    store = open_store(url, fresh=True)
    read = written = rejected = batches = 0
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    for state, path, _count in files:
        principal = Principal(0, "bench", Role.NCB, state, MembershipStatus.MEMBER)
        csv_path = Path(path)
        report = import_objects(
            store,
            principal,
            DOCUMENT,
            csv_path,
            batch_size=batch_size,
            rejects=csv_path.with_name(f"{backend}-{state}.rejects.csv"),
            parallel=parallel,
        )
        read += report.read
        written += report.written
        rejected += report.rejected
        batches += report.batches
    imported = time.perf_counter()
    store.audit.flush(timeout=None)
    end = time.perf_counter()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    with store.read() as conn:
        stored = int(conn.execute(select(func.count()).select_from(travel_documents)).scalar_one())
        if store.is_sqlite:
            db_mb = 0.0
        else:
            size = "SELECT pg_total_relation_size('travel_documents')"
            size += " + pg_total_relation_size('change_log')"
            db_mb = int(conn.execute(text(size)).scalar_one()) / 2**20
    store.close()
    if store.is_sqlite:
        from sqlalchemy.engine import make_url

        db_mb = sqlite_size_mb(Path(make_url(url).database or ""))
    return Result(
        backend,
        sum(c for _, _, c in files),
        len(files),
        end - start,
        end - imported,
        read,
        written,
        rejected,
        batches,
        stored,
        peak_rss_mb(),
        db_mb,
    )


def _child(conn: Any, func: Any, args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", func(*args)))
    except BaseException as exc:
        conn.send(("error", repr(exc)))
        raise
    finally:
        conn.close()


def in_fresh_process(func: Any, *args: Any) -> Result:
    """``func(*args)`` in a new interpreter (its own peak RSS), not a daemon: the import
    may start a parsing process of its own."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, func, args))
    proc.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:
        status, value = "error", "the benchmark process died"
    proc.join()
    if status != "ok":
        raise SystemExit(f"import failed: {value}")
    result: Result = value
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="documents to import")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20,000 records")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql")
    parser.add_argument(
        "--states",
        default="",
        help="comma-separated issuing states (default: the 25 of synthetic_objects, weighted)",
    )
    parser.add_argument(
        "--parallel",
        choices=("auto", "on", "off"),
        default="auto",
        help="parse in a second process: auto (concord's default: files over 8 MB), on, off",
    )
    parser.add_argument("--batch-size", type=int, default=None, help="rows a transaction")
    parser.add_argument("--workdir", type=Path, default=None, help="CSV and SQLite files go here")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep WORKDIR/documents.db (for checks_inprocess/checks_http --database)",
    )
    parser.add_argument(
        "--keep-csv",
        action="store_true",
        help="keep the CSV files in WORKDIR, and reuse them when seed and counts match",
    )
    parser.add_argument("--generate-only", action="store_true", help="write the CSV files and stop")
    parser.add_argument("--pg-url", default=PG_URL, help=f"PostgreSQL server (default {PG_URL})")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile each import")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.records = 20_000
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not args.backends or any(b not in BACKENDS for b in args.backends):
        parser.error(f"--backends: choose among {', '.join(BACKENDS)}")
    args.states = [s.strip().upper() for s in args.states.split(",") if s.strip()]
    if (args.keep_db or args.keep_csv or args.generate_only) and args.workdir is None:
        parser.error("--keep-db, --keep-csv and --generate-only need --workdir")
    if args.generate_only:
        args.keep_csv = True
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    out = console()
    if others_running():
        out.print("[yellow]warning: bench/import_persons.py is running: figures distorted[/]")
    temporary = args.workdir is None
    workdir: Path = Path(tempfile.mkdtemp(prefix="concord-docs-")) if temporary else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    out.print(machine_line())
    results: list[Result] = []
    try:
        counts = split_by_state(args.records, args.states, args.seed)
        manifest = workdir / "documents-manifest.json"
        wanted = {"seed": args.seed, "counts": counts}
        if args.keep_csv and manifest.exists() and json.loads(manifest.read_text()) == wanted:
            files = [(s, workdir / f"documents-{s}.csv", c) for s, c in counts.items()]
            out.print(f"reusing the {len(files)} CSV files in {workdir}")
        else:
            start = time.perf_counter()
            files = write_document_csvs(workdir, counts, args.seed)
            manifest.write_text(json.dumps(wanted))
            gen = time.perf_counter() - start
            size = sum(p.stat().st_size for _, p, _ in files) / 2**20
            out.print(
                f"generated {args.records:,} rows in {len(files)} CSV files ({size:,.0f} MB) "
                f"in {gen:,.1f} s (not counted)"
            )
        if args.generate_only:
            return
        jobs = [(s, str(p), c) for s, p, c in files]
        for backend in args.backends:
            if backend == "sqlite":
                url = sqlite_fresh(workdir / "documents.db")
            else:
                pg_reset_schema(args.pg_url, PG_SCHEMA)
                url = pg_schema_url(args.pg_url, PG_SCHEMA)
            profile = str(workdir / f"import-{backend}.prof") if args.profile else None
            out.print(f"[bold]{backend}[/]: importing {args.records:,} records …")
            try:
                result = in_fresh_process(
                    run_import,
                    backend,
                    url,
                    jobs,
                    args.batch_size,
                    profile,
                    PARALLEL[args.parallel],
                )
            finally:
                if backend == "postgresql":
                    pg_reset_schema(args.pg_url, PG_SCHEMA, create=False)
            out.print(
                f"  read {result.read:,}, written {result.written:,}, rejected "
                f"{result.rejected:,}, stored {result.stored:,}; {result.seconds:,.1f} s"
            )
            if result.written != args.records or result.stored != args.records:
                raise SystemExit(f"{backend}: not every row landed: {result}")
            results.append(result)
            if profile:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        reports = [figures(results, args)]
        show(out, reports, args.markdown)
        write_json(
            args.json,
            {
                "machine": machine_line(),
                "records": args.records,
                "results": [asdict(r) | {"rate": r.rate} for r in results],
            },
        )
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not args.keep_db and "sqlite" in args.backends:
            for f in workdir.glob("documents.db*"):
                f.unlink()
        if not temporary:
            for f in workdir.glob("*.rejects.csv"):
                f.unlink()
            if not args.keep_csv:
                for f in workdir.glob("documents-*"):
                    f.unlink()


def figures(results: list[Result], args: argparse.Namespace) -> Report:
    rows = []
    for r in results:
        target = (
            f"{r.rate / TARGET_SQLITE:.2f}× of 150k" if r.backend == "sqlite" else "(no target)"
        )
        rows.append(
            [
                r.backend,
                fmt_int(r.read),
                str(r.states),
                f"{r.seconds:,.1f}",
                f"{r.flush_seconds:,.2f}",
                fmt_int(r.rate),
                target,
                fmt_int(r.peak_rss_mb),
                fmt_int(r.db_mb),
            ]
        )
    return Report(
        f"Travel-document import, {args.records:,} records, real import path, "
        f"parallel parsing {args.parallel}",
        [
            "backend",
            "rows",
            "files",
            "seconds",
            "of which audit flush s",
            "rows/s",
            "vs target",
            "peak RSS MB",
            "DB MB",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
