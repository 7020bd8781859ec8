"""How soon a person made checkable through one process is found by a name check in another.

Issue 4 asks for within one second. A person answers a check while it is the
subject of a published notice, so one process (this one) writes a person and
publishes a notice about it through the service layer (``persons.create``,
``notices.create``, submit, publish: one transaction each, as the API does); a
second process holds a ``PersonNameIndex`` that follows the change log (``--poll``
seconds, 0.2 by default, as ``concord serve``) and checks the new name every 2 ms
until the new record is a candidate. Measured: the time from the publication's
commit to the first check that finds it (p50, p99, max), with N wanted persons
already in the store, on SQLite and PostgreSQL.

BASELINE: rebuilding the index from the store (``PersonNameIndex.load``), what a
process that did not follow the change log would pay to see any write.

    .venv/bin/python bench/names_freshness.py --persons 100000 --writes 60
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    PG_URL,
    Report,
    console,
    fmt_int,
    machine_line,
    open_store,
    percentiles,
    pg_reset_schema,
    pg_schema_url,
    revision,
    show,
    sqlite_fresh,
)

SCHEMA = "bench_freshness"


def seed(store: Any, count: int) -> None:
    """``count`` synthetic people of many scripts, owned by France, each the subject of
    a published blue notice (written in bulk: the service's checks are not measured)."""
    from concord.domain.persons import PersonInput, person_to_row
    from concord.services.import_persons import csv_to_input
    from concord.services.synthetic import PersonFactory
    from concord.store import persons_repo

    factory = PersonFactory(seed=5, pool_size=300)
    batch: list[dict[str, Any]] = []
    for raw in factory.people(count, prefix="F"):
        batch.append(person_to_row(PersonInput.model_validate(csv_to_input(raw))))
        if len(batch) == 5000:
            with store.write() as conn:
                persons_repo.upsert_batch(conn, "FRA", batch, {}, None)
            batch = []
    if batch:
        with store.write() as conn:
            persons_repo.upsert_batch(conn, "FRA", batch, {}, None)
    _publish_all(store)


def _publish_all(store: Any) -> None:
    import datetime as dt

    from sqlalchemy import insert, literal, select

    from concord.store.tables import notices, persons

    now = dt.datetime.now(dt.UTC)
    columns = {
        "owner": persons.c.owner,
        "kind": literal("blue"),
        "state": literal("published"),
        "subject_kind": literal("person"),
        "subject_id": persons.c.id,
        "crime_programme": literal("organized_emerging_crime"),
        "urgent": literal(False),
        "public_extract": literal(False),
        "body": literal({}, type_=notices.c.body.type),
        "review_date": literal("2031-01-01"),
        "created_at": literal(now),
        "updated_at": literal(now),
        "version": literal(1),
    }
    with store.write() as conn:
        conn.execute(insert(notices).from_select(list(columns), select(*columns.values())))


def checker(url: str, poll: float) -> None:
    """The reading process: load, follow, and answer each "id<TAB>name" with the lag."""
    from concord.index.names import PersonNameIndex
    from concord.matching.check import Thresholds, check, person_query
    from concord.store import Store

    store = Store(url)
    index = PersonNameIndex(store, poll_interval=poll)
    started = time.perf_counter()
    index.start()
    print(f"loaded {time.perf_counter() - started:.3f}", flush=True)
    thresholds = Thresholds()
    for line in sys.stdin:
        record_id, name, committed = line.rstrip("\n").split("\t")
        query = person_query(name)
        deadline = time.time() + 10
        found = None
        while time.time() < deadline:
            candidates = check(index.names, query, thresholds=thresholds, explain=False)
            if any(str(c.record.key) == record_id for c in candidates):
                found = time.time()
                break
            time.sleep(0.002)
        lag = "lost" if found is None else f"{found - float(committed):.4f}"
        print(lag, flush=True)
    index.stop()
    store.close()


def measure(url: str, persons: int, writes: int, poll: float, rng: random.Random) -> list[str]:
    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.notices import Move, NoticeInput
    from concord.domain.persons import PersonInput
    from concord.domain.principal import Principal
    from concord.index.names import PersonNameIndex
    from concord.services import notices
    from concord.services import persons as person_service
    from concord.services.synthetic import PersonFactory

    store = open_store(url, fresh=True)
    PersonNameIndex(store).load()  # loads the name tagger once, outside the rebuild timed below
    started = time.perf_counter()
    seed(store, persons)
    seeded = time.perf_counter() - started
    rebuild = PersonNameIndex(store)
    started = time.perf_counter()
    rebuild.load()
    rebuild_s = time.perf_counter() - started
    del rebuild

    reader = subprocess.Popen(
        [sys.executable, __file__, "--checker", url, "--poll", str(poll)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None
    loaded = float(reader.stdout.readline().split()[1])
    owner = Principal(0, "bench", Role.NCB, "DEU", MembershipStatus.MEMBER)
    gs = Principal(0, "bench-gs", Role.GS, "XPO", MembershipStatus.MEMBER)
    factory = PersonFactory(seed=99, pool_size=300)
    lags: list[float] = []
    lost = 0
    for n in range(writes):
        time.sleep(rng.uniform(0, poll))  # writes land anywhere in the poll cycle
        raw = factory.person(f"W{n:05d}")
        data = PersonInput.model_validate(
            {"full_name": raw["full_name"], "dob": raw["dob"], "reference": raw["reference"]}
        )
        view = person_service.create(store, owner, data)
        request = {
            "kind": "blue",
            "crime_programme": "organized_emerging_crime",
            "subject": {"kind": "person", "id": view["id"]},
        }
        notice = notices.create(store, owner, NoticeInput.model_validate(request))
        notices.move(store, owner, notice["id"], Move.SUBMIT)
        notices.move(store, gs, notice["id"], Move.PUBLISH)
        committed = time.time()
        reader.stdin.write(f"{view['id']}\t{raw['full_name']}\t{committed}\n")
        reader.stdin.flush()
        answer = reader.stdout.readline().strip()
        if answer == "lost":
            lost += 1
        else:
            lags.append(float(answer))
    reader.stdin.close()
    reader.wait(timeout=60)
    store.close()
    p50, p99 = percentiles(lags, [50, 99])
    return [
        fmt_int(persons),
        f"{seeded:.1f}",
        f"{loaded:.2f}",
        f"{rebuild_s:.2f}",
        str(writes),
        f"{p50 * 1000:.0f}",
        f"{p99 * 1000:.0f}",
        f"{max(lags) * 1000:.0f}" if lags else "-",
        str(lost),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=60)
    parser.add_argument("--poll", type=float, default=0.2)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--checker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.checker:
        checker(args.checker, args.poll)
        return
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}; poll every {args.poll} s")
    rng = random.Random(1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = sqlite_fresh(Path(tmp) / "freshness.db")
            else:
                pg_reset_schema(PG_URL, SCHEMA)
                url = pg_schema_url(PG_URL, SCHEMA)
            rows.append([backend, *measure(url, args.persons, args.writes, args.poll, rng)])
            if backend != "sqlite":
                pg_reset_schema(PG_URL, SCHEMA, create=False)
    report = Report(
        "A published notice's subject found by another process's name check (ms from commit)",
        [
            "store",
            "persons",
            "seed s",
            "reader load s",
            "BASELINE rebuild s",
            "writes",
            "p50 ms",
            "p99 ms",
            "max ms",
            "not found in 10 s",
        ],
        rows,
    )
    show(out, [report], args.markdown)


if __name__ == "__main__":
    main()
