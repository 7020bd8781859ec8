"""Import rate of synthetic persons through the real import path, SQLite and PostgreSQL.

Generates one CSV of synthetic people (``PersonFactory``; generation is timed apart
and not counted), then for each backend:

* ``import``: a fresh database, ``import_persons`` as ``concord import persons FILE
  --country FRA`` runs it (validation, upsert by (owner, reference), change log, audit);
* ``rerun``: the same file again on the same database: every row is unchanged;
* ``baseline insert``: a fresh database, plain SQLAlchemy Core executemany INSERTs of
  the same rows into the same ``persons`` table, one transaction per batch. The row
  dicts are prepared (by the real validation) outside the timer: only the INSERTs and
  commits are timed, so the gap to ``import`` is what validation, upsert, change log
  and audit cost.

Each case runs in its own fresh (spawned) process, as one CLI invocation would, so its
peak RSS (``getrusage``) is its own. The import parses in a second process for files
over 8 MB (``--parallel auto``, as the CLI does); that process's peak RSS is counted
too (``RUSAGE_CHILDREN``), and the table shows the sum of the two. The timer covers
the import call and the audit flush, not the schema migration or the country seed.

    .venv/bin/python bench/import_persons.py                 # 1,000,000 rows, both backends
    .venv/bin/python bench/import_persons.py --rows 20000    # quick check
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import platform
import resource
import shutil
import subprocess
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import pg_reset_schema, pg_schema_url, sqlite_fresh
from rich.console import Console
from rich.table import Table

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_import"
BACKENDS = ("sqlite", "postgresql")
COLUMNS = (
    "reference",
    "full_name",
    "given_names",
    "family_names",
    "aliases",
    "dob",
    "place_of_birth",
    "nationalities",
    "sex",
    "description",
)
COUNTRY = "FRA"


@dataclass
class Result:
    backend: str
    case: str
    rows: int
    seconds: float
    rss_mb: float  # the process that writes
    child_rss_mb: float  # the parsing process, when the import spawned one
    db_mb: float
    detail: str

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def peak_rss_mb(self) -> float:
        return self.rss_mb + self.child_rss_mb


# -- the cases, each run in a spawned process ------------------------------------------


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in KiB on Linux; for RUSAGE_CHILDREN, the largest child waited for.
    return resource.getrusage(who).ru_maxrss / 1024


def _open_store(url: str, fresh: bool) -> Any:
    from concord.domain.countries import current_members
    from concord.store import Store, countries_repo
    from concord.store.migrate import upgrade

    store = Store(url)
    if fresh:
        upgrade(store)
        with store.write() as conn:
            countries_repo.seed(conn, current_members())
    return store


def _db_size_mb(store: Any, url: str) -> float:
    """SQLite: the file(s) on disk; PostgreSQL: persons + change_log with their indexes."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    if store.is_sqlite:
        store.close()  # the last connection checkpoints the WAL into the file
        base = Path(make_url(url).database or "")
        files = [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]
        return sum(f.stat().st_size for f in files if f.exists()) / 2**20
    query = "SELECT pg_total_relation_size('persons') + pg_total_relation_size('change_log')"
    with store.read() as conn:
        size = conn.execute(text(query)).scalar_one()
    store.close()
    return int(size) / 2**20


def run_import(
    backend: str,
    case: str,
    url: str,
    csv_path: str,
    batch_size: int | None,
    parallel: bool | None,
    fresh: bool,
) -> Result:
    """The real import path, timed from the call to the audit flush."""
    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.principal import Principal
    from concord.services.import_persons import import_persons

    store = _open_store(url, fresh)
    principal = Principal(0, "bench", Role.NCB, COUNTRY, MembershipStatus.MEMBER)
    path = Path(csv_path)
    rejects = path.with_name(f"{backend}-{case}.rejects.csv")
    start = time.perf_counter()
    report = import_persons(
        store, principal, path, batch_size=batch_size, rejects=rejects, parallel=parallel
    )
    store.audit.flush(timeout=None)
    seconds = time.perf_counter() - start
    db_mb = _db_size_mb(store, url)
    detail = (
        f"read {report.read}, written {report.written}, unchanged {report.unchanged}, "
        f"rejected {report.rejected}, batches {report.batches}"
    )
    return Result(
        backend,
        case,
        report.read,
        seconds,
        _peak_rss_mb(),
        _peak_rss_mb(resource.RUSAGE_CHILDREN),
        db_mb,
        detail,
    )


def run_baseline(backend: str, url: str, csv_path: str, batch_size: int | None) -> Result:
    """Plain Core executemany INSERTs of prepared rows; only the INSERTs and commits timed."""
    import datetime as dt

    from sqlalchemy import insert

    from concord.domain.persons import PersonInput, person_to_row
    from concord.services.import_persons import csv_to_input
    from concord.store.tables import persons

    store = _open_store(url, fresh=True)
    size = batch_size or store.settings.import_batch_size
    stmt = insert(persons)
    rows = batches = 0
    seconds = 0.0

    def flush(batch: list[dict[str, Any]]) -> float:
        start = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(stmt, batch)
        return time.perf_counter() - start

    with Path(csv_path).open(encoding="utf-8", newline="") as f:
        batch: list[dict[str, Any]] = []
        for record in csv.DictReader(f):
            # Prepared outside the timer: the same row values the import stores.
            now = dt.datetime.now(dt.UTC)
            row = person_to_row(PersonInput.model_validate(csv_to_input(record)))
            row.update(owner=COUNTRY, created_at=now, updated_at=now, created_by=None, version=1)
            batch.append(row)
            if len(batch) >= size:
                seconds += flush(batch)
                rows += len(batch)
                batches += 1
                batch = []
        if batch:
            seconds += flush(batch)
            rows += len(batch)
            batches += 1
    db_mb = _db_size_mb(store, url)
    detail = f"inserted {rows}, batches {batches}"
    return Result(backend, "baseline insert", rows, seconds, _peak_rss_mb(), 0.0, db_mb, detail)


def _call(send: Any, func: Any, args: tuple[Any, ...]) -> None:
    try:
        send.send(("ok", func(*args)))
    except BaseException:
        send.send(("error", traceback.format_exc()))
        raise


def in_fresh_process(func: Any, *args: Any) -> Result:
    """Run ``func(*args)`` in a new interpreter, so its peak RSS is its own.

    A plain (non-daemon) process: the import may start a parsing process of its own.
    """
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_call, args=(send, func, args))
    process.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:
        status, value = "error", "the benchmark process died without a result"
    process.join()
    if status != "ok":
        raise SystemExit(f"{func.__name__}{args}: failed\n{value}")
    result: Result = value
    return result


# -- the persons file ---------------------------------------------------------------


def generate(path: Path, rows: int, seed: int) -> float:
    from concord.services.synthetic import PersonFactory

    start = time.perf_counter()
    factory = PersonFactory(seed=seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(factory.people(rows, prefix="BENCH-"))
    return time.perf_counter() - start


def bench_backend(
    backend: str, args: argparse.Namespace, csv_path: Path, console: Console
) -> list[Result]:
    results = []
    if backend == "sqlite":
        db = args.workdir / "import.db"
        url = sqlite_fresh(db)
    else:
        pg_reset_schema(args.pg_url, PG_SCHEMA)
        url = pg_schema_url(args.pg_url, PG_SCHEMA)
    try:
        for case, fresh in (("import", True), ("rerun", False)):
            console.print(f"[bold]{backend}[/]: {case} …")
            result = in_fresh_process(
                run_import, backend, case, url, str(csv_path), args.batch_size, args.parallel, fresh
            )
            console.print(f"  {result.detail}; {result.seconds:.1f} s")
            results.append(result)
        console.print(f"[bold]{backend}[/]: baseline insert …")
        if backend == "sqlite":
            url = sqlite_fresh(args.workdir / "baseline.db")
        else:
            pg_reset_schema(args.pg_url, PG_SCHEMA)
        result = in_fresh_process(run_baseline, backend, url, str(csv_path), args.batch_size)
        console.print(f"  {result.detail}; {result.seconds:.1f} s")
        results.append(result)
    finally:
        if backend == "postgresql":
            pg_reset_schema(args.pg_url, PG_SCHEMA, create=False)
    _check(results, args.rows)
    return results


def _check(results: list[Result], rows: int) -> None:
    """The figures only mean something if every row went where it should."""
    expected = {
        "import": f"read {rows}, written {rows}, unchanged 0, rejected 0",
        "rerun": f"read {rows}, written 0, unchanged {rows}, rejected 0",
        "baseline insert": f"inserted {rows},",
    }
    for r in results:
        if not r.detail.startswith(expected[r.case]):
            raise SystemExit(f"{r.backend} {r.case}: unexpected outcome: {r.detail}")


def figures_table(results: list[Result], title: str) -> Table:
    table = Table(title=title)
    for name in ("backend", "case", "rows", "seconds", "rows/s", "peak RSS MB"):
        table.add_column(name, justify="left" if name in ("backend", "case") else "right")
    for r in results:
        table.add_row(
            r.backend,
            r.case,
            f"{r.rows:,}",
            f"{r.seconds:,.1f}",
            f"{r.rate:,.0f}",
            f"{r.peak_rss_mb:,.0f}",
        )
    return table


def size_table(results: list[Result]) -> Table:
    table = Table(title="Database size on disk after each case; peak RSS by process")
    for name in ("backend", "case", "database size measured", "DB MB", "writer MB", "parser MB"):
        table.add_column(name, justify="right" if "MB" in name else "left")
    for r in results:
        what = "SQLite file" if r.backend == "sqlite" else "persons + change_log"
        parser = f"{r.child_rss_mb:,.0f}" if r.child_rss_mb else "-"
        table.add_row(r.backend, r.case, what, f"{r.db_mb:,.1f}", f"{r.rss_mb:,.0f}", parser)
    return table


def markdown(results: list[Result]) -> str:
    lines = [
        "| backend | case | rows | seconds | rows/s | peak RSS MB (writer + parser) | DB size MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rss = f"{r.peak_rss_mb:,.0f}"
        if r.child_rss_mb:
            rss += f" ({r.rss_mb:,.0f} + {r.child_rss_mb:,.0f})"
        lines.append(
            f"| {r.backend} | {r.case} | {r.rows:,} | {r.seconds:,.1f} | {r.rate:,.0f} "
            f"| {rss} | {r.db_mb:,.1f} |"
        )
    return "\n".join(lines)


def concord_version() -> str:
    """Where concord is imported from, and its commit when that is a git work tree."""
    import concord

    where = Path(concord.__file__).parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"{where} (not a git work tree)"
    return f"{where} at {commit}" + (" with uncommitted changes" if dirty else "")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="persons to import")
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma-separated: sqlite,postgresql (default both)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="rows per transaction (default: the setting CONCORD_IMPORT_BATCH_SIZE, 5000)",
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the CSV and SQLite files go (kept)"
    )
    parser.add_argument(
        "--parallel",
        choices=("auto", "on", "off"),
        default="auto",
        help="parse in a second process: auto (the CLI default: files over 8 MB), on, off",
    )
    parser.add_argument("--pg-url", default=PG_URL, help=f"PostgreSQL server (default {PG_URL})")
    parser.add_argument("--seed", type=int, default=2026, help="PersonFactory seed")
    parser.add_argument(
        "--markdown", action="store_true", help="also print the figures as a Markdown table"
    )
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in args.backends if b not in BACKENDS]
    if unknown or not args.backends:
        parser.error(f"--backends: choose among {', '.join(BACKENDS)}")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    args.parallel = {"auto": None, "on": True, "off": False}[args.parallel]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console.width = 120
    temporary = args.workdir is None
    args.workdir = Path(tempfile.mkdtemp(prefix="concord-bench-")) if temporary else args.workdir
    args.workdir.mkdir(parents=True, exist_ok=True)
    from concord.settings import get_settings

    batch = args.batch_size or get_settings().import_batch_size
    parallel = {None: "auto", True: "on", False: "off"}[args.parallel]
    console.print(
        f"python {platform.python_version()}, {args.rows:,} rows, batch size {batch}, "
        f"parallel parsing {parallel}, backends {','.join(args.backends)}, "
        f"workdir {args.workdir}\nconcord: {concord_version()}"
    )
    try:
        csv_path = args.workdir / "persons.csv"
        seconds = generate(csv_path, args.rows, args.seed)
        console.print(
            f"generated {csv_path} ({csv_path.stat().st_size / 2**20:,.1f} MB) in "
            f"{seconds:.1f} s ({args.rows / seconds:,.0f} rows/s; not counted)"
        )
        results: list[Result] = []
        for backend in args.backends:
            results += bench_backend(backend, args, csv_path, console)
        console.print(figures_table(results, f"Person import, {args.rows:,} rows, batch {batch}"))
        console.print(size_table(results))
        if args.markdown:
            print(markdown(results))
        for r in results:
            console.print(f"{r.backend} {r.case}: {r.detail}")
    finally:
        if temporary:
            shutil.rmtree(args.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
