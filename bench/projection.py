"""Memory per million records and the 128M-record case, projected from two measured points.

Reads the ``--json`` files that ``checks_inprocess.py`` and ``documents_import.py`` wrote
at two sizes (e.g. 1M and 10M records) and projects to ``--target`` records:

* index memory: the keys are one sorted int64 array, 8 bytes a key (``keys.nbytes``
  measured), so it is 8 x N; the process RSS growth during ``load()`` is fitted as
  a + b x N through the two points (the load also holds the unsorted array and the
  sort's copy for a moment: the peak is higher than what stays);
* index load time and import time: linear in N (a + b x N through the two points for
  the load; the import's time per row at the larger size times N);
* check throughput: the index part of a check (measured alone as ``lookup``) is a
  binary search, so it is scaled by log2(N) / log2(N_large) and added to the rest of
  the larger point's time per check; the SQLite baseline (a B-tree descent) is fitted
  as c + k x log2(N) through the two points.

    .venv/bin/python bench/projection.py --inprocess var/bench/inproc-1m.json \\
        var/bench/inproc-10m.json --imports var/bench/import-1m.json \\
        var/bench/import-10m.json
    .venv/bin/python bench/projection.py --quick   # made-up points, to see the table
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from common import Report, console, fmt_int, show

TARGET = 128_000_000


def line(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """(a, b) of y = a + b x through two points."""
    b = (y2 - y1) / (x2 - x1)
    return y1 - b * x1, b


def per_check(m: dict[str, Any]) -> float:
    return m["seconds"] / m["checks"]


def project(small: dict[str, Any], large: dict[str, Any], target: int) -> list[list[str]]:
    n1, n2 = small["records"], large["records"]
    rows: list[list[str]] = []

    bytes_per_key = large["index_nbytes"] / large["index_keys"]
    rows.append(
        [
            "index keys.nbytes MiB",
            f"{small['index_nbytes'] / 2**20:,.1f}",
            f"{large['index_nbytes'] / 2**20:,.1f}",
            f"{bytes_per_key * target / 2**20:,.0f}",
            f"8 B x N (measured {bytes_per_key:.2f} B a key)",
        ]
    )
    growth1 = small["rss_after_mb"] - small["rss_before_mb"]
    growth2 = large["rss_after_mb"] - large["rss_before_mb"]
    a, b = line(n1, growth1, n2, growth2)
    rows.append(
        [
            "RSS growth during load MiB",
            f"{growth1:,.0f}",
            f"{growth2:,.0f}",
            f"{a + b * target:,.0f}",
            f"a + b N: {b * 1e6:,.2f} MiB per million",
        ]
    )
    a, b = line(n1, small["index_load_seconds"], n2, large["index_load_seconds"])
    rows.append(
        [
            "index load s",
            f"{small['index_load_seconds']:,.1f}",
            f"{large['index_load_seconds']:,.1f}",
            f"{a + b * target:,.0f}",
            f"a + b N: {b * 1e6:,.2f} s per million",
        ]
    )
    for label, key, part in (
        ("(a) batch checks/s", "batch", "many_seconds_per_key"),
        ("(b) single checks/s", "single", "one_seconds_per_key"),
        ("(c) sqlite baseline checks/s", "baseline", None),
    ):
        t1, t2 = per_check(small[key]), per_check(large[key])
        if part and "lookup" in large:
            # The index part is a binary search: scale it by log2 N; the rest is per row.
            search = large["lookup"][part]
            t = t2 + search * (math.log2(target) / math.log2(n2) - 1)
            method = f"{n2:,} figure + index part ({search * 1e9:,.0f} ns a key) x log2 ratio"
        else:
            k = (t2 - t1) / (math.log2(n2) - math.log2(n1))
            c = t1 - k * math.log2(n1)
            t = c + max(k, 0.0) * math.log2(target) if k > 0 else t2
            method = f"1/(c + k log2 N) through both points: k = {k * 1e9:,.0f} ns a doubling"
        rows.append([label, fmt_int(1 / t1), fmt_int(1 / t2), fmt_int(1 / t), method])
    return rows


def import_rows(small: dict[str, Any], large: dict[str, Any], target: int) -> list[list[str]]:
    rows = []
    by1 = {r["backend"]: r for r in small["results"]}
    by2 = {r["backend"]: r for r in large["results"]}
    for backend, r2 in by2.items():
        if backend not in by1:
            continue
        r1 = by1[backend]
        per_row = r2["seconds"] / r2["read"]
        seconds = per_row * target
        rows.append(
            [
                f"{backend} import rows/s",
                fmt_int(r1["rate"]),
                fmt_int(r2["rate"]),
                fmt_int(1 / per_row),
                f"linear at the {r2['read']:,}-row rate: {seconds / 3600:,.1f} h",
            ]
        )
        if r1.get("db_mb") and r2.get("db_mb"):
            a, b = line(r1["read"], r1["db_mb"], r2["read"], r2["db_mb"])
            rows.append(
                [
                    f"{backend} database MiB",
                    fmt_int(r1["db_mb"]),
                    fmt_int(r2["db_mb"]),
                    fmt_int(a + b * target),
                    f"a + b N: {b * 1e6:,.0f} MiB per million",
                ]
            )
    return rows


def made_up() -> tuple[dict[str, Any], dict[str, Any]]:
    def point(n: int, us: float) -> dict[str, Any]:
        m = {"checks": 100_000, "seconds": us * 0.1}
        return {
            "records": n,
            "index_keys": n,
            "index_nbytes": 8 * n,
            "index_load_seconds": n / 400_000,
            "rss_before_mb": 100.0,
            "rss_after_mb": 100 + 9 * n / 1e6,
            "batch": m,
            "single": m,
            "baseline": m,
            "lookup": {"many_seconds_per_key": 1.5e-7, "one_seconds_per_key": 3e-6},
        }

    return point(1_000_000, 5.0), point(10_000_000, 5.5)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inprocess", nargs=2, type=Path, help="checks_inprocess JSON, 2 sizes")
    parser.add_argument("--imports", nargs=2, type=Path, help="documents_import JSON, 2 sizes")
    parser.add_argument("--target", type=int, default=TARGET, help="records to project to")
    parser.add_argument("--quick", action="store_true", help="made-up points (smoke run)")
    parser.add_argument("--records", type=int, default=None, help="alias of --target")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    args = parser.parse_args(argv)
    if args.records:
        args.target = args.records
    if not args.quick and not args.inprocess:
        parser.error("give --inprocess SMALL LARGE (or --quick)")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    out = console()
    if args.quick:
        small, large = made_up()
    else:
        small, large = (json.loads(p.read_text()) for p in args.inprocess)
    rows = project(small, large, args.target)

    def growth(m: dict[str, Any]) -> str:
        return f"{(m['rss_after_mb'] - m['rss_before_mb']) / (m['records'] / 1e6):,.2f}"

    memory = Report(
        "Memory per million records (measured)",
        ["measure", f"{small['records']:,}", f"{large['records']:,}"],
        [
            [
                "keys.nbytes MiB per million",
                f"{small['index_nbytes'] / 2**20 / (small['records'] / 1e6):,.2f}",
                f"{large['index_nbytes'] / 2**20 / (large['records'] / 1e6):,.2f}",
            ],
            [
                "RSS growth during load, MiB per million",
                growth(small),
                growth(large),
            ],
        ],
    )
    if args.imports:
        rows += import_rows(*(json.loads(p.read_text()) for p in args.imports), args.target)
    projection = Report(
        f"Projection to {args.target:,} records",
        [
            "measure",
            f"{small['records']:,} (measured)",
            f"{large['records']:,} (measured)",
            f"{args.target:,} (projected)",
            "method",
        ],
        rows,
    )
    show(out, [memory, projection], args.markdown)


if __name__ == "__main__":
    main()
