"""Helpers shared by the document and check benchmarks: machine facts, percentiles,
tables, databases and synthetic travel documents.

Not a benchmark itself. Everything that touches Concord is imported inside the
functions, so a spawned worker process pays only for what it uses.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
DOC_COLUMNS = ("reference", "number", "issuing_country", "type", "status", "issued", "expires")
DOC_COLUMNS_FULL = (*DOC_COLUMNS, "lost_on")
DOC_TYPES = ("passport", "passport", "passport", "id_card", "id_card", "residence_permit", "visa")
DOC_STATUSES = ("stolen", "stolen", "lost", "lost", "lost", "revoked", "invalid")


# -- the machine -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """nproc, memory, CPU model, Python and SQLite versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count() or 0),
        "memory": f"{mem / 2**30:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def revision() -> str:
    """The commit measured, and whether concord/ differs from it."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "concord"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (concord/ modified)" if dirty else head


def machine_line() -> str:
    m = machine()
    return (
        f"nproc {m['nproc']}, memory {m['memory']}, CPU {m['cpu']}, "
        f"Python {m['python']}, SQLite {m['sqlite']}, commit {revision()}"
    )


def rss_mb() -> float:
    """The resident set size of this process now (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def others_running(pattern: str = "bench/import_persons.py") -> bool:
    """Whether another benchmark that would distort full-size figures is running."""
    me = os.getpid()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == me:
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if pattern in cmdline:
            return True
    return False


# -- figures -----------------------------------------------------------------------------


def cpu_steal() -> tuple[int, int]:
    """(steal, all) CPU time in clock ticks from /proc/stat, (0, 0) where there is none.

    Steal is time the hypervisor gave this machine's CPUs to someone else: a
    latency percentile taken while it runs measures the host, not Concord.
    """
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of CPU time stolen between two ``cpu_steal`` readings (0 to 1)."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def percentiles(values: Sequence[float] | np.ndarray, ps: Sequence[float]) -> list[float]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return [float("nan") for _ in ps]
    return [float(v) for v in np.percentile(arr, ps)]


@dataclass
class Report:
    """One table: printed with rich, and as Markdown for docs/benchmarks.md."""

    title: str
    columns: list[str]
    rows: list[list[str]]

    def rich(self) -> Table:
        table = Table(title=self.title)
        for i, name in enumerate(self.columns):
            table.add_column(name, justify="left" if i == 0 else "right")
        for row in self.rows:
            table.add_row(*row)
        return table

    def markdown(self) -> str:
        head = "| " + " | ".join(self.columns) + " |"
        rule = "| " + " | ".join(["---"] + ["---:"] * (len(self.columns) - 1)) + " |"
        body = ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join([f"**{self.title}**", "", head, rule, *body])


def console() -> Console:
    out = Console()
    if not out.is_terminal:
        out.width = 140
    return out


def show(out: Console, reports: Sequence[Report], markdown: bool) -> None:
    for report in reports:
        out.print(report.rich())
    if markdown:
        for report in reports:
            print()
            print(report.markdown())


def write_json(path: Path | None, data: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(data, indent=2, default=str))


def fmt_int(v: float) -> str:
    return f"{v:,.0f}"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.3f}"


# -- databases ---------------------------------------------------------------------------


def pg_schema_url(base: str, schema: str) -> str:
    """``base`` with ``?options=-csearch_path=SCHEMA``: a dedicated schema."""
    from sqlalchemy.engine import make_url

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def pg_reset_schema(base: str, schema: str, *, create: bool = True) -> None:
    from sqlalchemy import text

    from concord.store.engine import make_engine

    engine = make_engine(base)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if create:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()


def sqlite_fresh(path: Path) -> str:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def sqlite_size_mb(path: Path) -> float:
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


def open_store(url: str, *, fresh: bool) -> Any:
    """A Store; a fresh one gets the schema and the countries."""
    from concord.domain.countries import current_members
    from concord.store import Store, countries_repo
    from concord.store.migrate import upgrade

    store = Store(url)
    if fresh:
        upgrade(store)
        with store.write() as conn:
            countries_repo.seed(conn, current_members())
    return store


def audit_count(store: Any) -> int:
    from sqlalchemy import func, select

    from concord.store.tables import audit_events

    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_events)).scalar_one())


# -- synthetic travel documents ------------------------------------------------------------


def state_weights() -> tuple[list[str], list[int]]:
    """The issuing states of ``synthetic_objects`` and the weights its generator gives them."""
    from concord.services.synthetic_objects import DOCUMENT_SHAPES

    states = list(DOCUMENT_SHAPES)
    return states, [len(states) - i for i in range(len(states))]


def split_by_state(count: int, states: list[str] | None, seed: int) -> dict[str, int]:
    """How many records each state reports (all 25 weighted, or the states given, evenly)."""
    if states:
        share, extra = divmod(count, len(states))
        return {s: share + (1 if i < extra else 0) for i, s in enumerate(states)}
    names, weights = state_weights()
    rng = np.random.default_rng(seed)
    p = np.array(weights, dtype=np.float64) / sum(weights)
    counts = rng.multinomial(count, p)
    return {s: int(c) for s, c in zip(names, counts, strict=True) if c}


def document_rows(state: str, count: int, seed: int) -> Iterator[dict[str, str]]:
    """CSV-shaped rows of one issuing state: numbers from ``synthetic_objects.document_number``."""
    from concord.services.synthetic_objects import document_number

    rnd = random.Random(f"{seed}-{state}")
    today = dt.date.today()
    issued_pool = [today - dt.timedelta(days=d) for d in range(30, 3650, 7)]
    for n in range(count):
        issued = rnd.choice(issued_pool)
        lost = issued + dt.timedelta(days=rnd.randint(1, (today - issued).days - 1))
        expires = issued.replace(year=issued.year + 10) if issued.month != 2 else None
        yield {
            "reference": f"BENCH-{state}-{n:09d}",
            "number": document_number(rnd, state),
            "issuing_country": state,
            "type": DOC_TYPES[n % len(DOC_TYPES)],
            "status": DOC_STATUSES[n % len(DOC_STATUSES)],
            "issued": issued.isoformat(),
            "expires": expires.isoformat() if expires else "",
            "lost_on": lost.isoformat(),
        }


def write_document_csvs(
    workdir: Path, counts: dict[str, int], seed: int
) -> list[tuple[str, Path, int]]:
    """One CSV per issuing state: an NCB may import only the documents its state issued."""
    out = []
    for state, count in counts.items():
        path = workdir / f"documents-{state}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=DOC_COLUMNS_FULL)
            writer.writeheader()
            writer.writerows(document_rows(state, count, seed))
        out.append((state, path, count))
    return out


def bulk_load_documents(store: Any, counts: dict[str, int], seed: int, batch: int = 5000) -> int:
    """Validated rows straight into ``records_repo.upsert_batch`` (no CSV): a fast loader."""
    from concord.domain.objects import validate_document
    from concord.store import records_repo
    from concord.store.tables import travel_documents

    total = 0
    for state, count in counts.items():
        rows: list[dict[str, Any]] = []
        for data in document_rows(state, count, seed):
            if not data["expires"]:
                del data["expires"]
            rows.append(validate_document(data, True).row)
            if len(rows) >= batch:
                with store.write() as conn:
                    records_repo.upsert_batch(
                        conn, travel_documents, "document", state, rows, {}, None
                    )
                total += len(rows)
                rows = []
        if rows:
            with store.write() as conn:
                records_repo.upsert_batch(conn, travel_documents, "document", state, rows, {}, None)
            total += len(rows)
    return total


def random_queries(
    count: int,
    seed: int,
    stored: Callable[[str], bool],
    hits: Sequence[tuple[str, str]],
    hit_every: int,
) -> list[tuple[str, str, bool]]:
    """(number, issuing state, is_hit): random numbers of the real shapes, ``hits`` spread in.

    A drawn number whose match key ``stored(key)`` says may be stored is drawn again (not
    timed), so the hit rate is exactly one in ``hit_every``.
    """
    from concord.identifiers.icao import normalise_issuing_state
    from concord.identifiers.normalise import document_number_key
    from concord.services.synthetic_objects import document_number

    names, weights = state_weights()
    rnd = random.Random(seed)
    out: list[tuple[str, str, bool]] = []
    hit_iter = iter(hits)
    while len(out) < count:
        if len(out) % hit_every == hit_every // 2:
            number, state = next(hit_iter)
            out.append((number, state, True))
            continue
        state = rnd.choices(names, weights)[0]
        number = document_number(rnd, state)
        # The match key as the store computes it (domain.objects.document_keys).
        key = f"D|{normalise_issuing_state(state)}|{document_number_key(number)}"
        if stored(key):
            continue
        out.append((number, state, False))
    return out


def stored_hits(store: Any, count: int, seed: int) -> list[tuple[str, str]]:
    """(number, issuing state) of ``count`` stored documents picked at random."""
    from sqlalchemy import func, select

    from concord.store.tables import travel_documents as t

    with store.read() as conn:
        top = int(conn.execute(select(func.max(t.c.id))).scalar_one() or 0)
        rnd = random.Random(seed)
        wanted = sorted({rnd.randint(1, top) for _ in range(count * 2)})
        rows = conn.execute(
            select(t.c.number, t.c.issuing_country).where(t.c.id.in_(wanted[: count * 2]))
        ).all()
    picked = [(str(n), str(s)) for n, s in rows]
    rnd.shuffle(picked)
    return picked[:count]


def sqlite_key_lookup(path: Path) -> Callable[[str], bool]:
    """``stored(key)`` for ``random_queries`` answered by the database itself."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    sql = "SELECT 1 FROM travel_documents WHERE issuing_country=? AND number_key=? LIMIT 1"

    def stored(key: str) -> bool:
        _, state, number = key.split("|", 2)
        return conn.execute(sql, (state, number)).fetchone() is not None

    return stored


def publish_red_notice(store: Any, owner: Any, gs: Any) -> None:
    """``owner``'s NCB records Karim Benali and asks for a red notice; ``gs`` publishes it
    (the subject the hit benchmarks check)."""
    from concord.domain.notices import Move, NoticeInput
    from concord.domain.persons import PersonInput
    from concord.services import notices, persons

    record = persons.create(
        store, owner, PersonInput.model_validate({"full_name": "Karim Benali", "dob": "1985-06-01"})
    )
    request = {
        "kind": "red", "crime_programme": "counter_terrorism", "purpose": "prosecution",
        "offences": [{"description": "terrorism", "law": "StGB § 89a", "max_penalty_months": 120}],
        "warrant": {"reference": "W", "date": "2026-01-01", "authority": "BGH"},
        "subject": {"kind": "person", "id": record["id"]},
    }  # fmt: skip
    notice = notices.create(store, owner, NoticeInput.model_validate(request))
    notices.move(store, owner, notice["id"], Move.SUBMIT)
    notices.move(store, gs, notice["id"], Move.PUBLISH)
