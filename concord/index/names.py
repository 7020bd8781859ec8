"""The person-name index of one process: the persons a check may find.

A person is checkable only while it is the subject of a published notice, so
the index holds exactly those persons, each with its notices (id and kind).
Loaded from the store at start, then kept fresh by a thread that follows the
change log (every ``poll_interval`` seconds): a notice published, suspended or
withdrawn, or a subject written, changed or deleted, through any process, is
found, re-scored or gone here within about that time. Each indexed record
carries what the access policy needs (owner, visibility, the countries of its
restriction) and its review date, so a check filters candidates without going
back to the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from concord.domain.enums import ChangeOp, Visibility
from concord.domain.notices import ACTIVE
from concord.index.follower import ChangeLogFollower
from concord.matching.analysis import token
from concord.matching.check import person_facts
from concord.matching.common_names import common_latin_forms
from concord.matching.index import NameIndex
from concord.policy import RecordRef
from concord.store import Store
from concord.store.access import countries_of
from concord.store.changes import changes_since, last_seq
from concord.store.notices_repo import KIND as NOTICE_KIND
from concord.store.persons_repo import KIND
from concord.store.tables import notices, persons

PERSON_COLUMNS = (
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
_CHECKABLE = frozenset(state.value for state in ACTIVE)
_NOTICE_COLUMNS = (
    notices.c.id,
    notices.c.kind,
    notices.c.subject_id,
    notices.c.channel,
    notices.c.recipients,
)


@dataclass(frozen=True, slots=True)
class NoticeTag:
    """A published notice about an indexed person: what a hit tells the officer.
    A diffusion names its recipients: only they (and its sender) are told."""

    id: int
    kind: str
    recipients: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class PersonPayload:
    """What a check needs of a record besides its names and facts."""

    ref: RecordRef
    review_date: str
    display_name: str
    notices: tuple[NoticeTag, ...] = ()


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
        # person id -> its published notices (id -> tag); the persons indexed
        self._active: dict[int, dict[int, NoticeTag]] = {}

    def load(self) -> None:
        """Rebuild from the store. Changes made meanwhile are applied by the next refresh."""
        common_latin_forms()
        token("warm-up")  # loads rigour's name tagger now, not on the first check
        fresh = NameIndex()
        with self._refresh_lock, self.store.read() as conn:
            seq = last_seq(conn)
            active = _active_notices(conn)
            subjects = sorted(active)
            for start in range(0, len(subjects), _LOAD_CHUNK):
                chunk = subjects[start : start + _LOAD_CHUNK]
                rows = [
                    dict(r)
                    for r in conn.execute(
                        select(*PERSON_COLUMNS)
                        .where(persons.c.id.in_(chunk))
                        .order_by(persons.c.id)
                    ).mappings()
                ]
                self._add_rows(conn, fresh, rows, active)
            self.names = fresh
            self._active = active
            self.seq = seq
            self.loaded_at = time.time()

    def _add_rows(
        self,
        conn: Connection,
        index: NameIndex,
        rows: list[dict[str, Any]],
        active: Mapping[int, Mapping[int, NoticeTag]],
    ) -> None:
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
            tags = tuple(tag for _, tag in sorted(active.get(int(row["id"]), {}).items()))
            payload = PersonPayload(ref, row["review_date"], row["display_name"], tags)
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
                        elif change.kind == NOTICE_KIND:
                            self._apply_notices(conn, change.record_ids())
                applied += len(changes)
                self.seq = changes[-1].seq

    def _apply(self, conn: Connection, op: ChangeOp, ids: Iterable[int]) -> None:
        """A person changed: only a subject of a published notice is (re)indexed."""
        id_list = [i for i in ids if i in self._active]
        if not id_list:
            return
        if op is ChangeOp.DELETE:
            for record_id in id_list:
                self.names.remove(record_id)
            return
        self._reindex(conn, id_list)

    def _apply_notices(self, conn: Connection, ids: Iterable[int]) -> None:
        """A notice changed: its subject joins the index when it is published, and
        leaves when its last published notice is no longer."""
        touched: set[int] = set()
        rows = conn.execute(
            select(*_NOTICE_COLUMNS, notices.c.state, notices.c.subject_kind).where(
                notices.c.id.in_(list(ids))
            )
        ).mappings()
        for row in rows:
            if row["subject_kind"] != KIND:
                continue
            person = int(row["subject_id"])
            held = self._active.setdefault(person, {})
            if row["state"] in _CHECKABLE:
                held[int(row["id"])] = _tag(row)
            else:
                held.pop(int(row["id"]), None)
            if not held:
                del self._active[person]
            touched.add(person)
        for person in touched:
            if person not in self._active:
                self.names.remove(person)
        self._reindex(conn, sorted(p for p in touched if p in self._active))

    def _reindex(self, conn: Connection, id_list: list[int]) -> None:
        if not id_list:
            return
        rows = [
            dict(r)
            for r in conn.execute(
                select(*PERSON_COLUMNS).where(persons.c.id.in_(id_list))
            ).mappings()
        ]
        found = {r["id"] for r in rows}
        for record_id in id_list:
            if record_id not in found:
                self.names.remove(record_id)
        self._add_rows(conn, self.names, rows, self._active)


def _active_notices(conn: Connection) -> dict[int, dict[int, NoticeTag]]:
    """Every person that is the subject of a published notice, with those notices."""
    active: dict[int, dict[int, NoticeTag]] = {}
    rows = conn.execute(
        select(*_NOTICE_COLUMNS).where(
            notices.c.state.in_(list(_CHECKABLE)), notices.c.subject_kind == KIND
        )
    ).mappings()
    for row in rows:
        active.setdefault(int(row["subject_id"]), {})[int(row["id"])] = _tag(row)
    return active


def _tag(row: Any) -> NoticeTag:
    recipients = row["recipients"] if row["channel"] == "diffusion" else None
    return NoticeTag(
        int(row["id"]), row["kind"], frozenset(recipients) if recipients is not None else None
    )
