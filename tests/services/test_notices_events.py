"""Notices on the event stream and to webhooks, on both stores: the owner hears of every
move of its notice, the command centre of what it must review, a diffusion's
recipients of its sending and of its end, the members that could see a published
notice of its cancellation; a review reminder is told once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import DiffusionInput, Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.services import notices, persons, webhooks
from concord.services.webhooks import WebhookInput
from concord.store import Store, countries_repo, events_repo
from concord.store.tables import events, webhook_outbox

DEU = Principal(1, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
FRA = Principal(2, "ncb.fra", Role.NCB, "FRA", MembershipStatus.MEMBER)
USA = Principal(3, "ncb.usa", Role.NCB, "USA", MembershipStatus.MEMBER)
GS = Principal(5, "gs.lyon", Role.GS, "XPO", MembershipStatus.MEMBER)

RED: dict[str, Any] = {
    "kind": "red",
    "crime_programme": "organized_emerging_crime",
    "summary": "Leader of a network trafficking cocaine through the port of Hamburg.",
    "purpose": "prosecution",
    "offences": [
        {"description": "drug trafficking", "law": "BtMG § 29a", "max_penalty_months": 180}
    ],
    "warrant": {
        "type": "arrest_warrant",
        "reference": "HH-2026-0042",
        "date": "2026-03-02",
        "authority": "Amtsgericht Hamburg",
    },
}
PETTY = [{"description": "unpaid debt", "law": "BGB § 286", "max_penalty_months": 0}]
POLITICAL = [{"description": "blasphemy", "law": "StGB § 166", "max_penalty_months": 36}]


def _person(store: Store, name: str = "Alexander Shcherbakov", **fields: Any) -> int:
    body = {"full_name": name, "dob": "1971-04-12", **fields}
    return int(persons.create(store, DEU, PersonInput.model_validate(body))["id"])


def _published(store: Store, subject: int, today: dt.date | None = None) -> int:
    body = {**RED, "subject": {"kind": "person", "id": subject}}
    notice_id = int(notices.create(store, DEU, NoticeInput.model_validate(body))["id"])
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH, today=today)
    return notice_id


def _diffusion(store: Store, recipients: list[str], **fields: Any) -> dict[str, Any]:
    body = {**RED, **fields, "subject": {"kind": "person", "id": _person(store)}}
    body["recipients"] = recipients
    return notices.diffuse(store, DEU, DiffusionInput.model_validate(body))


def _told(store: Store, country: str, kind: str | None = None) -> list[dict[str, Any]]:
    """A country's events (about notices, or of one kind), as its stream reads them."""
    with store.read() as conn:
        rows = events_repo.since(conn, country=country, user_id=None, after=0)
    return [
        {**r["payload"], "kind": r["kind"]}
        for r in rows
        if (kind is None and r["kind"].startswith("notice.")) or r["kind"] == kind
    ]


def _kinds(store: Store, country: str) -> list[str]:
    return [e["kind"] for e in _told(store, country)]


def test_the_owner_hears_of_every_move_and_the_gs_of_its_queue(store: Store) -> None:
    notice_id = _published(store, _person(store))
    notices.move(store, DEU, notice_id, Move.SUSPEND, reason="under negotiation")
    notices.move(store, DEU, notice_id, Move.RESUME)
    body = {**RED, "subject": {"kind": "person", "id": _person(store, "Ola Nordmann")}}
    other = int(notices.create(store, DEU, NoticeInput.model_validate(body))["id"])
    notices.move(store, DEU, other, Move.SUBMIT)
    notices.move(store, GS, other, Move.REQUEST_INFO, reason="the date of the warrant")
    notices.move(store, DEU, other, Move.SUBMIT)
    notices.move(store, GS, other, Move.REFUSE, reason="no part of the person shown")
    assert _kinds(store, "DEU") == [
        "notice.submitted",
        "notice.published",
        "notice.suspended",
        "notice.resumed",
        "notice.submitted",
        "notice.info_requested",
        "notice.submitted",
        "notice.refused",
    ]
    refused = _told(store, "DEU")[-1]
    assert refused["notice_id"] == other and refused["notice_kind"] == "red"
    assert refused["state"] == "refused" and refused["from_state"] == "under_review"
    assert refused["reason"] == "no part of the person shown" and refused["move"] == "refuse"
    published = _told(store, "DEU")[1]
    assert published["notice_id"] == notice_id and published["review_date"]
    # The command centre hears of each request entering its queue; other countries of none.
    assert [(e["kind"], e["notice_id"]) for e in _told(store, "XPO")] == [
        ("notice.submitted", notice_id),
        ("notice.submitted", other),
        ("notice.submitted", other),
    ]
    assert _told(store, "FRA") == [] and _told(store, "USA") == []


def test_a_review_reminder_reaches_the_owner_once(store: Store) -> None:
    notice_id = _published(store, _person(store), today=dt.date(2026, 1, 10))
    hook = webhooks.register(store, DEU, WebhookInput(url="https://deu.example/concord"))
    assert notices.sweep(store, dt.date(2030, 12, 1))["reminded"] == [notice_id]
    assert notices.sweep(store, dt.date(2030, 12, 2))["reminded"] == []  # once
    (reminder,) = _told(store, "DEU", "notice.review_reminder")
    assert reminder["notice_id"] == notice_id and reminder["notice_kind"] == "red"
    assert reminder["review_date"] == "2031-01-10" and reminder["state"] == "published"
    assert _told(store, "FRA", "notice.review_reminder") == []
    assert _told(store, "XPO", "notice.review_reminder") == []
    with store.read() as conn:
        owed = conn.execute(
            select(events.c.kind)
            .join(webhook_outbox, webhook_outbox.c.event_id == events.c.id)
            .where(webhook_outbox.c.webhook_id == hook["id"])
        ).scalars()
        assert list(owed) == ["notice.review_reminder"]
    # Five years on, the notice expires: the owner is told that too.
    assert notices.sweep(store, dt.date(2031, 1, 11))["expired"] == [notice_id]
    assert _kinds(store, "DEU")[-1] == "notice.expired"
    assert _told(store, "DEU", "notice.stop_relying") == []


def test_a_diffusion_failing_review_tells_each_recipient_once(store: Store) -> None:
    hook = webhooks.register(
        store, FRA, WebhookInput(url="https://fra.example/concord", kinds=["notice.stop_relying"])
    )
    sent = _diffusion(store, ["FRA", "USA"], offences=PETTY)
    assert sent["state"] == "cancelled"
    for country in ("FRA", "USA"):
        told = _told(store, country)
        assert [e["kind"] for e in told] == ["notice.diffused", "notice.stop_relying"]
        stop = told[-1]
        assert stop["notice_id"] == sent["id"] and stop["channel"] == "diffusion"
        assert stop["cause"] == "failed_review" and stop["state"] == "cancelled"
        assert "reason" not in stop  # the review's reasons stay with the requester
    assert _told(store, "BRA") == [] and _told(store, "XPO") == []  # not recipients
    # The owner hears of the cancellation, with the review's reason.
    assert _kinds(store, "DEU") == ["notice.diffused", "notice.cancelled"]
    cancelled = _told(store, "DEU")[-1]
    assert cancelled["reason"].startswith("failed the compliance review")
    with store.read() as conn:
        owed = conn.execute(
            select(events.c.kind, events.c.country, events.c.payload)
            .join(webhook_outbox, webhook_outbox.c.event_id == events.c.id)
            .where(webhook_outbox.c.webhook_id == hook["id"])
        ).all()
    assert [(k, c, p["notice_id"]) for k, c, p in owed] == [
        ("notice.stop_relying", "FRA", sent["id"])
    ]


def test_a_cancelled_or_withdrawn_diffusion_tells_its_recipients(store: Store) -> None:
    flagged = _diffusion(store, ["FRA"], offences=POLITICAL)
    # A flag leaves it standing, in the General Secretariat's queue: it is told so.
    assert [(e["kind"], e["notice_id"]) for e in _told(store, "XPO")] == [
        ("notice.review_pending", flagged["id"])
    ]
    assert _kinds(store, "DEU") == ["notice.diffused", "notice.review_pending"]
    notices.move(store, GS, flagged["id"], Move.CANCEL, reason="Article 3")
    withdrawn = _diffusion(store, ["FRA", "USA"])
    notices.move(store, DEU, withdrawn["id"], Move.WITHDRAW, reason="arrested in Spain")
    stops = _told(store, "FRA", "notice.stop_relying")
    assert [(e["notice_id"], e["cause"]) for e in stops] == [
        (flagged["id"], "cancelled"),
        (withdrawn["id"], "withdrawn"),
    ]
    assert [e["notice_id"] for e in _told(store, "USA", "notice.stop_relying")] == [withdrawn["id"]]
    assert _told(store, "DEU", "notice.stop_relying") == []  # the owner is told the move
    assert _kinds(store, "DEU")[-2:] == ["notice.diffused", "notice.withdrawn"]
    assert _told(store, "DEU")[-1]["reason"] == "arrested in Spain"


def test_a_cancelled_published_notice_tells_every_member_that_could_see_it(
    store: Store,
) -> None:
    hidden = _person(store, "Hidden Person", access={"visibility": "except", "countries": ["FRA"]})
    notice_id = _published(store, hidden)
    with store.write() as conn:
        countries_repo.set_status(conn, "VEN", MembershipStatus.SUSPENDED, None)
        members = {
            m["code"]
            for m in countries_repo.list_all(conn, MembershipStatus.MEMBER)
            if not m["is_organisation"]
        }
    notices.move(store, GS, notice_id, Move.CANCEL, reason="the warrant was quashed")
    with store.read() as conn:
        told = Counter(
            conn.execute(
                select(events.c.country).where(events.c.kind == "notice.stop_relying")
            ).scalars()
        )
    # Every member that could see it, once; not the owner (told the move), not a
    # member the subject's restriction excludes, not a suspended one, not the GS.
    assert set(told) == members - {"DEU", "FRA"} and set(told.values()) == {1}
    assert "VEN" not in told and "XPO" not in told
    (stop,) = _told(store, "USA", "notice.stop_relying")
    assert stop == {
        "kind": "notice.stop_relying",
        "notice_id": notice_id,
        "notice_kind": "red",
        "channel": "notice",
        "owner": "DEU",
        "state": "cancelled",
        "cause": "cancelled",
    }
    assert _kinds(store, "DEU")[-1] == "notice.cancelled"


def test_a_request_stopped_before_it_circulated_tells_only_its_owner(store: Store) -> None:
    body = {**RED, "subject": {"kind": "person", "id": _person(store)}}
    notice_id = int(notices.create(store, DEU, NoticeInput.model_validate(body))["id"])
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, DEU, notice_id, Move.WITHDRAW, reason="sent by mistake")
    assert _kinds(store, "DEU") == ["notice.submitted", "notice.withdrawn"]
    with store.read() as conn:
        stops = conn.execute(
            select(events.c.id).where(events.c.kind == "notice.stop_relying")
        ).all()
    assert stops == []
