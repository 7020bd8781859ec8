"""The person-name index of one process, derived from the store's person records.

Loaded from the store at start, then kept fresh by a thread that follows the
change log (every ``poll_interval`` seconds): a person written, changed or
deleted through any process is found, re-scored or gone here within about
that time. Each indexed record carries what the access policy needs (owner,
visibility, the countries of its restriction) and its review date, so a check
filters candidates without going back to the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from concord.domain.enums import ChangeOp, Visibility
from concord.index.follower import ChangeLogFollower
from concord.matching.analysis import token
from concord.matching.check import person_facts
from concord.matching.common_names import common_latin_forms
from concord.matching.index import NameIndex
from concord.policy import RecordRef
from concord.store import Store
from concord.store.access import countries_of
from concord.store.changes import changes_since, last_seq
from concord.store.persons_repo import KIND
from concord.store.tables import persons

_COLUMNS = (
    persons.c.id,
    persons.c.owner,
    persons.c.full_name,
    persons.c.given_names,
    persons.c.family_names,
    persons.c.display_name,
    persons.c.aliases,
    persons.c.dob,
    persons.c.nationalities,
    persons.c.sex,
    persons.c.visibility,
    persons.c.review_date,
)
_LOAD_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class PersonPayload:
    """What a check needs of a record besides its names and facts."""

    ref: RecordRef
    review_date: str
    display_name: str


def record_names(row: Mapping[str, Any]) -> list[str]:
    """Every name of a person record: the primary name, then each alias."""
    names = [_name_of(row) or row["display_name"]]
    for alias in row.get("aliases") or []:
        text = _name_of(alias)
        if text:
            names.append(text)
    return names


def _name_of(part: Mapping[str, Any]) -> str:
    if part.get("full_name"):
        return str(part["full_name"])
    return " ".join(str(p) for p in (part.get("given_names"), part.get("family_names")) if p)


class PersonNameIndex(ChangeLogFollower):
    thread_name = "concord-names"

    def __init__(self, store: Store, *, poll_interval: float = 0.2):
        super().__init__(poll_interval=poll_interval)
        self.store = store
        self.names = NameIndex()
        self.seq = 0
        self.loaded_at = 0.0
        self._refresh_lock = threading.Lock()

    def load(self) -> None:
        """Rebuild from the store. Changes made meanwhile are applied by the next refresh."""
        common_latin_forms()
        token("warm-up")  # loads rigour's name tagger now, not on the first check
        fresh = NameIndex()
        with self._refresh_lock, self.store.read() as conn:
            seq = last_seq(conn)
            after = 0
            while True:
                rows = [
                    dict(r)
                    for r in conn.execute(
                        select(*_COLUMNS)
                        .where(persons.c.id > after)
                        .order_by(persons.c.id)
                        .limit(_LOAD_CHUNK)
                    ).mappings()
                ]
                if not rows:
                    break
                self._add_rows(conn, fresh, rows)
                after = rows[-1]["id"]
            self.names = fresh
            self.seq = seq
            self.loaded_at = time.time()

    def _add_rows(self, conn: Connection, index: NameIndex, rows: list[dict[str, Any]]) -> None:
        restricted = [r["id"] for r in rows if r["visibility"] != Visibility.ALL.value]
        countries = countries_of(conn, KIND, restricted) if restricted else {}
        for row in rows:
            ref = RecordRef(
                kind=KIND,
                owner=row["owner"],
                visibility=Visibility(row["visibility"]),
                countries=frozenset(countries.get(row["id"], ())),
            )
            facts = person_facts(row["dob"], row["nationalities"] or None, row["sex"])
            payload = PersonPayload(ref, row["review_date"], row["display_name"])
            index.add(int(row["id"]), record_names(row), facts, payload)

    def refresh(self) -> int:
        """Apply the change log since the last look; returns the number of changes applied."""
        applied = 0
        with self._refresh_lock:
            while True:
                with self.store.read() as conn:
                    changes = changes_since(conn, self.seq, limit=5000)
                    if not changes:
                        return applied
                    for change in changes:
                        if change.kind == KIND:
                            self._apply(conn, change.op, change.record_ids())
                applied += len(changes)
                self.seq = changes[-1].seq

    def _apply(self, conn: Connection, op: ChangeOp, ids: Iterable[int]) -> None:
        id_list = list(ids)
        if op is ChangeOp.DELETE:
            for record_id in id_list:
                self.names.remove(record_id)
            return
        rows = [
            dict(r)
            for r in conn.execute(
                select(*_COLUMNS).where(persons.c.id.between(id_list[0], id_list[-1]))
            ).mappings()
        ]
        found = {r["id"] for r in rows}
        for record_id in id_list:
            if record_id not in found:
                self.names.remove(record_id)
        self._add_rows(conn, self.names, rows)
