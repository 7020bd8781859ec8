"""A hit's life on both stores: the owner answers, the case is resolved, and a missed
deadline escalates to the command centre, all on a clock the test drives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.errors import Conflict, Forbidden, NotFound
from concord.index.names import PersonNameIndex
from concord.services import hit_workflow, notices, persons
from concord.services import hits as hits_service
from concord.services.hit_workflow import Answer, Resolution
from concord.services.person_checks import PersonChecker
from concord.store import Store
from concord.store.tables import hits

DEU = Principal(1, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
FRA = Principal(2, "ncb.fra", Role.NCB, "FRA", MembershipStatus.MEMBER)
OFFICER = Principal(3, "border.fra", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)
GS = Principal(4, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)
USA = Principal(5, "ncb.usa", Role.NCB, "USA", MembershipStatus.MEMBER)
RED: dict[str, Any] = {
    "kind": "red",
    "crime_programme": "organized_emerging_crime",
    "purpose": "prosecution",
    "offences": [{"description": "armed robbery", "law": "StGB § 250", "max_penalty_months": 180}],
    "warrant": {"reference": "W-1", "date": "2026-01-05", "authority": "AG Köln"},
}


def _wanted(store: Store, name: str, kind: str) -> None:
    record = persons.create(
        store, DEU, PersonInput.model_validate({"full_name": name, "dob": "1980-02-03"})
    )
    body = {**RED, "subject": {"kind": "person", "id": record["id"]}}
    if kind != "red":
        body.update(kind=kind, purpose=None, warrant=None, offences=[])
    notice_id = notices.create(store, DEU, NoticeInput.model_validate(body))["id"]
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)


def _hit(store: Store, name: str) -> dict[str, Any]:
    index = PersonNameIndex(store)
    index.load()
    answer = PersonChecker(store, index, store.settings).check_one(
        OFFICER, {"name": name, "dob": "1980-02-03"}
    )
    assert answer["verdict"] == "hit", answer
    with store.read() as conn:
        row = conn.execute(select(hits).where(hits.c.id == answer["hit_id"])).mappings().one()
    return dict(row)


def test_a_red_notice_hit_is_urgent_and_goes_to_resolution(store: Store) -> None:
    _wanted(store, "Jürgen Adler", "red")
    hit = _hit(store, "Juergen Adler")
    assert hit["urgency"] == "urgent" and hit["owner"] == "DEU" and hit["status"] == "new"
    assert hit["due_at"] - hit["at"] == dt.timedelta(minutes=10)
    with pytest.raises(Forbidden):  # the checking country does not answer for the owner
        hit_workflow.answer(store, FRA, hit["id"], Answer(answer="confirmed"))
    with pytest.raises(Conflict):  # nothing to resolve before the owner confirms
        hit_workflow.resolve(store, FRA, hit["id"], Resolution(resolution="arrested", note="x"))
    confirmed = hit_workflow.answer(store, DEU, hit["id"], Answer(answer="confirmed"))
    assert confirmed["status"] == "confirmed" and confirmed["answered_by"] == "ncb.deu"
    with pytest.raises(Conflict):
        hit_workflow.answer(store, DEU, hit["id"], Answer(answer="not_same"))
    with pytest.raises(NotFound):  # a third country does not even see it
        hit_workflow.resolve(store, USA, hit["id"], Resolution(resolution="arrested", note="x"))
    resolved = hit_workflow.resolve(
        store, FRA, hit["id"], Resolution(resolution="arrested", note="Held at CDG terminal 2")
    )
    assert resolved["status"] == "resolved" and resolved["resolution"] == "arrested"


def test_a_missed_deadline_escalates_once_and_leads_the_command_centre(store: Store) -> None:
    _wanted(store, "Jürgen Adler", "red")
    _wanted(store, "Ola Nordmann", "blue")
    urgent = _hit(store, "Juergen Adler")
    routine = _hit(store, "Ola Nordmann")
    assert routine["urgency"] == "routine"
    assert routine["due_at"] - routine["at"] == dt.timedelta(minutes=60)
    start = urgent["at"]
    assert hit_workflow.escalate(store, start + dt.timedelta(minutes=9)) == []
    assert hit_workflow.escalate(store, start + dt.timedelta(minutes=11)) == [urgent["id"]]
    assert hit_workflow.escalate(store, start + dt.timedelta(minutes=12)) == []  # once
    board = hit_workflow.command_centre(store, GS, start + dt.timedelta(minutes=11))
    assert [(h["id"], h["overdue"]) for h in board] == [
        (urgent["id"], True),
        (routine["id"], False),
    ]
    assert board[0]["escalated_at"] is not None
    hit_workflow.answer(store, DEU, routine["id"], Answer(answer="not_same", note="other man"))
    board = hit_workflow.command_centre(store, GS, start + dt.timedelta(minutes=11))
    assert [h["id"] for h in board] == [urgent["id"]]  # closed hits leave the board
    with pytest.raises(Forbidden):
        hit_workflow.command_centre(store, DEU)


def test_an_object_hit_gets_a_routine_deadline(store: Store) -> None:
    from concord.index.identifiers import IdentifierIndex
    from concord.services import objects
    from concord.services.checks import Checker
    from concord.store.kinds import DOCUMENT

    objects.create(
        store, DEU, DOCUMENT, {"number": "C01X00T47", "issuing_country": "DEU", "status": "stolen"}
    )
    index = IdentifierIndex(store)
    index.load()
    answer = Checker(store, index).check_one(
        OFFICER, {"document": {"number": "C01X00T47", "issuing_country": "DEU"}}
    )
    hit_id = answer["matches"][0]["hit_id"]
    with store.read() as conn:
        row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().one()
    assert row["urgency"] == "routine" and row["due_at"] - row["at"] == dt.timedelta(minutes=60)
    with store.write() as conn:  # an old hit from before deadlines: no due time, never escalates
        conn.execute(update(hits).where(hits.c.id == hit_id).values(due_at=None))
    assert hit_workflow.escalate(store, row["at"] + dt.timedelta(days=1)) == []


def test_open_hit_records_and_announces_in_the_callers_transaction(store: Store) -> None:
    from concord.store import events_repo

    at = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
    with store.write() as conn:
        hit_id = hit_workflow.open_hit(
            conn,
            store.settings,
            OFFICER,
            kind="person",
            record={"id": 41, "owner": "DEU"},
            query={"qid": "contrôle-1"},
            notice={"id": 9, "kind": "orange"},
            at=at,
        )
    with store.read() as conn:
        row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().one()
        told = {
            c: [
                (e["kind"], e["payload"]["hit_id"])
                for e in events_repo.since(conn, country=c, user_id=None, after=0)
            ]
            for c in ("DEU", "FRA", "XPO", "USA")
        }
        officer = events_repo.since(conn, country=None, user_id=OFFICER.user_id, after=0)
    assert (row["owner"], row["checking_country"], row["checked_by"]) == ("DEU", "FRA", 3)
    assert (row["status"], row["urgency"], row["notice_id"]) == ("new", "urgent", 9)
    assert row["due_at"] - at == dt.timedelta(minutes=10)
    assert hits_service.view(row)["query"] == {"qid": "contrôle-1"}
    assert told == {c: [("hit.new", hit_id)] for c in ("DEU", "FRA", "XPO")} | {"USA": []}
    assert [e["kind"] for e in officer] == ["hit.new"]


def test_a_kind_of_record_can_be_made_urgent_in_the_settings(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concord.index.identifiers import IdentifierIndex
    from concord.services import objects
    from concord.services.checks import Checker
    from concord.store.kinds import DOCUMENT

    urgent = store.settings.model_copy(update={"hit_urgent_records": ["document"]})
    monkeypatch.setattr(store, "settings", urgent)
    objects.create(
        store, DEU, DOCUMENT, {"number": "C01X00T48", "issuing_country": "DEU", "status": "stolen"}
    )
    index = IdentifierIndex(store)
    index.load()
    answer = Checker(store, index).check_one(
        OFFICER, {"document": {"number": "C01X00T48", "issuing_country": "DEU"}}
    )
    with store.read() as conn:
        row = (
            conn.execute(select(hits).where(hits.c.id == answer["matches"][0]["hit_id"]))
            .mappings()
            .one()
        )
    assert row["urgency"] == "urgent" and row["due_at"] - row["at"] == dt.timedelta(minutes=10)


def test_hits_are_listed_by_status_and_newest_first(store: Store) -> None:
    """What a queue reads: its open hits, and the latest closed ones, not every hit."""
    for name in ("Jürgen Adler", "Karl Brenner", "Dieter Claus"):
        _wanted(store, name, "red")
    first, second, third = (
        _hit(store, n) for n in ("Juergen Adler", "Karl Brenner", "Dieter Claus")
    )
    hit_workflow.answer(store, DEU, second["id"], Answer(answer="not_same"))
    open_, cursor = hits_service.list_hits(store, DEU, statuses=("new", "confirmed"))
    assert [h["id"] for h in open_] == [first["id"], third["id"]] and cursor is None
    closed, cursor = hits_service.list_hits(
        store, DEU, statuses=("not_same", "resolved"), newest_first=True, limit=1
    )
    assert [h["id"] for h in closed] == [second["id"]] and cursor is None
    latest, cursor = hits_service.list_hits(store, DEU, newest_first=True, limit=2)
    assert [h["id"] for h in latest] == [third["id"], second["id"]] and cursor is None
    assert hits_service.list_hits(store, USA, statuses=("new",))[0] == []  # not USA's
