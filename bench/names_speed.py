"""Name-check speed and memory with N persons (default 1M) in the in-memory index.

The persons: the OFAC individuals of ``../shared/data/names/ofac/watchlist_full.csv``
(with their aliases) plus synthetic people of 30 locales and scripts from
``concord.services.synthetic.PersonFactory`` (a fifth of them with an alias), up to
``--records``. Measured:

* index build: seconds and the process's resident memory before and after;
* (a) single queries in-process through ``concord.matching.check.check``: p50, p99,
  mean and queries/s, over the OFAC development queries (aliases and negatives in
  many scripts) and as many variants of indexed synthetic people (a typo, the name
  order swapped, a given name dropped);
* (b) batch screening on every core: the queries chunked over forked workers,
  queries/s; (c) the same through ``concord.services.screening.screen`` (what
  ``concord screen`` runs once its watchlist is loaded: a query CSV in, JSON lines
  out, in order);
* BASELINE: a brute-force scan, rapidfuzz ``process.extract`` (token_sort_ratio,
  C++, every core) over every indexed name, on a sample of the queries.

Targets (issue 4): p50 <= 5 ms and p99 <= 50 ms in-process; batch >= 1,000 queries/s
on two cores; build <= 60 s and <= 2 GB per million names.

    .venv/bin/python bench/names_speed.py --records 1000000
    .venv/bin/python bench/names_speed.py --records 100000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import multiprocessing as mp
import pstats
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import Report, console, machine_line, percentiles, revision, rss_mb, show

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "names" / "ofac"


def ofac_people() -> list[tuple[str, list[str], str, str, str]]:
    with (DATA / "watchlist_full.csv").open(newline="", encoding="utf-8") as handle:
        return [
            (
                f"ofac-{r['id']}",
                [r["name"], *(a for a in r["aliases"].split("|") if a.strip())],
                r["dob"],
                r["nationality"],
                r["sex"],
            )
            for r in csv.DictReader(handle)
        ]


def synthetic_people(count: int, seed: int) -> list[tuple[str, list[str], str, str, str]]:
    from concord.services.synthetic import PersonFactory

    factory = PersonFactory(seed=seed, pool_size=1000)
    out = []
    for p in factory.people(count, prefix="S"):
        names = [p["full_name"], *(a for a in p["aliases"].split("|") if a)]
        out.append((p["reference"], names, p["dob"], p["nationalities"].split("|")[0], p["sex"]))
    return out


def build_index(people: list[tuple[str, list[str], str, str, str]]) -> Any:
    from concord.matching.check import person_facts
    from concord.matching.common_names import common_latin_forms
    from concord.matching.index import NameIndex

    common_latin_forms()
    index = NameIndex()
    for key, names, dob, nationality, sex in people:
        index.add(key, names, person_facts(dob or None, nationality or None, sex or None))
    return index


def variant(rnd: random.Random, name: str) -> str:
    """What an officer might type for a stored name: a typo, swapped order, a dropped part."""
    words = name.split()
    pick = rnd.random()
    if pick < 0.3 and len(words) > 1:
        words = words[1:] + words[:1]
    elif pick < 0.5 and len(words) > 2:
        words.pop(1)
    elif pick < 0.8:
        i = rnd.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rnd.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def queries(
    people: list[tuple[str, list[str], str, str, str]], count: int, seed: int
) -> list[tuple[str, str, str, str]]:
    with (DATA / "queries_input.csv").open(newline="", encoding="utf-8") as handle:
        dev = [(r["name"], r["dob"], r["nationality"], r["sex"]) for r in csv.DictReader(handle)]
    rnd = random.Random(seed)
    synthetic = [p for p in people if p[0].startswith("S")]
    made = []
    for _ in range(count):
        _key, names, dob, nationality, sex = rnd.choice(synthetic)
        made.append((variant(rnd, names[0]), dob if rnd.random() < 0.5 else "", nationality, sex))
    mixed = dev[:count] + made
    rnd.shuffle(mixed)
    return mixed


_INDEX: Any = None
_THRESHOLDS: Any = None


def _run_chunk(chunk: list[tuple[str, str, str, str]]) -> int:
    from concord.matching.check import check, person_query

    found = 0
    for name, dob, nationality, sex in chunk:
        query = person_query(name, dob or None, nationality or None, sex or None)
        found += len(check(_INDEX, query, thresholds=_THRESHOLDS, explain=False))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=5000, help="of each kind (dev, synthetic)")
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}")
    global _INDEX, _THRESHOLDS
    from concord.matching.check import Thresholds, check, person_query
    from concord.settings import get_settings

    _THRESHOLDS = Thresholds.from_settings(get_settings())

    started = time.perf_counter()
    people = ofac_people()
    people += synthetic_people(args.records - len(people), args.seed)
    out.print(f"{len(people):,} people made in {time.perf_counter() - started:.1f} s")
    gc.collect()
    rss_before = rss_mb()
    started = time.perf_counter()
    _INDEX = build_index(people)
    built = time.perf_counter() - started
    gc.collect()
    gc.freeze()
    rss_after = rss_mb()
    names = _INDEX.entries
    out.print(
        f"index: {len(_INDEX):,} people, {names:,} names, built in {built:.1f} s; "
        f"RSS {rss_before:,.0f} → {rss_after:,.0f} MB (+{rss_after - rss_before:,.0f} MB, "
        f"{(rss_after - rss_before) / (names / 1e6):,.0f} MB per million names)"
    )
    work = queries(people, args.queries, args.seed + 1)
    rows: list[list[str]] = []
    # The batch runs first, in workers forked from a process that has not yet checked
    # these queries: a worker's caches start as cold as in a real `concord screen` run.
    workers = args.workers or mp.cpu_count()
    chunks = [work[i : i + 200] for i in range(0, len(work), 200)]
    started = time.perf_counter()
    with mp.get_context("fork").Pool(workers) as pool:
        sum(pool.imap_unordered(_run_chunk, chunks))
    elapsed = time.perf_counter() - started
    rows.append(
        [
            f"(b) batch screening, {workers} workers",
            f"{len(work) / elapsed:,.0f}",
            f"{len(work):,} queries in {elapsed:.1f} s",
        ]
    )

    # (c) the `concord screen` pipeline itself: CSV in, forked workers, JSON lines out.
    import tempfile

    from concord.services.screening import screen

    with tempfile.TemporaryDirectory() as tmp:
        source, answers = Path(tmp) / "queries.csv", Path(tmp) / "answers.jsonl"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["qid", "name", "dob", "nationality", "sex"])
            writer.writerows([str(n), *q] for n, q in enumerate(work))
        started = time.perf_counter()
        report = screen(_INDEX, source, answers, thresholds=_THRESHOLDS, workers=workers)
        elapsed = time.perf_counter() - started
    rows.append(
        [
            f"(c) `concord screen` pipeline, {workers} workers",
            f"{report.queries / elapsed:,.0f}",
            f"{report.queries:,} queries in {elapsed:.1f} s (CSV read, JSON lines written)",
        ]
    )

    parsed = [person_query(n, d or None, c or None, s or None) for n, d, c, s in work]

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    times = []
    for q in parsed:
        t0 = time.perf_counter()
        check(_INDEX, q, thresholds=_THRESHOLDS)
        times.append(time.perf_counter() - t0)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    p50, p99 = percentiles(np.array(times), [50, 99])
    rows.insert(
        0,
        [
            "(a) single queries, in-process",
            f"{len(times) / sum(times):,.0f}",
            f"p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms, "
            f"mean {np.mean(times) * 1e3:.2f} ms, max {max(times) * 1e3:.1f} ms",
        ],
    )

    from rapidfuzz import fuzz, process, utils

    all_names = [n for p in people for n in p[1]]
    sample = random.Random(args.seed).sample(work, args.baseline_queries)
    started = time.perf_counter()
    for name, *_ in sample:
        process.extract(
            name,
            all_names,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            limit=10,
            score_cutoff=70,
        )
    per = (time.perf_counter() - started) / len(sample)
    rows.append(
        [
            "BASELINE: rapidfuzz scan of every name",
            f"{1 / per:,.1f}",
            f"{per * 1e3:,.0f} ms a query over {len(all_names):,} names ({len(sample)} queries)",
        ]
    )
    grown = rss_after - rss_before
    rows.append(
        [
            "index build",
            f"{built:.1f} s",
            f"{len(_INDEX):,} people, {names:,} names; +{grown:,.0f} MB RSS "
            f"({grown / (names / 1e6):,.0f} MB per million names)",
        ]
    )
    title = f"Name checks with {len(people):,} persons"
    show(out, [Report(title, ["case", "queries/s", "detail"], rows)], args.markdown)


if __name__ == "__main__":
    main()
