"""The hash chain: an untouched log verifies; one altered, inserted or deleted row is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text, update

from concord.audit import AuditEvent, verify
from concord.audit.events import GENESIS_HASH, canonical_details, chain_hash
from concord.store import Store
from concord.store.tables import audit_events


def _fill(store: Store, count: int = 10) -> None:
    for i in range(count):
        store.audit.emit(AuditEvent(action="check", actor=f"officer{i}", details=f'{{"n":{i}}}'))
    assert store.audit.flush()


def _cli_verify(store: Store) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONCORD_DATABASE_URL": store.url, "CONCORD_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "concord", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _forged_row() -> dict[str, object]:
    """A well-formed event that nobody emitted."""
    return {
        "at": "2026-01-01T00:00:00.000000Z",
        "actor_id": None,
        "actor": "forger",
        "actor_role": None,
        "actor_country": None,
        "action": "check",
        "resource": None,
        "resource_id": None,
        "outcome": "ok",
        "details": "{}",
    }


def test_untouched_log_verifies(store: Store) -> None:
    _fill(store)
    result = verify(store)
    assert result.ok and result.checked == 10 and result.head_seq == 10
    done = _cli_verify(store)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "10 events verified" in done.stdout


def test_empty_log_verifies(store: Store) -> None:
    assert verify(store).ok


def test_altered_event_is_named(store: Store) -> None:
    _fill(store)
    with store.write() as conn:
        conn.execute(
            update(audit_events).where(audit_events.c.seq == 4).values(actor="someone else")
        )
    result = verify(store)
    assert (result.ok, result.seq, result.problem) == (False, 4, "altered")
    done = _cli_verify(store)
    assert done.returncode == 1
    assert "event 4 altered" in done.stdout


def test_altered_event_with_recomputed_hash_is_named(store: Store) -> None:
    _fill(store)
    with store.read() as conn:
        row = dict(
            conn.execute(select(audit_events).where(audit_events.c.seq == 6)).mappings().one()
        )
    row["details"] = '{"n":600}'
    forged = chain_hash(row["prev_hash"], 6, row)
    with store.write() as conn:
        conn.execute(
            update(audit_events)
            .where(audit_events.c.seq == 6)
            .values(details=row["details"], hash=forged)
        )
    result = verify(store)
    assert (result.ok, result.seq, result.problem) == (False, 6, "altered")


def test_deleted_event_is_named(store: Store) -> None:
    _fill(store)
    with store.write() as conn:
        conn.execute(delete(audit_events).where(audit_events.c.seq == 5))
    result = verify(store)
    assert (result.ok, result.seq, result.problem) == (False, 5, "deleted")
    done = _cli_verify(store)
    assert done.returncode == 1 and "event 5 deleted" in done.stdout


def test_deleted_tail_is_named(store: Store) -> None:
    _fill(store)
    with store.write() as conn:
        conn.execute(delete(audit_events).where(audit_events.c.seq >= 9))
    result = verify(store)
    assert (result.ok, result.seq, result.problem) == (False, 9, "deleted")


def test_inserted_event_in_the_middle_is_named(store: Store) -> None:
    _fill(store)
    # Make room after event 3 and slip a well-formed event in, linked to event 3.
    with store.write() as conn:
        for seq in range(10, 3, -1):
            conn.execute(update(audit_events).where(audit_events.c.seq == seq).values(seq=seq + 1))
        prev = conn.execute(select(audit_events.c.hash).where(audit_events.c.seq == 3)).scalar_one()
        row = _forged_row()
        conn.execute(
            insert(audit_events).values(seq=4, prev_hash=prev, hash=chain_hash(prev, 4, row), **row)
        )
    result = verify(store)
    assert (result.ok, result.seq, result.problem) == (False, 4, "inserted")
    done = _cli_verify(store)
    assert done.returncode == 1 and "event 4 inserted" in done.stdout


def test_appended_event_is_named(store: Store) -> None:
    _fill(store)
    with store.write() as conn:
        prev = conn.execute(
            select(audit_events.c.hash).where(audit_events.c.seq == 10)
        ).scalar_one()
        row = _forged_row()
        conn.execute(
            insert(audit_events).values(
                seq=11, prev_hash=prev, hash=chain_hash(prev, 11, row), **row
            )
        )
    result = verify(store)
    assert (result.ok, result.seq, result.problem) == (False, 11, "inserted")


def test_writer_continues_the_chain_across_batches_and_stores(store: Store) -> None:
    _fill(store, 5)
    other = Store(store.url, settings=store.settings)
    try:
        for i in range(5):
            other.audit.emit(AuditEvent(action="check", actor=f"other{i}"))
        other.audit.flush()
    finally:
        other.close()
    _fill(store, 5)
    result = verify(store)
    assert result.ok and result.checked == 15
    with store.read() as conn:
        first = conn.execute(
            select(audit_events.c.prev_hash).where(audit_events.c.seq == 1)
        ).scalar_one()
    assert first == GENESIS_HASH


_WRITER = """
import sys
from concord.audit import AuditEvent
from concord.settings import Settings
from concord.store import Store
url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings = Settings(env="test", database_url=url, audit_flush_interval=0.001, audit_batch_size=50)
store = Store(url, settings=settings)
for i in range(count):
    store.audit.emit(AuditEvent(action="check", actor=name, details='{"i":%d}' % i))
store.close()  # a clean shutdown: everything pending is written
"""


@pytest.mark.slow
def test_processes_sharing_one_database_keep_one_chain(store: Store, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    procs = [
        subprocess.Popen([sys.executable, str(script), store.url, f"proc{n}", "3000"])
        for n in range(3)
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    result = verify(store)
    assert result.ok, result.message
    assert result.checked == 9000
    with store.read() as conn:
        counts = dict(
            conn.execute(text("SELECT actor, COUNT(*) FROM audit_events GROUP BY actor")).all()
        )
    assert counts == {"proc0": 3000, "proc1": 3000, "proc2": 3000}


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=8)


@given(
    st.dictionaries(
        st.text(max_size=6),
        _JSON_LEAVES
        | st.lists(st.text(max_size=6), max_size=30)
        | st.lists(_JSON_LEAVES, max_size=30)
        | st.dictionaries(st.text(max_size=4), _JSON_LEAVES, max_size=4),
        max_size=6,
    )
)
def test_canonical_details_is_sorted_compact_json(details: dict[str, Any]) -> None:
    """The fast form of long string lists must be byte for byte what json.dumps writes."""
    expected = json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_details(details) == expected
    assert canonical_details({"rows": tuple(details)}) == canonical_details({"rows": list(details)})


_TEXT_OR_NONE = st.one_of(st.none(), st.text())


@given(
    seq=st.integers(min_value=0, max_value=2**63 - 1),
    at=st.text(),
    actor_id=st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**64 - 1)),
    actor=st.text(),
    role=_TEXT_OR_NONE,
    country=_TEXT_OR_NONE,
    action=st.text(),
    resource=_TEXT_OR_NONE,
    resource_id=_TEXT_OR_NONE,
    outcome=st.text(),
    details=st.text(),
)
def test_the_fast_canonical_bytes_are_the_json_text(
    seq: int,
    at: str,
    actor_id: int | None,
    actor: str,
    role: str | None,
    country: str | None,
    action: str,
    resource: str | None,
    resource_id: str | None,
    outcome: str,
    details: str,
) -> None:
    """Logs chained before orjson hashed the events must still verify: same bytes."""
    from concord.audit.events import _canonical_bytes, canonical

    row = {
        "at": at,
        "actor_id": actor_id,
        "actor": actor,
        "actor_role": role,
        "actor_country": country,
        "action": action,
        "resource": resource,
        "resource_id": resource_id,
        "outcome": outcome,
        "details": details,
    }
    assert _canonical_bytes(seq, row) == canonical(seq, row).encode()


def test_an_integer_past_64_bits_takes_the_json_road() -> None:
    from concord.audit.events import _canonical_bytes, canonical

    row = dict.fromkeys(
        ("at", "actor", "action", "outcome", "details"), 'x\u2028\x7f\x1f"\\é😀'
    ) | dict.fromkeys(("actor_role", "actor_country", "resource", "resource_id"))
    row["actor_id"] = 2**70
    assert _canonical_bytes(1, row) == canonical(1, row).encode()


def test_a_batch_larger_than_one_statement_is_chained_whole(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concord.audit import chain

    monkeypatch.setattr(chain, "ROWS_A_STATEMENT", 3)  # 10 events: statements of 3, 3, 3, 1
    with store.write() as conn:
        head = chain.append(
            conn, [AuditEvent(action="check", actor=f"officer{i}") for i in range(10)]
        )
    with store.read() as conn:
        rows = conn.execute(select(audit_events.c.seq, audit_events.c.actor)).all()
    assert head == 10
    assert sorted(rows) == [(i + 1, f"officer{i}") for i in range(10)]
    assert verify(store).ok
