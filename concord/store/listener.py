"""On PostgreSQL, ring this process's event bell when any process commits events.

``events_repo.publish`` sends ``NOTIFY concord_events_<schema>`` in the change's
transaction;
PostgreSQL delivers it when (and only if) that transaction commits. A listener
thread per API process rings the bell, so a stream served by one worker hears of a
hit checked by another at once rather than at its next poll. If the listening
connection drops, the streams' poll still finds every event while it reconnects.
On SQLite there is nothing to listen to: streams hear of their own process's
commits through the bell and of others' through the poll.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from concord.store.events_repo import NOTIFY_CHANNEL as CHANNEL
from concord.store.store import Store

log = logging.getLogger(__name__)


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (no ``+driver``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class EventListener:
    def __init__(self, store: Store, *, timeout: float = 1.0):
        self.store = store
        self.timeout = timeout
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.store.is_sqlite:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="concord-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(libpq_url(self.store.url), autocommit=True) as conn:
                    schema = conn.execute("SELECT current_schema()").fetchone()
                    channel = CHANNEL + (schema[0] if schema else "")
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                    self.listening.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=self.timeout):
                            self.store.bell.ring()
            except psycopg.Error:
                self.listening.clear()
                log.warning("event listener lost its connection; reconnecting", exc_info=True)
                self._stop.wait(1.0)
