"""WAL checkpoints: never inside a commit, always done by the Store's own thread."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from concord.store import Store, checkpoint
from concord.store.engine import make_engine

PAGE = 4096
ROWS = 3000  # about 1,500 pages of 2 KB values: past SQLite's automatic threshold of 1,000


def _fill(conn: object) -> None:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (v TEXT)")  # type: ignore[attr-defined]
    conn.execute(  # type: ignore[attr-defined]
        text("INSERT INTO filler (v) VALUES (:v)"), [{"v": f"{n:06d}" * 340} for n in range(ROWS)]
    )


def test_commits_leave_the_wal_alone(tmp_path: Path) -> None:
    database = tmp_path / "plain.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            _fill(conn)
        wal = database.with_name(database.name + "-wal")
        assert wal.stat().st_size > 1000 * PAGE  # nothing was copied back by the commit
        assert database.stat().st_size < 100 * PAGE
    finally:
        engine.dispose()


def test_the_store_thread_copies_the_wal_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "CHECKPOINT_EVERY_SECONDS", 0.05)
    database = tmp_path / "store.db"
    store = Store(f"sqlite:///{database}")
    try:
        with store.write() as conn:
            _fill(conn)
        deadline = time.monotonic() + 10
        while database.stat().st_size < 1000 * PAGE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert database.stat().st_size >= 1000 * PAGE
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM filler").scalar_one() == ROWS
    finally:
        store.close()
    assert not any(t.name == "concord-wal-checkpoint" and t.is_alive() for t in _threads())


def _threads() -> list[object]:
    import threading

    return list(threading.enumerate())
