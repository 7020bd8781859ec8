"""The parsing side of a parallel import: chunks taken in groups by a writer behind."""

from __future__ import annotations

import multiprocessing
import queue
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from concord.errors import InvalidInput
from concord.services import importer
from concord.services.import_objects import import_objects
from concord.services.import_parallel import GROUP_CHUNKS, GROUP_ROWS, _drain
from concord.services.importer import Chunk
from concord.store import Store
from concord.store.kinds import DOCUMENT
from concord.store.tables import audit_events, travel_documents
from tests.services.test_import_objects import DEU, DOC_HEADER, _csv


def _chunk(first: int, rows: int) -> Chunk:
    return Chunk([], list(range(first, first + rows)), [], rows, 0, 0)


def _waiting(*items: object) -> queue.Queue[object]:
    out: queue.Queue[object] = queue.Queue()
    for item in items:
        out.put(item)
    return out


def _alive() -> Any:
    return multiprocessing.current_process()


def test_waiting_chunks_are_taken_together_up_to_the_row_cap() -> None:
    size = GROUP_ROWS // 3 + 1  # three of them pass the cap
    chunks = [_chunk(n * size, size) for n in range(5)]
    groups = list(_drain(_alive(), _waiting(*chunks, None)))
    assert [len(g) for g in groups] == [3, 2]
    assert [c for g in groups for c in g] == chunks  # file order kept


def test_a_group_holds_at_most_the_chunks_sqlite_can_attach() -> None:
    chunks = [_chunk(n, 1) for n in range(GROUP_CHUNKS + 3)]
    groups = list(_drain(_alive(), _waiting(*chunks, None)))
    assert [len(g) for g in groups] == [GROUP_CHUNKS, 3]


def test_chunks_before_a_parser_error_come_out_before_it() -> None:
    first, second = _chunk(1, 10), _chunk(11, 10)
    drained = _drain(_alive(), _waiting(first, second, ("error", "line 30: not UTF-8", "file")))
    assert next(drained) == [first, second]
    with pytest.raises(InvalidInput) as err:
        next(drained)
    assert err.value.field == "file" and "line 30" in err.value.message


def test_a_writer_behind_takes_the_waiting_chunks_together(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite copies such a group in one transaction; PostgreSQL a chunk at a time."""
    rows = [[f"R{i}", f"C01X{i:05d}", "DEU", "passport", "stolen", "", "", ""] for i in range(900)]
    rows[450][4] = "misplaced"
    source = _csv(tmp_path / "docs.csv", DOC_HEADER, rows)
    sizes: list[int] = []
    commit = importer._Writer.commit

    def slow_commit(self: Any, group: list[Chunk], report: Any) -> None:
        sizes.append(len(group))
        if len(sizes) == 1:
            time.sleep(1.0)  # the parser goes on: its chunks wait in the queue
        commit(self, group, report)

    monkeypatch.setattr(importer._Writer, "commit", slow_commit)
    report = import_objects(store, DEU, DOCUMENT, source, batch_size=100, parallel=True)
    assert max(sizes) > 1
    assert (report.read, report.written, report.rejected, report.batches) == (900, 899, 1, 9)
    store.audit.flush(timeout=None)
    with store.read() as conn:
        stored = conn.execute(select(func.count()).select_from(travel_documents)).scalar_one()
        ids = conn.execute(select(travel_documents.c.id).order_by(travel_documents.c.id))
        audited = conn.execute(
            select(func.count())
            .select_from(audit_events)
            .where(audit_events.c.action == "document.import")
        ).scalar_one()
    assert stored == 899
    assert [i for (i,) in ids] == list(range(1, 900))  # file order, consecutive ids
    assert audited == 9  # one event a chunk, grouped or not
