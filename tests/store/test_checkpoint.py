"""The import's WAL checkpointer: commits without automatic checkpoints, copied back by it."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, text

from concord.store.checkpoint import WalCheckpointer
from concord.store.engine import make_engine

PAGE = 4096
ROWS = 3000  # about 1,500 pages of 2 KB values: past SQLite's automatic threshold of 1,000


def _fill_without_checkpoints(engine: Engine) -> None:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA wal_autocheckpoint=0")  # as the import's writer does
        with conn.begin():
            conn.exec_driver_sql("CREATE TABLE filler (v TEXT)")
            conn.execute(
                text("INSERT INTO filler (v) VALUES (:v)"),
                [{"v": f"{n:06d}" * 340} for n in range(ROWS)],
            )


def test_without_the_thread_the_wal_keeps_the_rows(tmp_path: Path) -> None:
    database = tmp_path / "plain.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        _fill_without_checkpoints(engine)
        assert database.with_name(database.name + "-wal").stat().st_size > 1000 * PAGE
        assert database.stat().st_size < 100 * PAGE  # nothing copied back yet
    finally:
        engine.dispose()


def test_the_thread_copies_the_wal_back_and_stops(tmp_path: Path) -> None:
    database = tmp_path / "import.db"
    engine = make_engine(f"sqlite:///{database}")
    checkpointer = WalCheckpointer(str(database), every=0.05)
    checkpointer.start()
    try:
        _fill_without_checkpoints(engine)
        deadline = time.monotonic() + 10
        while database.stat().st_size < 1000 * PAGE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert database.stat().st_size >= 1000 * PAGE
    finally:
        checkpointer.stop()
        engine.dispose()
    assert not checkpointer.is_alive()
