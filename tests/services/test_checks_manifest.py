"""The lean manifest path answers exactly as the general batch path, and audits every row."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.index.identifiers import IdentifierIndex
from concord.services import objects
from concord.services.checks import Checker
from concord.store import Store
from concord.store.kinds import BLANK_RANGE, DOCUMENT
from concord.store.tables import audit_events

DEU = Principal(0, "ncb", Role.NCB, "DEU", MembershipStatus.MEMBER)
OFFICER = Principal(0, "officer", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)
PARTNER = Principal(0, "airline", Role.PARTNER, "FRA", MembershipStatus.MEMBER)

ROWS: list[tuple[str | None, str, str, str | None]] = [
    ("stored", "C01X00T47", "DEU", None),
    ("spelt", "c01-x00 t47", "D", None),
    ("ocr", "C0IXOOT47", "de", None),
    ("range", "C01000500", "DEU", None),
    ("past-range", "C01001000", "DEU", None),
    ("miss", "Z1", "DEU", None),
    ("fra", "12AB34567", "FRA", None),
    ("typed", "C01X00T47", "DEU", "passport"),
    ("wrong-type", "C01X00T47", "DEU", "visa"),
    ("bad-type", "C01X00T47", "DEU", "shoe"),
    ("cyrillic", "С01Х00Т47", "DEU", None),
    ("umlaut", "ÄÖ", "DEU", None),
    ("state", "C01X00T47", "QQQ", None),
    ("empty", "", "DEU", None),
    ("dashes", "--", "DEU", None),
    ("long", "A" * 41, "DEU", None),
    ("huge", " " * 1000 + "A1", "DEU", None),
    ("pipe", "C01|X00T47", "DEU", None),
    (None, "C01X00T48", "DEU", None),
]


def _world(store: Store) -> Checker:
    objects.create(
        store, DEU, DOCUMENT, {"number": "C01X00T47", "issuing_country": "DEU", "status": "stolen"}
    )
    objects.create(
        store,
        DEU,
        BLANK_RANGE,
        {"issuing_country": "DEU", "type": "passport", "first": "C01000000", "last": "C01000999"},
    )
    index = IdentifierIndex(store)
    index.load()
    return Checker(store, index)


def _general(checker: Checker, principal: Principal, rows: list[Any]) -> list[dict[str, Any]]:
    items = []
    for qid, number, issuing, doc_type in rows:
        document = {"number": number, "issuing_country": issuing}
        if doc_type:
            document["type"] = doc_type
        items.append({"qid": qid, "document": document})
    return checker.check_many(principal, items)


def _without_hit_ids(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each call records its own hits: compare everything but their ids."""
    out = json.loads(json.dumps(answers, default=str))
    for answer in out:
        for match in answer.get("matches", []):
            match.pop("hit_id")
    return out


def test_lean_answers_equal_the_general_path(store: Store) -> None:
    checker = _world(store)
    for rows in (ROWS, ROWS[5:7], [r for r in ROWS if r[0] in ("miss", "fra", "stored")], []):
        for principal in (OFFICER, PARTNER):
            lean = checker.check_documents(principal, rows)
            general = _general(checker, principal, rows)
            assert _without_hit_ids(lean) == _without_hit_ids(general), (principal.role, rows)
    lean = checker.check_documents(OFFICER, ROWS)
    hits = {a["qid"] for a in lean if a["hit"]}
    assert hits == {"stored", "spelt", "ocr", "range", "typed", "cyrillic"}
    assert [a["qid"] for a in lean if "error" in a] == [
        "bad-type",
        "umlaut",
        "state",
        "empty",
        "dashes",
        "long",
        "huge",
        "pipe",
    ]


def test_every_row_is_audited_with_its_key(store: Store) -> None:
    checker = _world(store)
    checker.check_documents(OFFICER, ROWS)
    assert store.audit.flush()
    with store.read() as conn:
        event = conn.execute(
            select(audit_events).order_by(audit_events.c.seq.desc()).limit(1)
        ).one()
    assert (event.action, event.outcome) == ("check.batch", "hit")
    details = json.loads(event.details)
    assert (details["count"], details["hits"]) == (len(ROWS), 6)
    assert details["qids"] == [r[0] for r in ROWS]
    assert details["keys"][:3] == ["D|DEU|C01X00T47"] * 3
    assert details["keys"][6] == "D|FRA|12AB34567"
    checked = {ROWS[n][0]: summary for n, summary in details["checked"]}
    assert set(checked) >= {"stored", "range", "typed", "umlaut", "state"}
    assert checked["stored"]["keys"] == ["D|DEU|C01X00T47"] and len(checked["stored"]["hits"]) == 1
    assert "error" in checked["state"]
    for n, key in enumerate(details["keys"]):
        assert key or ROWS[n][0] in checked


def _last_event(store: Store) -> tuple[str, str | None, dict[str, Any]]:
    assert store.audit.flush()
    with store.read() as conn:
        event = conn.execute(
            select(audit_events).order_by(audit_events.c.seq.desc()).limit(1)
        ).one()
    return event.action, event.outcome, json.loads(event.details)


def test_a_single_document_check_answers_and_audits_as_the_full_path(store: Store) -> None:
    checker = _world(store)
    items: list[dict[str, Any]] = [
        {"document": {"number": "Z1", "issuing_country": "DEU"}},
        {"qid": 7, "document": {"number": "c01-x00 t48", "issuing_country": "d"}},
        {"qid": "q" * 150, "document": {"number": "12AB34567", "issuing_country": "FR"}},
        {"qid": "hit", "document": {"number": "C01X00T47", "issuing_country": "DEU"}},
        {"qid": "range", "document": {"number": "C01000500", "issuing_country": "DEU"}},
        {"qid": "typed", "document": {"number": "Z1", "issuing_country": "DEU", "type": "visa"}},
        {"qid": "cyr", "document": {"number": "С01Х00Т48", "issuing_country": "DEU"}},
    ]
    for principal in (OFFICER, PARTNER):
        for item in items:
            lean = checker.check_one(principal, item)
            lean_event = _last_event(store)
            full = checker._run(principal, [item], single=True)[0]
            full_event = _last_event(store)
            assert _without_hit_ids([lean]) == _without_hit_ids([full]), item
            if not lean.get("hit") and lean.get("valid") is not False:
                assert lean_event == full_event, item
    lean_ones = [checker._document_miss(OFFICER, item) is not None for item in items]
    assert lean_ones == [True, True, True, False, False, False, False]
    for bad in (
        {"document": {"number": "", "issuing_country": "DEU"}},
        {"document": {"number": "Z1", "issuing_country": "QQQ"}},
        {"document": {"number": "Z1", "issuing_country": "DEU"}, "shoe": 1},
        {"document": {"number": "Z1", "issuing_country": "DEU", "colour": "red"}},
    ):
        with pytest.raises(InvalidInput):
            checker.check_one(OFFICER, bad)
