"""The store contract, run on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from concord.domain.enums import ChangeOp, MembershipStatus, Role, Visibility
from concord.domain.persons import AccessRestriction, PersonInput, person_to_row
from concord.domain.principal import Principal
from concord.policy import Action, allow, read_scope
from concord.services.records import record_ref
from concord.store import Store, persons_repo
from concord.store.changes import changes_since, last_seq
from concord.store.engine import SQLITE_PAGE_SIZE
from concord.store.migrate import current_revision, head_revision, upgrade
from concord.store.tables import persons


def _row(name: str, reference: str | None = None, **access: object) -> dict[str, object]:
    data = PersonInput(reference=reference, full_name=name, access=AccessRestriction(**access))  # type: ignore[arg-type]
    return person_to_row(data)


def test_schema_is_at_head_and_upgrade_is_idempotent(store: Store) -> None:
    upgrade(store)
    assert current_revision(store) == head_revision(store)


def test_migrations_build_the_schema_the_code_declares(store: Store) -> None:
    """A table, column or index changed in ``tables.py`` without a migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from concord.store.tables import metadata

    upgrade(store)
    with store.read() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'wal.db'}")
    upgrade(store)
    with store.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA page_size")).scalar() == SQLITE_PAGE_SIZE
    store.close()


def test_foreign_key_on_owner_is_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.write() as conn:
        persons_repo.insert_one(conn, "ZZZ", _row("A B"), [], None)


def test_every_change_writes_a_change_row_in_order(store: Store) -> None:
    with store.write() as conn:
        first = persons_repo.insert_one(conn, "FRA", _row("A B"), [], None)
    with store.write() as conn:
        second = persons_repo.insert_one(conn, "DEU", _row("C D"), [], None)
    with store.write() as conn:
        persons_repo.update_one(conn, first, "FRA", _row("A B C"), [])
    with store.write() as conn:
        persons_repo.delete_one(conn, second, "DEU")
    with store.read() as conn:
        changes = changes_since(conn, 0)
        assert last_seq(conn) == changes[-1].seq
    assert [(c.record_id, c.op, c.owner) for c in changes] == [
        (first, ChangeOp.CREATE, "FRA"),
        (second, ChangeOp.CREATE, "DEU"),
        (first, ChangeOp.UPDATE, "FRA"),
        (second, ChangeOp.DELETE, "DEU"),
    ]
    seqs = [c.seq for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    with store.read() as conn:
        assert [c.record_id for c in changes_since(conn, seqs[1])] == [first, second]


def test_a_failed_transaction_leaves_neither_record_nor_change(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        persons_repo.insert_one(conn, "FRA", _row("A B"), [], None)
        raise RuntimeError("crash before commit")
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 0
        assert changes_since(conn, 0) == []


def test_reference_is_unique_per_owner(store: Store) -> None:
    with store.write() as conn:
        persons_repo.insert_one(conn, "FRA", _row("A", "REF"), [], None)
        persons_repo.insert_one(conn, "DEU", _row("B", "REF"), [], None)
    with pytest.raises(IntegrityError), store.write() as conn:
        persons_repo.insert_one(conn, "FRA", _row("C", "REF"), [], None)


def test_json_and_unicode_round_trip(store: Store) -> None:
    data = PersonInput(
        full_name="Ζωή Παπαδοπούλου",
        aliases=[{"full_name": "Zoi Papadopoulou"}, {"given_names": "ゾイ"}],  # type: ignore[list-item]
        nationalities=["GR", "CY"],
        identifiers=[{"kind": "passport", "value": "AE1234567", "country": "GRC"}],  # type: ignore[list-item]
    )
    with store.write() as conn:
        record_id = persons_repo.insert_one(conn, "GRC", person_to_row(data), [], None)
    with store.read() as conn:
        row = persons_repo.get(conn, record_id)
    assert row is not None
    assert row["full_name"] == "Ζωή Παπαδοπούλου"
    assert row["aliases"][1]["given_names"] == "ゾイ"
    assert row["nationalities"] == ["GRC", "CYP"]
    assert row["created_at"].tzinfo is not None


def test_list_filter_agrees_with_the_policy(store: Store) -> None:
    """The SQL visibility predicate and allow() must answer alike on every record."""
    rnd = random.Random(5)
    countries = ["FRA", "DEU", "USA", "BRA", "JPN"]
    with store.write() as conn:
        for n in range(120):
            owner = rnd.choice(countries)
            visibility = rnd.choice(list(Visibility))
            listed = (
                rnd.sample(countries, rnd.randint(1, 3))
                if visibility in (Visibility.ONLY, Visibility.EXCEPT)
                else []
            )
            persons_repo.insert_one(
                conn, owner, _row(f"P {n}", visibility=visibility, countries=listed), listed, None
            )
    principals = [
        Principal(n + 1, f"u{n}", role, country, MembershipStatus.MEMBER)
        for n, (role, country) in enumerate(
            [(Role.NCB, c) for c in countries]
            + [(Role.FRONTLINE, "DEU"), (Role.PARTNER, "FRA"), (Role.GS, "XPO"), (Role.CCF, "XPO")]
        )
    ]
    principals.append(Principal(99, "s", Role.NCB, "FRA", MembershipStatus.SUSPENDED))
    with store.read() as conn:
        everything = persons_repo.list_visible(
            conn, read_scope(principals[-3], "person"), limit=1000
        )
        assert len(everything) == 120
        for principal in principals:
            listed_ids = {
                r["id"]
                for r in persons_repo.list_visible(
                    conn, read_scope(principal, "person"), limit=1000
                )
            }
            allowed_ids = {
                r["id"]
                for r in everything
                if allow(principal, Action.READ, record_ref("person", r))
            }
            assert listed_ids == allowed_ids, principal


_CHANGE_WRITER = """
import sys
from concord.domain.persons import PersonInput, person_to_row
from concord.settings import Settings
from concord.store import Store, persons_repo
url, owner, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store(url, settings=Settings(env="test", database_url=url))
row = person_to_row(PersonInput(full_name="Writer " + owner))
for _ in range(count):
    with store.write() as conn:
        persons_repo.insert_one(conn, owner, row, [], None)
store.close()
"""


@pytest.mark.slow
def test_a_reader_following_the_change_log_misses_nothing(store: Store, tmp_path: Path) -> None:
    """Two processes write while a follower polls: it sees every change exactly once."""
    script = tmp_path / "writer.py"
    script.write_text(_CHANGE_WRITER)
    procs = [
        subprocess.Popen([sys.executable, str(script), store.url, owner, "250"])
        for owner in ("FRA", "DEU")
    ]
    seen: list[int] = []
    last = 0
    while True:
        running = any(p.poll() is None for p in procs)
        with store.read() as conn:
            for change in changes_since(conn, last):
                seen.extend(change.record_ids())
                last = change.seq
        if not running:
            break
        time.sleep(0.001)
    assert all(p.returncode == 0 for p in procs)
    with store.read() as conn:
        stored = set(conn.execute(select(persons.c.id)).scalars())
    assert len(stored) == 500
    assert sorted(seen) == sorted(stored)


def test_bulk_changes_fold_runs_of_ids(store: Store) -> None:
    from concord.store.changes import record_changes

    with store.write() as conn:
        record_changes(conn, "person", ChangeOp.PUT, "FRA", [5, 1, 2, 3, 9, 10])
    with store.read() as conn:
        changes = changes_since(conn, 0)
    assert [list(c.record_ids()) for c in changes] == [[1, 2, 3], [5], [9, 10]]
