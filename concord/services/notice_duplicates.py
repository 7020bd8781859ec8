"""Possible duplicates of a notice request: circulating notices about the same person.

The same person may be another country's record, written in another script, so
the name check decides, not the record id. A process with a person name index
(the API) asks it, limited to the subjects of circulating notices; otherwise a
small index of just those subjects is built for the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from concord.domain.compliance import PossibleDuplicate
from concord.domain.notices import NoticeState
from concord.errors import ConcordError
from concord.index.names import PERSON_COLUMNS, record_names
from concord.matching.check import Thresholds, check, person_query
from concord.matching.index import NameIndex, Record
from concord.services.notices import DuplicateFinder
from concord.store import Store, notices_repo
from concord.store.tables import persons

_CIRCULATING = [NoticeState.PUBLISHED.value, NoticeState.SUSPENDED.value]


def duplicate_finder(
    store: Store, names: NameIndex | None = None, thresholds: Thresholds | None = None
) -> DuplicateFinder:
    limits = thresholds or Thresholds()

    def find(subject_names: Sequence[str], person_id: int) -> list[PossibleDuplicate]:
        with store.read() as conn:
            by_person: dict[int, list[tuple[int, str]]] = {}
            for notice_id, kind, subject in notices_repo.subjects_in_states(conn, _CIRCULATING):
                by_person.setdefault(subject, []).append((notice_id, kind))
            by_person.pop(person_id, None)
            if not by_person:
                return []
            index = names if names is not None else _subjects_index(conn, list(by_person))
        best: dict[int, PossibleDuplicate] = {}

        def circulating(record: Record) -> bool:
            return record.key in by_person

        for name in subject_names:
            try:
                query = person_query(name)
            except ConcordError:
                continue
            for candidate in check(
                index, query, thresholds=limits, visible=circulating, explain=False
            ):
                for notice_id, kind in by_person[candidate.record.key]:
                    found = PossibleDuplicate(notice_id, kind, candidate.score, candidate.name)
                    held = best.get(found.notice_id)
                    if held is None or found.score > held.score:
                        best[found.notice_id] = found
        return sorted(best.values(), key=lambda d: (-d.score, d.notice_id))

    return find


def _subjects_index(conn: Any, person_ids: list[int]) -> NameIndex:
    from concord.matching.check import person_facts

    index = NameIndex()
    for start in range(0, len(person_ids), 1000):
        chunk = person_ids[start : start + 1000]
        rows = conn.execute(select(*PERSON_COLUMNS).where(persons.c.id.in_(chunk))).mappings()
        for row in rows:
            index.add(int(row["id"]), record_names(row), person_facts(row["dob"]))
    return index
