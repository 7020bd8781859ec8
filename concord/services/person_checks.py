"""Person checks against the platform's own records, with the caller's access applied.

Only the subject of a published notice answers (the name index holds only those);
a hit names the notice's kind and what the officer should do.

Candidates come from this process's name index; a record the principal may not
use under its owner's restriction, or past its review date, never answers
(it is filtered before scoring, so it cannot even shape the ranking). Every
check is audited: one event per single check, one per batch naming each row's
outcome. Partners are not allowed nominal checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.domain.notices import ACTIONS, URGENCY_RANK, NoticeKind
from concord.domain.principal import Principal
from concord.errors import ConcordError, Forbidden, InvalidInput
from concord.identifiers.mrz import MRZ
from concord.index.names import NoticeTag, PersonNameIndex, PersonPayload
from concord.matching.check import Candidate, PersonQuery, Thresholds, check, person_query
from concord.matching.index import Record
from concord.policy import Action, CheckRequest, allow
from concord.services.hit_workflow import open_hit
from concord.services.mrz_persons import person_fields, read_zone, zone_summary
from concord.settings import Settings
from concord.store import Store

MAX_PERSON_BATCH = 1000
KIND = "person"
_FIELDS = ("name", "given_names", "family_names", "dob", "nationality", "sex", "mrz", "qid")
PERSON_COLUMNS = _FIELDS
_PERSON_FIELDS = ("name", "given_names", "family_names", "dob", "nationality", "sex")


@dataclass(frozen=True, slots=True)
class PersonItem:
    """A checked request: the query, and the zone it was read from when it came as an MRZ."""

    query: PersonQuery
    zone: MRZ | None = None


class PersonChecker:
    def __init__(self, store: Store, index: PersonNameIndex, settings: Settings):
        self.store = store
        self.index = index
        self.thresholds = Thresholds.from_settings(settings)

    def check_one(
        self, principal: Principal, item: Mapping[str, Any], *, record_hits: bool = True
    ) -> dict[str, Any]:
        """One check, audited; a hit becomes a hit for the owner unless ``record_hits`` is
        False (the demo's showcase of spellings, which is not an encounter)."""
        self._authorise(principal)
        parsed = parse_person_item(item)
        query = parsed.query
        candidates = self._candidates(principal, query)
        answer = self._answer(item, parsed, candidates)
        if record_hits:
            self._record_hits(principal, [answer], [query])
        self.store.audit.emit(
            AuditEvent.of(
                principal,
                "check.person",
                resource="check",
                outcome=_outcome(candidates),
                **_summary(query, candidates),
            )
        )
        return answer

    def check_many(
        self, principal: Principal, items: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        self._authorise(principal)
        if len(items) > MAX_PERSON_BATCH:
            raise InvalidInput(f"at most {MAX_PERSON_BATCH} persons a batch", field="items")
        answers: list[dict[str, Any]] = []
        queries: list[PersonQuery | None] = []
        summaries: list[dict[str, Any]] = []
        for position, item in enumerate(items):
            try:
                parsed = parse_person_item(item, field_prefix=f"items[{position}].")
            except ConcordError as exc:
                answers.append({"qid": _qid(item), "error": exc.as_dict(), "candidates": []})
                queries.append(None)
                summaries.append({"qid": _qid(item), "error": exc.code})
                continue
            candidates = self._candidates(principal, parsed.query)
            answers.append(self._answer(item, parsed, candidates))
            queries.append(parsed.query)
            summaries.append({"qid": _qid(item), **_summary(parsed.query, candidates)})
        self._record_hits(principal, answers, queries)
        hits = sum(1 for a in answers if a.get("verdict") == "hit")
        self.store.audit.emit(
            AuditEvent.of(
                principal,
                "check.person.batch",
                resource="check",
                outcome="hit" if hits else "no_hit",
                count=len(items),
                hits=hits,
                rows=summaries,
            )
        )
        return answers

    def _record_hits(
        self,
        principal: Principal,
        answers: list[dict[str, Any]],
        queries: Sequence[PersonQuery | None],
    ) -> None:
        """A hit (not a possible) on a notice's subject becomes a hit the owner answers,
        with what was checked and the score: the owner compares them with its record
        to confirm or deny."""
        found = [
            (a, q) for a, q in zip(answers, queries, strict=True)
            if a.get("verdict") == "hit" and a.get("notice") and q is not None
        ]  # fmt: skip
        if not found:
            return
        now = dt.datetime.now(dt.UTC)
        with self.store.write() as conn:
            for answer, query in found:
                best = answer["candidates"][0]
                answer["hit_id"] = open_hit(
                    conn,
                    self.store.settings,
                    principal,
                    kind=KIND,
                    record=best,
                    query={"qid": answer["qid"], **_checked(query), "score": best["score"]},
                    notice=answer["notice"],
                    at=now,
                )

    def _authorise(self, principal: Principal) -> None:
        if not allow(principal, Action.CHECK, CheckRequest(KIND)):
            raise Forbidden("not allowed to check persons")

    def _candidates(self, principal: Principal, query: PersonQuery) -> list[Candidate]:
        today = dt.date.today().isoformat()

        def usable(record: Record) -> bool:
            payload: PersonPayload = record.payload
            if payload.review_date < today:
                return False
            if not any(_told(principal, payload, tag) for tag in payload.notices):
                return False  # only a diffusion's recipients are told of its subject
            return allow(principal, Action.CHECK, payload.ref)

        found = check(self.index.names, query, thresholds=self.thresholds, visible=usable)
        return [
            replace(c, record=replace(c.record, payload=_for(principal, c.record.payload)))
            for c in found
        ]

    def _answer(
        self, item: Mapping[str, Any], parsed: PersonItem, candidates: list[Candidate]
    ) -> dict[str, Any]:
        views = [candidate_view(c) for c in candidates]
        answer: dict[str, Any] = {
            "qid": _qid(item),
            "verdict": candidates[0].verdict if candidates else "no_hit",
            "candidates": views,
        }
        if views and views[0]["verdict"] == "hit" and views[0]["notices"]:
            best = views[0]["notices"][0]
            answer["notice"] = {"id": best["id"], "kind": best["kind"]}
            answer["action"] = best["action"]
        if parsed.zone is not None:
            answer["mrz"] = {**zone_summary(parsed.zone), "checked": _checked(parsed.query)}
        return answer


def candidate_view(c: Candidate) -> dict[str, Any]:
    payload: PersonPayload = c.record.payload
    facts = c.record.facts
    dob = None
    if facts.dob is not None:
        y, m, d = facts.dob
        dob = f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")
    return {
        "id": c.record.key,
        "owner": payload.ref.owner,
        "score": c.score,
        "verdict": c.verdict,
        "name": c.name,
        "display_name": payload.display_name,
        "dob": dob,
        "nationalities": list(facts.nationalities),
        "sex": facts.sex,
        "notices": [
            {"id": tag.id, "kind": tag.kind, "action": ACTIONS[NoticeKind(tag.kind)]}
            for tag in sorted(payload.notices, key=_severity)
        ],
        "explanation": list(c.explanation),
    }


def _told(principal: Principal, payload: PersonPayload, tag: NoticeTag) -> bool:
    if tag.recipients is None or principal.role is Role.GS:
        return True
    return principal.country in tag.recipients or principal.country == payload.ref.owner


def _for(principal: Principal, payload: PersonPayload) -> PersonPayload:
    """The record's notices this principal is told of."""
    return replace(
        payload, notices=tuple(t for t in payload.notices if _told(principal, payload, t))
    )


def _severity(tag: NoticeTag) -> tuple[int, int]:
    """The notice that asks the most of the officer first (orange, red, …)."""
    return URGENCY_RANK[NoticeKind(tag.kind)], tag.id


def parse_person_item(item: Mapping[str, Any], *, field_prefix: str = "") -> PersonItem:
    """A person query from a JSON object: ``name``, or ``given_names``/``family_names``,
    or ``mrz`` (a zone, whose person fields are the query; no other field beside it)."""
    if not isinstance(item, Mapping):
        raise InvalidInput("must be an object", field=field_prefix.rstrip(".") or "body")
    unknown = sorted(set(item) - set(_FIELDS))
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}", field=field_prefix + unknown[0])
    for key in _FIELDS:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            if key == "nationality" and isinstance(value, list):
                continue
            raise InvalidInput("must be a string", field=field_prefix + key)
    if item.get("mrz") is not None:
        return _zone_item(item, field_prefix)
    name = item.get("name")
    if not name:
        parts = [item.get("given_names"), item.get("family_names")]
        name = " ".join(p for p in parts if p)
    query = person_query(
        name or "",
        item.get("dob"),
        item.get("nationality"),
        item.get("sex"),
        field_prefix=field_prefix,
    )
    return PersonItem(query)


def _zone_item(item: Mapping[str, Any], field_prefix: str) -> PersonItem:
    beside = [key for key in _PERSON_FIELDS if item.get(key)]
    if beside:
        raise InvalidInput(
            "give either mrz or the person fields, not both", field=field_prefix + beside[0]
        )
    zone = read_zone(item["mrz"], field=field_prefix + "mrz")
    fields = person_fields(zone)
    if not fields["name"]:
        raise InvalidInput("the zone carries no name", field=field_prefix + "mrz")
    query = person_query(
        fields["name"] or "",
        fields["dob"],
        fields["nationality"],
        fields["sex"],
        field_prefix=field_prefix + "mrz.",
    )
    return PersonItem(query, zone)


def _checked(query: PersonQuery) -> dict[str, Any]:
    """The fields as they were checked (read from the zone, or typed)."""
    facts = query.facts
    return {
        "name": query.name.text,
        "dob": facts.dob and "-".join(f"{p:02d}" for p in facts.dob if p),
        "nationality": list(facts.nationalities),
        "sex": facts.sex,
    }


def _qid(item: Any) -> str | None:
    if isinstance(item, Mapping) and item.get("qid") is not None:
        return str(item["qid"])[:100]
    return None


def _outcome(candidates: list[Candidate]) -> str:
    if not candidates:
        return "no_hit"
    return candidates[0].verdict


def _summary(query: PersonQuery, candidates: list[Candidate]) -> dict[str, Any]:
    """What the audit log keeps: the query as given and what it was shown."""
    return {
        "name": query.name.text,
        "dob": query.facts.dob and "-".join(str(p) for p in query.facts.dob if p),
        "disclosed": [
            {"id": c.record.key, "owner": c.record.payload.ref.owner, "score": c.score}
            for c in candidates
        ],
    }
