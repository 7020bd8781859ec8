"""Name-check quality on the OFAC development set, against two baselines in the same run.

The set (``../shared/data/names/ofac/``): a watchlist of 6,854 individuals by
primary name, and 11,190 queries: 6,190 recorded aliases of a listed person
(half with date of birth and nationality) and 5,000 synthetic people in many
scripts who must match nobody. For each matcher this prints:

* precision, recall and F1 at its hit threshold (Concord: the settings'
  ``name_hit_threshold``; rapidfuzz: 0.85; logic-v2: 0.70, yente's default);
* recall at the threshold where 1% of the negatives hit (threshold-free);
* recall@10: the expected person among the ten best candidates at any score;
* recall at the hit threshold per alias variant, and the share of negatives
  that hit per script.

Matchers:

* **concord**: ``concord.matching`` (the ``concord screen`` path, one process);
* **rapidfuzz token_sort_ratio**: every query against every watchlist name
  (``process.cdist`` with ``default_process``), scores / 100;
* **nomenklatura logic-v2**: FollowTheMoney ``Person`` entities (name, birthDate,
  nationality, gender) scored on the same candidates Concord's index gathers
  (its 30 best-gathered records a query), every query its own entity id.

    .venv/bin/python bench/names_eval.py
    .venv/bin/python bench/names_eval.py --skip-nomenklatura --json var/names_eval.json
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from common import console, machine_line, revision, write_json
from rich.table import Table

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "names" / "ofac"

Ranked = list[tuple[str, float]]  # (watchlist id, score) best first, at most 10


@dataclass
class Query:
    qid: str
    name: str
    dob: str
    nationality: str
    sex: str
    expected: frozenset[str]
    category: str
    variant: str


def load_queries(path: Path) -> list[Query]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Query(
                r["qid"],
                r["name"],
                r["dob"],
                r["nationality"],
                r["sex"],
                frozenset(x for x in r["expected_id"].split("|") if x),
                r["category"],
                r["variant"],
            )
            for r in csv.DictReader(handle)
        ]


def load_watchlist(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# -- metrics ---------------------------------------------------------------------------


def metrics(queries: Sequence[Query], ranked: Sequence[Ranked], threshold: float) -> dict[str, Any]:
    tp = fp = 0
    found_at_10 = 0
    positives = [q for q in queries if q.expected]
    negatives = [q for q in queries if not q.expected]
    pos_scores: list[float] = []
    neg_top: list[float] = []
    per_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    neg_script: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q, r in zip(queries, ranked, strict=True):
        hits = [i for i, s in r if s >= threshold]
        if q.expected:
            good = any(i in q.expected for i in hits)
            tp += good
            fp += sum(1 for i in hits if i not in q.expected)
            found_at_10 += any(i in q.expected for i, _ in r[:10])
            pos_scores.append(max((s for i, s in r if i in q.expected), default=-1.0))
            per_variant[q.variant][0] += good
            per_variant[q.variant][1] += 1
        else:
            fp += len(hits)
            neg_top.append(r[0][1] if r else -1.0)
            neg_script[q.variant][0] += bool(hits)
            neg_script[q.variant][1] += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(positives)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # The threshold at which 1% of the negatives hit: the score of the 1%-th best negative.
    tops = np.sort(np.array(neg_top))[::-1]
    k = int(len(negatives) * 0.01)
    t1 = float(tops[k]) if k < len(tops) else -1.0
    recall_1 = float(np.mean(np.array(pos_scores) > t1))
    neg_rate = float(np.mean(tops >= threshold))
    return {
        "threshold": threshold,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "negatives_hit": neg_rate,
        "threshold_at_1pct": t1,
        "recall_at_1pct": recall_1,
        "recall_at_10": found_at_10 / len(positives),
        "per_variant": {k: v[0] / v[1] for k, v in sorted(per_variant.items())},
        "variant_sizes": {k: v[1] for k, v in sorted(per_variant.items())},
        "negatives_hit_by_script": {k: v[0] / v[1] for k, v in sorted(neg_script.items())},
        "negative_sizes": {k: v[1] for k, v in sorted(neg_script.items())},
        "best_f1": best_f1(queries, ranked),
    }


def best_f1(queries: Sequence[Query], ranked: Sequence[Ranked]) -> tuple[float, float]:
    """The best F1 over thresholds, and that threshold (what tuning could reach at most)."""
    best = (0.0, 0.0)
    for t in np.arange(0.5, 1.0001, 0.01):
        tp = fp = 0
        for q, r in zip(queries, ranked, strict=True):
            hits = [i for i, s in r if s >= t]
            good = bool(q.expected) and any(i in q.expected for i in hits)
            tp += good
            fp += sum(1 for i in hits if i not in q.expected)
        pos = sum(1 for q in queries if q.expected)
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / pos
        f = 2 * p * rc / (p + rc) if p + rc else 0.0
        if f > best[0]:
            best = (f, float(t))
    return best


# -- matchers --------------------------------------------------------------------------


def run_concord(
    watchlist_path: Path, queries: Sequence[Query]
) -> tuple[list[Ranked], Any, dict[str, float]]:
    from concord.matching.check import Thresholds, check, person_query
    from concord.services.screening import load_watchlist as build
    from concord.settings import get_settings

    settings = get_settings()
    started = time.perf_counter()
    index = build(watchlist_path)
    built = time.perf_counter() - started
    everything = Thresholds.from_settings(settings, floor=0.0)
    out: list[Ranked] = []
    started = time.perf_counter()
    for q in queries:
        query = person_query(q.name, q.dob or None, q.nationality or None, q.sex or None)
        out.append(
            [(str(c.record.key), c.score) for c in check(index, query, thresholds=everything)]
        )
    elapsed = time.perf_counter() - started
    timing = {"build_s": built, "queries_per_s": len(queries) / elapsed}
    return out, index, timing


def run_rapidfuzz(
    watchlist: Sequence[dict[str, str]], queries: Sequence[Query]
) -> tuple[list[Ranked], dict[str, float]]:
    from rapidfuzz import fuzz, process, utils

    names = [w["name"] for w in watchlist]
    ids = [w["id"] for w in watchlist]
    started = time.perf_counter()
    out: list[Ranked] = []
    step = 1000
    for at in range(0, len(queries), step):
        part = [q.name for q in queries[at : at + step]]
        matrix = process.cdist(
            part,
            names,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            dtype=np.uint8,
            workers=-1,
        )
        top = np.argpartition(-matrix.astype(np.int16), 10, axis=1)[:, :10]
        for row, cols in zip(matrix, top, strict=True):
            best = sorted(((ids[c], row[c] / 100) for c in cols), key=lambda x: -x[1])
            out.append(best)
    elapsed = time.perf_counter() - started
    return out, {"queries_per_s": len(queries) / elapsed}


def run_logic_v2(
    watchlist: Sequence[dict[str, str]], queries: Sequence[Query], index: Any
) -> tuple[list[Ranked], dict[str, float]]:
    from followthemoney import model
    from nomenklatura.matching import ScoringConfig, get_algorithm

    from concord.matching.analysis import analyse, clean_name

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()

    def entity(eid: str, name: str, dob: str, nationality: str, sex: str) -> Any:
        e = model.make_entity("Person")
        e.id = eid
        e.add("name", name)
        if dob:
            e.add("birthDate", dob)
        if nationality:
            e.add("nationality", nationality.lower())
        if sex:
            e.add("gender", {"M": "male", "F": "female"}.get(sex.upper(), "other"))
        return e

    records = {
        w["id"]: entity(f"w{w['id']}", w["name"], w["dob"], w["nationality"], w["sex"])
        for w in watchlist
    }
    started = time.perf_counter()
    out: list[Ranked] = []
    for q in queries:
        keys = index.candidate_keys(analyse(clean_name(q.name)), limit=30)
        query = entity(f"query-{q.qid}", q.name, q.dob, q.nationality, q.sex)
        scored = [(str(k), float(algorithm.compare(query, records[k], config).score)) for k in keys]
        scored.sort(key=lambda x: -x[1])
        out.append(scored[:10])
    elapsed = time.perf_counter() - started
    return out, {"queries_per_s": len(queries) / elapsed}


# -- report ----------------------------------------------------------------------------


def table(results: dict[str, dict[str, Any]]) -> Table:
    t = Table(title="Name checks on the OFAC development set")
    t.add_column("matcher")
    for col in (
        "threshold",
        "precision",
        "recall",
        "F1",
        "negatives hit",
        "recall @1% neg",
        "recall@10",
        "best F1 (at)",
        "queries/s",
    ):
        t.add_column(col, justify="right")
    for name, m in results.items():
        bf, bt = m["best_f1"]
        t.add_row(
            name,
            f"{m['threshold']:.2f}",
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            f"{m['f1']:.3f}",
            f"{m['negatives_hit']:.2%}",
            f"{m['recall_at_1pct']:.3f}",
            f"{m['recall_at_10']:.3f}",
            f"{bf:.3f} ({bt:.2f})",
            f"{m['timing'].get('queries_per_s', 0):,.0f}",
        )
    return t


def breakdown(results: dict[str, dict[str, Any]]) -> Table:
    t = Table(title="Recall at the hit threshold by variant; negatives hit by script")
    t.add_column("slice")
    t.add_column("n", justify="right")
    for name in results:
        t.add_column(name, justify="right")
    first = next(iter(results.values()))
    for variant, n in first["variant_sizes"].items():
        t.add_row(
            f"alias {variant}",
            str(n),
            *(f"{m['per_variant'][variant]:.3f}" for m in results.values()),
        )
    for script, n in first["negative_sizes"].items():
        t.add_row(
            f"negative {script}",
            str(n),
            *(f"{m['negatives_hit_by_script'][script]:.2%}" for m in results.values()),
        )
    return t


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--skip-nomenklatura", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}")
    queries = load_queries(args.data / "queries.csv")
    watchlist = load_watchlist(args.data / "watchlist.csv")
    from concord.settings import get_settings

    settings = get_settings()
    results: dict[str, dict[str, Any]] = {}
    ranked, index, timing = run_concord(args.data / "watchlist.csv", queries)
    results["concord"] = {**metrics(queries, ranked, settings.name_hit_threshold), "timing": timing}
    ranked_rf, timing = run_rapidfuzz(watchlist, queries)
    results["rapidfuzz token_sort_ratio"] = {**metrics(queries, ranked_rf, 0.85), "timing": timing}
    if not args.skip_nomenklatura:
        ranked_nk, timing = run_logic_v2(watchlist, queries, index)
        results["nomenklatura logic-v2"] = {**metrics(queries, ranked_nk, 0.70), "timing": timing}
    out.print(table(results))
    out.print(breakdown(results))
    out.print(f"concord index built in {results['concord']['timing']['build_s']:.1f} s")
    write_json(args.json, {"results": results, "machine": machine_line(), "revision": revision()})


if __name__ == "__main__":
    main()
