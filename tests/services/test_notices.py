"""Notices through the service, on both stores: the life of a notice, every refusal
leaving the state as it was, the compliance rules on submission, the review queue,
the clock, and possible duplicates found by the name check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.errors import Conflict, Forbidden, InvalidInput, NotFound
from concord.services import notices, persons
from concord.services.notice_duplicates import duplicate_finder
from concord.store import Store
from concord.store.tables import audit_events

DEU = Principal(1, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
FRA = Principal(2, "ncb.fra", Role.NCB, "FRA", MembershipStatus.MEMBER)
USA = Principal(3, "ncb.usa", Role.NCB, "USA", MembershipStatus.MEMBER)
BORDER_FRA = Principal(4, "border.fra", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)
GS = Principal(5, "gs.lyon", Role.GS, "XPO", MembershipStatus.MEMBER)
CCF = Principal(6, "ccf.one", Role.CCF, "XPO", MembershipStatus.MEMBER)

WANTED = {
    "full_name": "Щербаков Александр Иванович",
    "dob": "1971-04-12",
    "nationalities": ["RU"],
    "sex": "M",
}
RED: dict[str, Any] = {
    "kind": "red",
    "crime_programme": "organized_emerging_crime",
    "summary": "Leader of a network trafficking cocaine through the port of Hamburg.",
    "purpose": "prosecution",
    "offences": [
        {
            "description": "drug trafficking",
            "law": "Betäubungsmittelgesetz § 29a",
            "max_penalty_months": 180,
        }
    ],
    "warrant": {
        "type": "arrest_warrant",
        "reference": "HH-2026-0042",
        "date": "2026-03-02",
        "authority": "Amtsgericht Hamburg",
    },
}


def _person(store: Store, owner: Principal, **fields: Any) -> int:
    return int(persons.create(store, owner, PersonInput.model_validate(fields))["id"])


def _notice(store: Store, owner: Principal, subject: int, **fields: Any) -> dict[str, Any]:
    body = {**RED, **fields, "subject": {"kind": "person", "id": subject}}
    return notices.create(store, owner, NoticeInput.model_validate(body))


def _state(store: Store, notice_id: int) -> str:
    return str(notices.get(store, GS, notice_id)["state"])


def test_the_life_of_a_red_notice(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    draft = _notice(store, DEU, person, urgent=True)
    assert draft["state"] == "draft" and draft["action"].startswith("locate and provisionally")
    notice_id = draft["id"]
    # A draft is the requester's: other countries do not learn it exists.
    with pytest.raises(NotFound):
        notices.get(store, FRA, notice_id)

    submitted = notices.move(store, DEU, notice_id, Move.SUBMIT)
    assert submitted["state"] == "under_review"
    assert submitted["compliance"]["outcome"] == "pass"
    assert [n["id"] for n in notices.review_queue(store, GS)] == [notice_id]

    published = notices.move(store, GS, notice_id, Move.PUBLISH, today=dt.date(2026, 11, 23))
    assert published["state"] == "published" and published["review_date"] == "2031-11-23"
    seen = notices.get(store, FRA, notice_id)
    assert seen["state"] == "published" and "compliance" not in seen and "events" not in seen
    assert notices.get(store, BORDER_FRA, notice_id)["kind"] == "red"

    suspended = notices.move(store, DEU, notice_id, Move.SUSPEND, reason="under negotiation")
    assert suspended["state"] == "suspended" and suspended["suspended_until"]
    with pytest.raises(NotFound):  # a suspended notice no longer circulates
        notices.get(store, FRA, notice_id)
    assert notices.move(store, DEU, notice_id, Move.RESUME)["state"] == "published"
    withdrawn = notices.move(store, DEU, notice_id, Move.WITHDRAW, reason="person arrested")
    assert withdrawn["state"] == "withdrawn"
    moves = [(e["move"], e["to_state"]) for e in withdrawn["events"]]
    assert moves == [
        ("create", "draft"),
        ("submit", "under_review"),
        ("publish", "published"),
        ("suspend", "suspended"),
        ("resume", "published"),
        ("withdraw", "withdrawn"),
    ]
    assert withdrawn["events"][-1]["reason"] == "person arrested"
    store.audit.flush()
    with store.read() as conn:
        actions = set(conn.execute(select(audit_events.c.action)).scalars())
    assert {"notice.create", "notice.submit", "notice.publish", "notice.withdraw"} <= actions


def test_illegal_moves_change_nothing(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    notice_id = _notice(store, DEU, person)["id"]
    with pytest.raises(Conflict):  # publishing a draft
        notices.move(store, GS, notice_id, Move.PUBLISH)
    with pytest.raises(NotFound):  # another country cannot even see the draft
        notices.move(store, FRA, notice_id, Move.SUBMIT)
    with pytest.raises(Forbidden):  # the GS does not submit for an NCB
        notices.move(store, GS, notice_id, Move.SUBMIT)
    assert _state(store, notice_id) == "draft"
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)
    with pytest.raises(Forbidden):  # a frontline officer cancelling
        notices.move(store, BORDER_FRA, notice_id, Move.CANCEL, reason="no")
    with pytest.raises(Forbidden):  # the requester cannot cancel, only withdraw
        notices.move(store, DEU, notice_id, Move.CANCEL, reason="no")
    with pytest.raises(InvalidInput) as no_reason:
        notices.move(store, GS, notice_id, Move.CANCEL)
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidInput) as too_long:
        notices.move(store, DEU, notice_id, Move.SUSPEND, reason="talks", until="2099-01-01")
    assert too_long.value.field == "until"
    with pytest.raises(Forbidden):
        notices.move(store, DEU, notice_id, Move.EXPIRE)
    assert _state(store, notice_id) == "published"
    cancelled = notices.move(store, GS, notice_id, Move.CANCEL, reason="Article 3 concerns")
    assert cancelled["state"] == "cancelled"
    with pytest.raises(Conflict):
        notices.move(store, DEU, notice_id, Move.RESUME)


def test_a_notice_is_only_about_the_requesters_own_record(store: Store) -> None:
    theirs = _person(store, FRA, full_name="Jean Dupont")
    with pytest.raises(Forbidden) as refused:
        _notice(store, DEU, theirs)
    assert refused.value.field == "subject.id"
    with pytest.raises(NotFound):
        _notice(store, DEU, 999_999)
    with pytest.raises(Forbidden):  # a frontline officer does not request notices
        _notice(store, BORDER_FRA, theirs)


def test_a_failing_rule_keeps_the_draft_and_says_why(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    petty = {**RED["offences"][0], "description": "shoplifting", "max_penalty_months": 12}
    notice_id = _notice(store, DEU, person, offences=[petty], warrant=None)["id"]
    with pytest.raises(InvalidInput) as failed:
        notices.move(store, DEU, notice_id, Move.SUBMIT)
    assert failed.value.code == "compliance_failed"
    report = failed.value.details
    assert report is not None and report["outcome"] == "fail"
    failing = {r["rule"] for r in report["results"] if r["outcome"] == "fail"}
    assert any("penalty" in rule for rule in failing)
    assert any("judicial" in rule for rule in failing)
    assert _state(store, notice_id) == "draft"
    # The same verdict is there to read at any time, without moving anything.
    preview = notices.compliance(store, DEU, notice_id, _rulebook())
    assert preview["outcome"] == "fail"
    with pytest.raises(NotFound):
        notices.compliance(store, FRA, notice_id, _rulebook())


def test_a_flag_goes_to_human_review_and_more_information_comes_back(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    political = {
        "description": "insulting the head of state",
        "law": "Penal Code art. 90",
        "max_penalty_months": 36,
    }
    notice_id = _notice(store, DEU, person, offences=[political])["id"]
    submitted = notices.move(store, DEU, notice_id, Move.SUBMIT)
    assert submitted["state"] == "under_review"
    assert submitted["compliance"]["outcome"] == "flag"
    flagged = [r for r in submitted["compliance"]["results"] if r["outcome"] == "flag"]
    assert flagged and any("head of state" in " ".join(r["evidence"]) for r in flagged)
    asked = notices.move(
        store, GS, notice_id, Move.REQUEST_INFO, reason="Explain the facts beyond the insult."
    )
    assert asked["state"] == "more_info_requested"
    body = {**RED, "subject": {"kind": "person", "id": person}}
    edited = notices.update(store, DEU, notice_id, NoticeInput.model_validate(body))
    assert edited["offences"][0]["description"] == "drug trafficking"
    again = notices.move(store, DEU, notice_id, Move.SUBMIT)
    assert again["state"] == "under_review" and again["compliance"]["outcome"] == "pass"
    refused = notices.move(store, GS, notice_id, Move.REFUSE, reason="Insufficient evidence.")
    assert refused["state"] == "refused"
    with pytest.raises(Conflict):
        notices.update(store, DEU, notice_id, NoticeInput.model_validate(body))


def test_the_review_queue_puts_the_urgent_first(store: Store) -> None:
    ids = {}
    for label, kind, urgent in (
        ("green", "green", False),
        ("red", "red", False),
        ("orange", "orange", False),
        ("urgent yellow", "yellow", True),
    ):
        person = _person(store, DEU, full_name=f"Person {label}", dob="1980-01-01")
        fields: dict[str, Any] = {"kind": kind, "urgent": urgent}
        if kind != "red":
            fields.update(purpose=None, warrant=None, offences=[])
        ids[label] = _notice(store, DEU, person, **fields)["id"]
        notices.move(store, DEU, ids[label], Move.SUBMIT)
    queue = [n["id"] for n in notices.review_queue(store, GS)]
    assert queue == [ids["urgent yellow"], ids["orange"], ids["red"], ids["green"]]
    with pytest.raises(Forbidden):
        notices.review_queue(store, DEU)


def test_the_clock_expires_resumes_and_reminds_once(store: Store) -> None:
    published = []
    for n in range(3):
        person = _person(store, DEU, full_name=f"Clock Person {n}", dob="1980-01-01")
        notice_id = _notice(store, DEU, person)["id"]
        notices.move(store, DEU, notice_id, Move.SUBMIT)
        notices.move(store, GS, notice_id, Move.PUBLISH, today=dt.date(2026, 1, 10))
        published.append(notice_id)
    expiring, suspended, due = published
    notices.move(
        store, DEU, suspended, Move.SUSPEND, reason="talks", until="2026-03-01",
        today=dt.date(2026, 1, 10),
    )  # fmt: skip
    assert notices.sweep(store, dt.date(2026, 3, 2)) == {
        "expired": [],
        "resumed": [suspended],
        "reminded": [],
    }
    # Five years on: the first expires; the last is renewed first, then due for review.
    notices.move(store, DEU, due, Move.RENEW, today=dt.date(2026, 12, 1))
    done = notices.sweep(store, dt.date(2031, 1, 11))
    assert done["expired"] == [expiring, suspended]
    assert notices.sweep(store, dt.date(2031, 10, 15))["reminded"] == [due]
    assert notices.sweep(store, dt.date(2031, 10, 16))["reminded"] == []
    assert _state(store, expiring) == "expired" and _state(store, due) == "published"


def test_a_request_about_someone_already_wanted_is_flagged(store: Store) -> None:
    first = _person(store, DEU, **WANTED)
    notice_id = _notice(store, DEU, first)["id"]
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)
    again = _person(store, FRA, full_name="Aleksandr Ivanovich Shcherbakov", dob="1971-04-12")
    body = {**RED, "subject": {"kind": "person", "id": again}}
    second = notices.create(store, FRA, NoticeInput.model_validate(body))["id"]
    submitted = notices.move(store, FRA, second, Move.SUBMIT, duplicates=duplicate_finder(store))
    flags = [r for r in submitted["compliance"]["results"] if r["outcome"] == "flag"]
    assert any(str(notice_id) in " ".join(r["evidence"]) for r in flags)
    # Without a notice circulating about the person, nothing is flagged.
    other = _person(store, USA, full_name="Maria Fernanda Oliveira", dob="1990-05-05")
    body = {**RED, "subject": {"kind": "person", "id": other}}
    third = notices.create(store, USA, NoticeInput.model_validate(body))["id"]
    clean = notices.move(store, USA, third, Move.SUBMIT, duplicates=duplicate_finder(store))
    assert clean["compliance"]["outcome"] == "pass"


def test_lists_show_what_each_principal_may_see(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    hidden = _person(
        store, DEU, full_name="Hidden Person", dob="1970-01-01",
        access={"visibility": "except", "countries": ["FRA"]},
    )  # fmt: skip
    ids = []
    for subject in (person, hidden):
        notice_id = _notice(store, DEU, subject)["id"]
        notices.move(store, DEU, notice_id, Move.SUBMIT)
        notices.move(store, GS, notice_id, Move.PUBLISH)
        ids.append(notice_id)
    draft = _notice(store, DEU, person)["id"]
    own, _ = notices.list_page(store, DEU)
    assert [n["id"] for n in own] == [*ids, draft]
    theirs, _ = notices.list_page(store, FRA)
    assert [n["id"] for n in theirs] == [ids[0]]  # no draft, no hidden subject
    us, _ = notices.list_page(store, USA, state="published")
    assert [n["id"] for n in us] == ids
    assert len(notices.list_page(store, CCF)[0]) == 3
    page, cursor = notices.list_page(store, DEU, limit=2)
    assert len(page) == 2 and cursor == ids[1]
    rest, end = notices.list_page(store, DEU, after_id=cursor or 0, limit=2)
    assert [n["id"] for n in rest] == [draft] and end is None


def _rulebook() -> Any:
    from concord.domain.compliance import default_rulebook

    return default_rulebook()


def _diffusion(store: Store, owner: Principal, subject: int, **fields: Any) -> dict[str, Any]:
    from concord.domain.notices import DiffusionInput

    body = {**RED, **fields, "subject": {"kind": "person", "id": subject}}
    return notices.diffuse(store, owner, DiffusionInput.model_validate(body))


def test_a_diffusion_reaches_its_recipients_at_once(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    sent = _diffusion(store, DEU, person, recipients=["FR", "USA"])
    assert sent["state"] == "published" and sent["channel"] == "diffusion"
    assert sent["recipients"] == ["FRA", "USA"] and sent["compliance"]["review"] == "passed"
    assert notices.get(store, FRA, sent["id"])["kind"] == "red"
    assert notices.get(store, BORDER_FRA, sent["id"])["state"] == "published"
    assert "recipients" not in notices.get(store, FRA, sent["id"])
    other = Principal(9, "ncb.bra", Role.NCB, "BRA", MembershipStatus.MEMBER)
    with pytest.raises(NotFound):  # not a recipient
        notices.get(store, other, sent["id"])
    assert notices.review_queue(store, GS) == []
    listed, _ = notices.list_page(store, FRA, channel="diffusion")
    assert [n["id"] for n in listed] == [sent["id"]]


def test_a_diffusion_failing_review_tells_recipients_to_stop(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    petty = [{"description": "unpaid debt", "law": "BGB § 286", "max_penalty_months": 0}]
    sent = _diffusion(store, DEU, person, recipients=["FRA"], offences=petty)
    assert sent["state"] == "cancelled" and sent["stop_relying"] is True
    assert sent["compliance"]["review"] == "failed"
    seen = notices.get(store, FRA, sent["id"])  # the recipient learns it was stopped
    assert seen["state"] == "cancelled" and seen["stop_relying"] is True
    assert [e["move"] for e in sent["events"]] == ["diffuse", "review"]


def test_a_flagged_diffusion_stands_until_the_gs_clears_or_cancels(store: Store) -> None:
    person = _person(store, DEU, **WANTED)
    political = [
        {"description": "blasphemy", "law": "StGB § 166", "max_penalty_months": 36},
    ]
    sent = _diffusion(store, DEU, person, recipients=["FRA"], offences=political)
    assert sent["state"] == "published" and sent["compliance"]["review"] == "pending"
    assert [n["id"] for n in notices.review_queue(store, GS)] == [sent["id"]]
    with pytest.raises(Forbidden):
        notices.move(store, DEU, sent["id"], Move.CLEAR)
    cleared = notices.move(store, GS, sent["id"], Move.CLEAR)
    assert cleared["state"] == "published" and cleared["compliance"]["review"] == "cleared"
    assert notices.review_queue(store, GS) == []
    with pytest.raises(Conflict):  # cleared once is cleared
        notices.move(store, GS, sent["id"], Move.CLEAR)
    stopped = notices.move(store, GS, sent["id"], Move.CANCEL, reason="Article 3")
    assert notices.get(store, FRA, stopped["id"])["stop_relying"] is True


def test_a_diffusions_subject_answers_only_its_recipients(store: Store) -> None:
    from concord.index.names import PersonNameIndex
    from concord.services.person_checks import PersonChecker
    from concord.settings import Settings

    person = _person(store, DEU, **WANTED)
    _diffusion(store, DEU, person, recipients=["FRA"])
    index = PersonNameIndex(store)
    index.load()
    checker = PersonChecker(store, index, Settings(env="test"))
    query = {"name": "Aleksandr Shcherbakov", "dob": "1971-04-12"}
    answer = checker.check_one(BORDER_FRA, query)
    assert answer["verdict"] == "hit" and answer["notice"]["kind"] == "red"
    usa = Principal(8, "border.usa", Role.FRONTLINE, "USA", MembershipStatus.MEMBER)
    assert checker.check_one(usa, query)["candidates"] == []
    # A notice published for all makes the subject answer everyone, the diffusion
    # still told only to its recipients.
    notice_id = _notice(store, DEU, person, kind="blue", purpose=None, warrant=None)["id"]
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)
    index.refresh()
    seen = checker.check_one(usa, query)["candidates"][0]["notices"]
    assert [n["kind"] for n in seen] == ["blue"]
    assert len(checker.check_one(BORDER_FRA, query)["candidates"][0]["notices"]) == 2
