"""WAL checkpoints of a SQLite database, from a thread of their own, during an import.

By default the SQLite connection whose commit takes the WAL past 1,000 pages
copies the WAL back into the database and syncs it, inside that commit: every
batch of a bulk import waited for a checkpoint. The import's writer turns its
automatic checkpoint off and runs this thread meanwhile (``importer._Writer``):
a passive checkpoint every 2 s, which never blocks a writer or a reader, and a
last one when the import ends. Once a checkpoint has copied every frame, the
next write starts the WAL again from its beginning, so it stays small.

Three files of the 10M-document benchmark took 18.0 s against 19.4 with the
commits checkpointing (means of 3 and 4 runs); every 0.25 s instead of 2
competed with the writer for the CPU (22.0 s). Serving processes keep
SQLite's automatic checkpoint: the same thread in every process was tried,
and nothing measured in its favour there (the HTTP benchmark's p99 outliers
came and went with and without it).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading

CHECKPOINT_EVERY_SECONDS = 2.0


class WalCheckpointer(threading.Thread):
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on ``database`` until stopped."""

    def __init__(self, database: str, every: float | None = None):
        super().__init__(name="concord-wal-checkpoint", daemon=True)
        self.database = database
        self.every = CHECKPOINT_EVERY_SECONDS if every is None else every
        self._stopping = threading.Event()

    def run(self) -> None:
        db = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout=1000")
            db.execute("PRAGMA synchronous=NORMAL")
            in_wal = False
            while not self._stopping.wait(self.every):
                in_wal = self._checkpoint(db, in_wal)
            self._checkpoint(db, in_wal)  # what the last writes left
        finally:
            db.close()

    @staticmethod
    def _checkpoint(db: sqlite3.Connection, in_wal: bool) -> bool:
        """One passive checkpoint; whether this connection knows the file is in WAL mode."""
        # Busy or locked this time (a schema change, say): the next round copies it.
        with contextlib.suppress(sqlite3.OperationalError):
            if not in_wal:
                # Reads the file's header: a connection opened before the store's
                # first one set WAL mode would answer every checkpoint with nothing.
                db.execute("PRAGMA journal_mode=WAL")
                in_wal = True
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return in_wal

    def stop(self) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join()
