"""On PostgreSQL, ring this process's event bell when any process commits events.

``events_repo.publish`` sends ``NOTIFY concord_events_<schema>`` in the change's
transaction; PostgreSQL delivers it when (and only if) that transaction commits. A
listener thread per API process rings the bell, so a stream served by one worker hears of a
hit checked by another at once rather than at its next poll. If the listening
connection drops, the streams' poll still finds every event while it reconnects.
On SQLite there is nothing to listen to: streams hear of their own process's
commits through the bell and of others' through the poll.
"""

from __future__ import annotations

import threading

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from concord.periodic import Periodic
from concord.store.events_repo import NOTIFY_CHANNEL as CHANNEL
from concord.store.store import Store


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (no ``+driver``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class EventListener(Periodic):
    """The listening thread; a lost connection is logged and made again a second later
    (``Periodic`` runs ``tick`` again)."""

    thread_name = "concord-listen"

    def __init__(self, store: Store, *, timeout: float = 1.0):
        super().__init__(interval=1.0, run_first=True)
        self.store = store
        self.timeout = timeout
        self.listening = threading.Event()

    def start(self) -> None:
        if not self.store.is_sqlite:
            self.start_thread()

    def tick(self) -> None:
        """Listen until stopped (or until the connection fails, which raises)."""
        try:
            with psycopg.connect(libpq_url(self.store.url), autocommit=True) as conn:
                schema = conn.execute("SELECT current_schema()").fetchone()
                channel = CHANNEL + (schema[0] if schema else "")
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                self.listening.set()
                while not self._stop.is_set():
                    for _ in conn.notifies(timeout=self.timeout):
                        self.store.bell.ring()
        finally:
            self.listening.clear()
