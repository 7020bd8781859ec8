"""The event bell: a committed write that published events wakes waiting streams;
a write without events, or one rolled back, does not."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Connection, select

from concord.store import Store, events_repo
from concord.store.tables import events


def _publish(conn: Connection) -> None:
    events_repo.publish(conn, "hit.new", ["FRA"], {"hit_id": 1})


async def _rung_after(store: Store, write: object) -> bool:
    with store.bell.waiter() as waiter:
        await asyncio.to_thread(write)  # type: ignore[arg-type]
        return await waiter.wait(0.5)


def test_a_commit_with_events_rings(store: Store) -> None:
    def write() -> None:
        with store.write() as conn:
            _publish(conn)

    assert asyncio.run(_rung_after(store, write)) is True


def test_a_write_without_events_or_rolled_back_is_silent(store: Store) -> None:
    def plain() -> None:
        with store.write() as conn:
            conn.execute(select(1))

    def failed() -> None:
        with pytest.raises(RuntimeError), store.write() as conn:
            _publish(conn)
            raise RuntimeError("the change fails after its event was written")

    assert asyncio.run(_rung_after(store, plain)) is False
    assert asyncio.run(_rung_after(store, failed)) is False
    with store.read() as conn:
        assert conn.execute(select(events.c.id)).first() is None  # rolled back whole

    def after() -> None:  # the failed write left no flag behind on its connection
        with store.write() as conn:
            conn.execute(select(1))

    assert asyncio.run(_rung_after(store, after)) is False
