"""Parsing an import file in a second process while the first one writes.

A large import spends about as long validating rows as the database spends
storing them; with the two in separate processes both cores work. The parser
sends batches of validated rows through a bounded queue (back pressure), and
stops by itself if the importing process dies.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from concord.domain.principal import Principal
from concord.errors import ConcordError, InvalidInput

if TYPE_CHECKING:
    from concord.services.import_columnar import Span
    from concord.services.importer import Chunk

PARALLEL_FROM_BYTES = 8 * 1024 * 1024
_QUEUE_DEPTH = 2


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


def parallel_chunks(
    name: str,
    principal: Principal,
    path: Path,
    fmt: str | None,
    batch_size: int,
    stage_dir: Path | None = None,
    spans: list[Span] | None = None,
) -> Iterator[Chunk]:
    """Chunks parsed in a second process, or with ``spans`` one process a span, all at
    once: the first span's chunks come first (a bounded queue), the later spans' wait
    in unbounded queues (only file names and line numbers) while their parsers go on."""
    context = mp.get_context("spawn")  # never fork a process that runs threads
    parts: list[Span | None] = list(spans) if spans else [None]
    queues = [context.Queue(maxsize=_QUEUE_DEPTH if n == 0 else 0) for n in range(len(parts))]
    workers = [
        context.Process(
            target=_parse,
            args=(name, principal, str(path), fmt, batch_size, str(stage_dir or ""), span, out),
            daemon=True,
        )
        for span, out in zip(parts, queues, strict=True)
    ]
    for worker in workers:
        worker.start()
    try:
        for worker, out in zip(workers, queues, strict=True):
            yield from _drain(worker, out)
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()


def _drain(worker: Any, out: Any) -> Iterator[Chunk]:
    while True:
        try:
            item = out.get(timeout=5.0)
        except queue.Empty:
            if not worker.is_alive():
                raise InvalidInput(
                    "the parsing process stopped unexpectedly", field="file"
                ) from None
            continue
        if item is None:
            return
        if isinstance(item, tuple):
            raise InvalidInput(item[1], field=item[2])
        yield item
