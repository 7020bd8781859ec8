"""Batch screening of a query file against a watchlist file, with no database.

The watchlist becomes a name index in memory; the queries are checked by a
pool of forked workers that share it, in chunks, and the answers are written
in query order to a temporary file renamed over the output at the end, so a
failed run leaves no half-written answer.
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from concord.errors import ConcordError, InvalidInput
from concord.matching.check import (
    Candidate,
    PersonQuery,
    Thresholds,
    check,
    person_query,
)
from concord.matching.common_names import common_latin_forms
from concord.matching.index import NameIndex

WATCHLIST_COLUMNS = ("id", "name")
QUERY_COLUMNS = ("qid", "name")
CHUNK = 200


@dataclass(frozen=True, slots=True)
class ScreenReport:
    records: int
    names: int
    queries: int
    errors: int
    with_hits: int


def _reader(path: Path, required: Sequence[str], what: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field=what) from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise InvalidInput(f"{path.name} lacks column(s) {', '.join(missing)}", field=what)
        try:
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path.name} line {reader.line_num}: {exc}", field=what) from None


def load_watchlist(path: Path) -> NameIndex:
    """Index every row; a bad row stops the run, naming its line and field."""
    index = NameIndex()
    for line, row in _reader(path, WATCHLIST_COLUMNS, "watchlist"):
        if not row["id"]:
            raise InvalidInput(f"watchlist line {line}: empty id", field="id")
        aliases = [a.strip() for a in row.get("aliases", "").split("|") if a.strip()]
        try:
            query = person_query(
                row["name"], row.get("dob"), row.get("nationality"), row.get("sex")
            )
            names = [query.name.text]
            for alias in aliases:
                names.append(person_query(alias).name.text)
        except ConcordError as exc:
            raise InvalidInput(
                f"watchlist line {line}: {exc.field}: {exc.message}", field=exc.field
            ) from None
        index.add(row["id"], names, query.facts)
    common_latin_forms()  # loaded once here, shared by the forked workers
    return index


def hit_line(qid: str, candidates: Sequence[Candidate]) -> dict[str, Any]:
    return {
        "qid": qid,
        "hits": [
            {"id": c.record.key, "score": c.score, "name": c.name, "verdict": c.verdict}
            for c in candidates
        ],
    }


_INDEX: NameIndex | None = None
_THRESHOLDS = Thresholds()


def _screen_chunk(rows: list[tuple[int, dict[str, str]]]) -> list[bytes]:
    assert _INDEX is not None
    out = []
    for line, row in rows:
        qid = row.get("qid", "")
        try:
            query: PersonQuery = person_query(
                row.get("name", ""), row.get("dob"), row.get("nationality"), row.get("sex")
            )
        except ConcordError as exc:
            error = {"line": line, **exc.as_dict()}
            out.append(orjson.dumps({"qid": qid, "hits": [], "error": error}))
            continue
        candidates = check(_INDEX, query, thresholds=_THRESHOLDS, explain=False)
        out.append(orjson.dumps(hit_line(qid, candidates)))
    return out


def _chunks(path: Path) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    for item in _reader(path, QUERY_COLUMNS, "queries"):
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen(
    index: NameIndex,
    queries: Path,
    out: Path,
    *,
    thresholds: Thresholds,
    workers: int | None = None,
) -> ScreenReport:
    """Screen every query; answers in query order, written whole or not at all."""
    global _INDEX, _THRESHOLDS
    _INDEX, _THRESHOLDS = index, thresholds
    workers = workers or os.cpu_count() or 1
    tmp = out.with_name(out.name + ".partial")
    count = errors = with_hits = 0
    try:
        with tmp.open("wb") as handle:
            if workers > 1:
                with mp.get_context("fork").Pool(workers) as pool:
                    results = pool.imap(_screen_chunk, _chunks(queries))
                    for lines in results:
                        count, errors, with_hits = _write(handle, lines, count, errors, with_hits)
            else:
                for chunk in _chunks(queries):
                    lines = _screen_chunk(chunk)
                    count, errors, with_hits = _write(handle, lines, count, errors, with_hits)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
        _INDEX = None
    return ScreenReport(len(index), index.entries, count, errors, with_hits)


def _write(
    handle: Any, lines: list[bytes], count: int, errors: int, hits: int
) -> tuple[int, int, int]:
    for line in lines:
        handle.write(line + b"\n")
        errors += b'"error"' in line
        hits += b'"verdict":"hit"' in line
    return count + len(lines), errors, hits
