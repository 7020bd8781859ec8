"""The person-name index holds exactly the subjects of published notices, on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.errors import Conflict
from concord.index.names import PersonNameIndex
from concord.services import notices, persons
from concord.store import Store

DEU = Principal(1, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
GS = Principal(2, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)


def _person(store: Store, name: str) -> int:
    body = {"full_name": name, "dob": "1980-02-03"}
    return int(persons.create(store, DEU, PersonInput.model_validate(body))["id"])


def _published(store: Store, person: int, kind: str = "blue") -> int:
    request: dict[str, Any] = {
        "kind": kind,
        "crime_programme": "cybercrime",
        "subject": {"kind": "person", "id": person},
    }
    notice_id = int(notices.create(store, DEU, NoticeInput.model_validate(request))["id"])
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)
    return notice_id


def test_load_and_follow_published_subjects(store: Store) -> None:
    wanted = _person(store, "Ana Lucia Ferreira")
    bystander = _person(store, "Bruno Costa")
    first = _published(store, wanted)
    index = PersonNameIndex(store)
    index.load()
    assert index.names.get(wanted) is not None and index.names.get(bystander) is None
    payload = index.names.get(wanted).payload  # type: ignore[union-attr]
    assert [(t.id, t.kind) for t in payload.notices] == [(first, "blue")]

    second = _published(store, wanted, kind="green")
    third = _published(store, bystander)
    index.refresh()
    tags = index.names.get(wanted).payload.notices  # type: ignore[union-attr]
    assert {t.id for t in tags} == {first, second}
    assert index.names.get(bystander) is not None

    # A subject renamed is re-indexed; one no longer wanted leaves.
    persons.update(
        store, DEU, wanted, PersonInput.model_validate({"full_name": "Ana Lúcia Ferreira Lima"})
    )
    notices.move(store, DEU, first, Move.WITHDRAW, reason="located")
    index.refresh()
    record = index.names.get(wanted)
    assert record is not None and record.names == ("Ana Lúcia Ferreira Lima",)
    assert [t.id for t in record.payload.notices] == [second]
    notices.move(store, GS, second, Move.CANCEL, reason="Article 3")
    index.refresh()
    assert index.names.get(wanted) is None and index.names.get(bystander) is not None
    with pytest.raises(Conflict):  # a circulating notice keeps its subject
        persons.delete(store, DEU, bystander)
    notices.move(store, DEU, third, Move.WITHDRAW, reason="arrested")
    persons.delete(store, DEU, bystander)
    index.refresh()
    assert index.names.get(bystander) is None and len(index.names) == 0
