"""Data-subject requests on both stores: the CCF alone handles them, sees what the
platform holds, decides by the deadline, and a deletion it orders is carried out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.domain.subject_requests import DecisionInput, SubjectRequestInput
from concord.errors import Conflict, Forbidden, InvalidInput, NotFound
from concord.services import notices, persons, subject_requests
from concord.store import Store
from concord.store.tables import audit_events, events

CCF = Principal(1, "ccf.one", Role.CCF, "XPO", MembershipStatus.MEMBER)
GS = Principal(2, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)
DEU = Principal(3, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)


def _wanted(store: Store, name: str, dob: str) -> tuple[int, int]:
    record = persons.create(store, DEU, PersonInput.model_validate({"full_name": name, "dob": dob}))
    request: dict[str, Any] = {
        "kind": "blue",
        "crime_programme": "cybercrime",
        "subject": {"kind": "person", "id": record["id"]},
    }
    notice_id = int(notices.create(store, DEU, NoticeInput.model_validate(request))["id"])
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)
    return int(record["id"]), notice_id


def _request(store: Store, kind: str, **fields: Any) -> dict[str, Any]:
    body = {
        "kind": kind,
        "name": "Ivan Petrov",
        "dob": "1981-03-14",
        "contact": "c/o lawyer, 1 rue de la Paix, Paris",
        "claim": "I am not the man you are looking for.",
        **fields,
    }
    return subject_requests.register(store, CCF, SubjectRequestInput.model_validate(body))


def test_only_the_ccf_handles_requests(store: Store) -> None:
    body = {"kind": "access", "name": "A B", "contact": "x", "claim": "y"}
    with pytest.raises(Forbidden):
        subject_requests.register(store, GS, SubjectRequestInput.model_validate(body))
    with pytest.raises(Forbidden):
        subject_requests.list_requests(store, DEU)
    made = _request(store, "access", received_on="2026-01-10")
    assert made["deadline"] == "2026-05-10" and made["state"] == "open"
    later = _request(store, "deletion", received_on="2026-01-01")
    assert later["deadline"] == "2026-09-28"
    listed = subject_requests.list_requests(store, CCF, today=dt.date(2026, 6, 1))
    assert [(r["id"], r["overdue"]) for r in listed] == [(made["id"], True), (later["id"], False)]
    with pytest.raises(NotFound):
        subject_requests.get(store, CCF, 999)


def test_holdings_find_the_person_across_scripts(store: Store) -> None:
    record, notice_id = _wanted(store, "Иван Петров", "1981-03-14")
    _wanted(store, "Maria Oliveira", "1981-07-01")
    made = _request(store, "access")
    found = subject_requests.get(store, CCF, made["id"])["holdings"]
    assert [h["id"] for h in found] == [record]
    assert found[0]["notices"] == [{"id": notice_id, "kind": "blue", "state": "published"}]


def test_a_deletion_order_is_carried_out(store: Store) -> None:
    record, notice_id = _wanted(store, "Иван Петров", "1981-03-14")
    made = _request(store, "deletion")
    with pytest.raises(InvalidInput) as no_records:
        DecisionInput.model_validate({"decision": "granted", "reasoning": "x"})
    assert no_records.value.field == "records"
    with pytest.raises(InvalidInput):
        unknown = {"decision": "granted", "reasoning": "x", "records": [777]}
        subject_requests.decide(store, CCF, made["id"], DecisionInput.model_validate(unknown))
    decision = DecisionInput.model_validate(
        {"decision": "granted", "reasoning": "Not the same person.", "records": [record]}
    )
    done = subject_requests.decide(store, CCF, made["id"], decision)
    assert done["state"] == "decided" and done["carried_out"] == {
        "deleted": [record],
        "cancelled_notices": [notice_id],
    }
    with pytest.raises(NotFound):
        persons.get(store, DEU, record)
    assert notices.get(store, GS, notice_id)["state"] == "cancelled"
    with pytest.raises(Conflict):
        subject_requests.decide(store, CCF, made["id"], decision)
    store.audit.flush()
    with store.read() as conn:
        actions = list(conn.execute(select(audit_events.c.action)).scalars())
    assert "subject_request.decide" in actions and "person.delete" in actions
    with store.read() as conn:  # the owner and every member that could see it are told
        told = conn.execute(
            select(events.c.country, events.c.kind).where(events.c.kind.like("notice.%"))
        ).all()
    assert ("DEU", "notice.cancelled") in told and ("FRA", "notice.stop_relying") in told
    assert ("DEU", "notice.stop_relying") not in told


def test_a_correction_names_what_to_correct_and_a_refusal_deletes_nothing(store: Store) -> None:
    record, _ = _wanted(store, "Иван Петров", "1981-03-14")
    fix = _request(store, "correction")
    with pytest.raises(InvalidInput) as missing:
        grant = {"decision": "granted", "reasoning": "r", "records": [record]}
        subject_requests.decide(store, CCF, fix["id"], DecisionInput.model_validate(grant))
    assert missing.value.field == "correction"
    corrected = subject_requests.decide(
        store, CCF, fix["id"],
        DecisionInput.model_validate(
            {"decision": "granted", "reasoning": "r", "records": [record],
             "correction": "date of birth is 1981-04-13"}
        ),
    )  # fmt: skip
    assert corrected["correction"] == "date of birth is 1981-04-13"
    assert corrected["carried_out"] is None
    gone = _request(store, "deletion")
    refused = subject_requests.decide(
        store, CCF, gone["id"],
        DecisionInput.model_validate({"decision": "refused", "reasoning": "Same person."}),
    )  # fmt: skip
    assert refused["decision"] == "refused" and refused["carried_out"] is None
    assert persons.get(store, DEU, record)["id"] == record
