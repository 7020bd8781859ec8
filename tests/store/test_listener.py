"""PostgreSQL's NOTIFY rings the bell of another process's store when events commit
(and not when the change rolls back); on SQLite there is no listener to start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from concord.store import Store, events_repo
from concord.store.listener import EventListener, libpq_url
from tests.conftest import settings_for


def _write(store: Store, *, fail: bool) -> None:
    try:
        with store.write() as conn:
            events_repo.publish(conn, "hit.new", ["DEU"], {"hit_id": 1})
            if fail:
                raise RuntimeError("rolled back")
    except RuntimeError:
        pass


async def _rung(listening: Store, writing: Store, *, fail: bool, wait: float) -> bool:
    with listening.bell.waiter() as waiter:
        await asyncio.to_thread(_write, writing, fail=fail)
        return await waiter.wait(wait)


def test_a_commit_in_another_process_rings_this_one(pg_schema_url: str) -> None:
    writing = Store(pg_schema_url, settings=settings_for(pg_schema_url))
    listening = Store(pg_schema_url, settings=settings_for(pg_schema_url))
    listener = EventListener(listening, timeout=0.1)
    listener.start()
    try:
        assert listener.listening.wait(30), "the listener did not connect"
        assert asyncio.run(_rung(listening, writing, fail=True, wait=1.0)) is False
        assert asyncio.run(_rung(listening, writing, fail=False, wait=30)) is True
    finally:
        listener.stop()
        writing.close()
        listening.close()


def test_sqlite_has_nothing_to_listen_to(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    store = Store(url, settings=settings_for(url))
    listener = EventListener(store)
    listener.start()
    assert not listener.listening.is_set() and listener._thread is None
    store.close()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql+psycopg://u@h:5432/db", "postgresql://u@h:5432/db"),
        ("postgresql://u:p@h/db?options=-csearch_path%3Ds", "postgresql://u:p@h/db?options="),
    ],
)
def test_urls_for_psycopg(given: str, expected: str) -> None:
    assert libpq_url(given).startswith(expected)
