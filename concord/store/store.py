"""The Store: one engine, the transaction helpers, and the audit writer on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from concord.store.bell import EventBell
from concord.store.engine import is_sqlite, make_engine

EVENTS_WRITTEN = "concord_events_written"  # set in a connection's info by events_repo

if TYPE_CHECKING:
    from concord.audit.writer import AuditWriter
    from concord.settings import Settings


class Store:
    """A database, whichever backend. Services take one of these and a principal."""

    def __init__(self, url: str, *, settings: Settings | None = None):
        from concord.settings import get_settings

        self.url = url
        self.settings = settings or get_settings()
        self.engine: Engine = make_engine(url)
        self.is_sqlite = is_sqlite(url)
        self.bell = EventBell()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Store:
        from concord.settings import get_settings

        settings = settings or get_settings()
        return cls(settings.database_url, settings=settings)

    @cached_property
    def audit(self) -> AuditWriter:
        """The batched audit writer of this process for this database."""
        from concord.audit.writer import AuditWriter

        return AuditWriter(
            self,
            interval=self.settings.audit_flush_interval,
            batch_size=self.settings.audit_batch_size,
        )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back whole on error; a
        commit that published events rings the bell of this process's streams."""
        with self.engine.connect() as conn:
            conn.execution_options(concord_write=True)
            try:
                with conn.begin():
                    yield conn
                published = conn.info.get(EVENTS_WRITTEN, False)
            finally:
                conn.info.pop(EVENTS_WRITTEN, None)
            if published:
                self.bell.ring()

    def close(self) -> None:
        """Flush the audit log and release connections."""
        if "audit" in self.__dict__:
            self.audit.close()
        self.engine.dispose()
