"""Parsing an import file in a second process while the first one writes.

A large import spends about as long validating rows as the database spends
storing them; with the two in separate processes both cores work. The parser
sends batches of validated rows through a bounded queue (back pressure), and
stops by itself if the importing process dies.

The parsing processes are kept for the next import of the same process
(starting one costs ~0.45 s: Python, polars and Concord imported afresh,
which was a tenth of the time of a 30 MB file). An import that ends badly
stops them; the next one starts new ones.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from concord.domain.principal import Principal
from concord.errors import ConcordError, InvalidInput

if TYPE_CHECKING:
    from concord.services.import_columnar import Span
    from concord.services.importer import Chunk

PARALLEL_FROM_BYTES = 8 * 1024 * 1024
# A writer behind its parsers takes the chunks waiting for it, up to this many
# rows, in one transaction. Why: on SQLite a batch into a table whose key index
# is updated in place dirties pages all over that index, and each commit writes
# every dirty page to the WAL again; 25 files of 10M documents in transactions of
# 50,000 rows imported at 102,661 rows/s, of 400,000 at 137,211.
GROUP_ROWS = 400_000
GROUP_CHUNKS = 8  # each a staging file attached at once (SQLite attaches at most 10)
_QUEUE_DEPTH = GROUP_CHUNKS


def _parse(
    name: str,
    principal: Principal,
    path: str,
    fmt: str | None,
    size: int,
    stage_dir: str | None,
    span: Span | None,
    out: Any,
) -> None:
    """The parsing process: chunks onto the queue, then None; an error as a tuple."""
    from concord.services.import_targets import target_named
    from concord.services.importer import read_chunks

    parent = os.getppid()

    def put(item: object) -> bool:
        while True:
            try:
                out.put(item, timeout=1.0)
                return True
            except queue.Full:
                if os.getppid() != parent:  # the importer is gone: stop
                    return False

    try:
        for chunk in read_chunks(
            target_named(name, principal),
            Path(path),
            fmt,
            size,
            Path(stage_dir) if stage_dir else None,
            span,
        ):
            if not put(chunk):
                return
    except ConcordError as exc:
        put(("error", exc.message, exc.field))
        return
    put(None)


class _Parser:
    """A parsing process that takes jobs one after the other; the first one's queue is
    bounded (back pressure), the others' are not (their chunks wait their turn)."""

    def __init__(self, context: Any, bounded: bool):
        self.jobs = context.Queue()
        self.out = context.Queue(maxsize=_QUEUE_DEPTH if bounded else 0)
        self.process = context.Process(target=_serve, args=(self.jobs, self.out), daemon=True)
        self.process.start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(timeout=5)


def _serve(jobs: Any, out: Any) -> None:
    """The parsing process's loop: a job (the arguments of ``_parse``) at a time."""
    parent = os.getppid()
    while os.getppid() == parent:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            continue
        if job is None:
            return
        name, principal, path, fmt, size, stage_dir, span = job
        _parse(name, principal, path, fmt, size, stage_dir, span, out)


_pool: list[_Parser] = []
_pool_lock = threading.Lock()  # one import at a time uses the kept parsers


def _parsers(context: Any, count: int, kept: bool) -> list[_Parser]:
    if not kept:
        return [_Parser(context, bounded=n == 0) for n in range(count)]
    _pool[:] = [p for p in _pool if p.process.is_alive()]
    while len(_pool) < count:
        _pool.append(_Parser(context, bounded=len(_pool) == 0))
    return _pool[:count]


def parallel_chunks(
    name: str,
    principal: Principal,
    path: Path,
    fmt: str | None,
    batch_size: int,
    stage_dir: Path | None = None,
    spans: list[Span] | None = None,
) -> Iterator[list[Chunk]]:
    """Groups of chunks parsed in a second process, or with ``spans`` one process a
    span, all at once: the first span's chunks come first (a bounded queue), the later
    spans' wait in unbounded queues (only file names and line numbers) while their
    parsers go on. A group is what was waiting when the writer asked (see _drain)."""
    context = mp.get_context("spawn")  # never fork a process that runs threads
    parts: list[Span | None] = list(spans) if spans else [None]
    kept = _pool_lock.acquire(blocking=False)  # else another import has them: start new
    finished = False
    parsers: list[_Parser] = []
    try:
        parsers = _parsers(context, len(parts), kept)
        for parser, span in zip(parsers, parts, strict=True):
            stage = str(stage_dir or "")
            parser.jobs.put((name, principal, str(path), fmt, batch_size, stage, span))
        for parser in parsers:
            yield from _drain(parser.process, parser.out)
        finished = True
    finally:
        if not finished or not kept:
            # Mid-job parsers would go on filling their queues: stop them (and, for
            # the kept ones, the whole pool, so none is left waiting unreferenced).
            for parser in _pool if kept else parsers:
                parser.stop()
            if kept:
                _pool.clear()
        if kept:
            _pool_lock.release()


def _drain(worker: Any, out: Any) -> Iterator[list[Chunk]]:
    """The parser's chunks, each taken with those already waiting behind it (see
    GROUP_ROWS); the chunks before a parser's error come out before it is raised."""
    while True:
        try:
            item = out.get(timeout=5.0)
        except queue.Empty:
            if not worker.is_alive():
                raise InvalidInput(
                    "the parsing process stopped unexpectedly", field="file"
                ) from None
            continue
        group: list[Chunk] = []
        rows = 0
        while item is not None and not isinstance(item, tuple):
            group.append(item)
            rows += len(item.lines)
            if rows >= GROUP_ROWS or len(group) >= GROUP_CHUNKS:
                break
            try:
                item = out.get_nowait()
            except queue.Empty:
                break
        if group:
            yield group
        if item is None:
            return
        if isinstance(item, tuple):
            raise InvalidInput(item[1], field=item[2])
