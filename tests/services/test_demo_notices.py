"""The demo's notices, on both stores: every kind in every state, flagged requests
waiting for review, public extracts, the featured people published, and a second
run that adds and moves nothing."""

from __future__ import annotations

import datetime as dt
from itertools import product
from typing import Any

from sqlalchemy import func, select

from concord.domain.notices import NoticeKind, NoticeState
from concord.services import demo, demo_notices, notices
from concord.services.demo_names import FEATURED
from concord.store import Store
from concord.store.tables import notice_events, persons
from concord.store.tables import notices as notices_table

TODAY = dt.date(2026, 11, 23)


def _notices(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        return [dict(r) for r in conn.execute(select(notices_table)).mappings()]


def _flags(row: dict[str, Any]) -> set[str]:
    results = (row["compliance"] or {}).get("results", [])
    return {r["rule"] for r in results if r["outcome"] == "flag"}


def _seeded(store: Store) -> list[dict[str, Any]]:
    demo.seed_people(store, 30)
    assert demo_notices.seed_notices(store, today=TODAY) > 0
    return _notices(store)


def test_the_demo_notices(store: Store) -> None:
    """One seeding, looked at from every side (seeding takes a few seconds)."""
    rows = _seeded(store)
    _every_kind_in_every_state(rows)
    _featured_people_published(store, rows)
    _flagged_requests_in_the_review_queue(store, rows)
    _public_extracts_marked(store, rows)


def _every_kind_in_every_state(rows: list[dict[str, Any]]) -> None:
    seen = {(r["kind"], r["state"]) for r in rows}
    assert set(product(NoticeKind, NoticeState)) <= seen
    # Every 4th generated person of each NCB is published, so checks find them.
    published = [r for r in rows if r["state"] == "published"]
    assert len(published) >= 6 * 30 // 4
    for row in (r for r in rows if r["state"] == "expired"):
        assert row["review_date"] < TODAY.isoformat()
    for row in (r for r in rows if r["state"] == "suspended"):
        assert row["suspended_until"] > TODAY.isoformat()


def _featured_people_published(store: Store, rows: list[dict[str, Any]]) -> None:
    """Only the subject of a published notice answers a check: the featured must."""
    with store.read() as conn:
        featured = dict(
            conn.execute(
                select(persons.c.reference, persons.c.id).where(
                    persons.c.reference.in_([p.reference for p in FEATURED])
                )
            ).all()
        )
    by_subject = {r["subject_id"]: r for r in rows if r["subject_kind"] == "person"}
    for person in FEATURED:
        notice = by_subject[featured[person.reference]]
        assert notice["state"] == "published" and notice["owner"] == person.owner
        assert notice["compliance"]["outcome"] == "pass"


def _flagged_requests_in_the_review_queue(store: Store, rows: list[dict[str, Any]]) -> None:
    flagged = [r for r in rows if _flags(r)]
    assert len(flagged) >= 4
    assert {r["state"] for r in flagged} == {"under_review"}
    raised = set().union(*(_flags(r) for r in flagged))
    assert {"art3.offence_character", "art3.subject_status", "duplicate.possible"} <= raised
    queue = notices.review_queue(store, demo_notices.GS)
    assert {n["id"] for n in queue} == {r["id"] for r in rows if r["state"] == "under_review"}
    seeded = demo_notices.summary(store)
    assert (seeded.queue, seeded.flagged) == (len(queue), len(flagged))


def _public_extracts_marked(store: Store, rows: list[dict[str, Any]]) -> None:
    public = [r for r in rows if r["state"] == "published" and r["public_extract"]]
    assert public and len(public) < len([r for r in rows if r["state"] == "published"])
    assert all(r["public_extract"] for r in rows if r["kind"] == "un_special")
    assert demo_notices.summary(store).public == len(public)


def test_a_second_run_adds_and_moves_nothing(store: Store) -> None:
    before = {r["id"]: r["version"] for r in _seeded(store)}
    with store.read() as conn:
        events = conn.execute(select(func.count()).select_from(notice_events)).scalar_one()
    demo.seed_people(store, 30)
    assert demo_notices.seed_notices(store, today=TODAY) == 0
    assert {r["id"]: r["version"] for r in _notices(store)} == before
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(notice_events)).scalar_one() == events
