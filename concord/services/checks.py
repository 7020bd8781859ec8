"""The hot path: check identifiers against every object database the officer may use.

A check is parsed and normalised into match keys, looked up in this process's
in-memory index, and only a "maybe" is confirmed against the store. Records
the principal may not use, and records past their review date, do not answer.
A confirmed match creates a hit visible to the owner and the checking country.
Every check is audited: one event per single check, one per batch naming
every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from concord.audit import AuditEvent
from concord.domain.checks import ParsedCheck, make_key, parse_check
from concord.domain.enums import Role
from concord.domain.notices import ACTIONS as NOTICE_ACTIONS
from concord.domain.notices import NoticeKind, NoticeState
from concord.domain.principal import Principal
from concord.errors import ConcordError, Forbidden, InvalidInput
from concord.index.identifiers import IdentifierIndex
from concord.index.manifest import Keyed, document_keys
from concord.policy import Action, CheckRequest, allow
from concord.services import objects
from concord.services.hit_workflow import open_hit
from concord.services.records import record_ref
from concord.store import Store, notices_repo, records_repo
from concord.store.kinds import BLANK_RANGE, BY_NAME, BY_PREFIX
from concord.store.tables import blank_ranges

MAX_BATCH = 10_000
_DOCUMENT_FIELDS = {"number", "issuing_country"}

ACTIONS = {
    "document": "Retain the document, hold its bearer for identity checks and contact your NCB.",
    "blank_range": "Stolen blank document: retain it, hold its bearer, contact your NCB at once.",
    "vehicle": "Stolen vehicle: stop and secure it, and contact your NCB.",
    "firearm": "Reported firearm: seize it and contact your NCB.",
    "vessel": "Reported vessel: contact your NCB before acting.",
    "artwork": "Reported work of art: secure it and contact your NCB.",
}


@dataclass(slots=True)
class _Row:
    position: int
    parsed: ParsedCheck | None
    error: ConcordError | None
    qid: str | None
    matches: list[dict[str, Any]]


class Checker:
    """Checks for one store, answered from one identifier index."""

    def __init__(self, store: Store, index: IdentifierIndex):
        self.store = store
        self.index = index

    def check_one(self, principal: Principal, item: Mapping[str, Any]) -> dict[str, Any]:
        """A single check; bad input raises (HTTP 4xx) instead of answering per row."""
        answer = self._document_miss(principal, item)
        if answer is not None:
            return answer
        return self._run(principal, [item], single=True)[0]

    def quick_miss(self, principal: Principal, item: Mapping[str, Any]) -> dict[str, Any] | None:
        """The answer to a single check when it needs no database (a plain document
        that misses), already audited; None: call ``check_one`` (off the event loop,
        since it may read the store and record a hit)."""
        return self._document_miss(principal, item)

    def _document_miss(
        self, principal: Principal, item: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The commonest single check, a plain document that misses, answered and audited
        exactly as ``_run`` would, without its parsing; None for anything else."""
        document = item.get("document") if type(item) is dict else None
        if type(document) is not dict or document.keys() != _DOCUMENT_FIELDS or len(item) > 2:
            return None
        qid = item.get("qid")
        if len(item) == 2 and "qid" not in item:
            return None
        keyed = document_keys([document["number"]], [document["issuing_country"]], [None])
        if keyed.left or self._range_rows(keyed) or self.index.keys.maybe(keyed.keys[0]):
            return None
        if not allow(principal, Action.CHECK, CheckRequest("document")):
            return None  # the full path says why
        qid_text = None if qid is None else str(qid)[:100]
        self.store.audit.emit(
            AuditEvent.of(
                principal,
                "check",
                resource="check",
                outcome="no_hit",
                qid=qid_text,
                kind="document",
                keys=keyed.keys,
                hits=[],
            )
        )
        if principal.role is Role.PARTNER:
            return {"qid": qid_text, "valid": True}
        query = {
            "kind": "document",
            "number": keyed.numbers[0],
            "issuing_country": keyed.states[0],
            "type": None,
        }
        return {"qid": qid_text, "query": query, "hit": False, "matches": [], "warnings": []}

    def check_many(
        self, principal: Principal, items: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """A batch (a passenger manifest): every row answered, in order; bad rows carry an error."""
        if len(items) > MAX_BATCH:
            raise InvalidInput(f"at most {MAX_BATCH} checks a batch", field="items")
        return self._run(principal, items, single=False)

    def check_documents(
        self, principal: Principal, rows: Sequence[tuple[str | None, str, str, str | None]]
    ) -> list[dict[str, Any]]:
        """A manifest of travel documents: (qid, number, issuing state, type or None) each.

        The lean path for the commonest batch: most rows miss, and a miss costs
        a share of a few C-level passes over the batch (``index.manifest``), a
        hash, a vectorised lookup and its answer. Rows the index may hold, and
        rows the lean keying leaves over, go through the full path, so the
        answers are the same as check_many's.
        """
        if len(rows) > MAX_BATCH:
            raise InvalidInput(f"at most {MAX_BATCH} checks a batch", field="items")
        if not allow(principal, Action.CHECK, CheckRequest("document")):
            raise Forbidden("not allowed to check documents")
        qids, numbers, issuings, types = zip(*rows, strict=True) if rows else ((), (), (), ())
        keyed = document_keys(numbers, issuings, types)
        keys = keyed.keys
        full_path = set(keyed.left)
        full_path.update(self._range_rows(keyed))
        full_path.update(self.index.keys.maybe_many(keys).nonzero()[0].tolist())
        full: dict[int, _Row] = {}
        if full_path:
            order = sorted(full_path)
            items = [_document_item(*rows[n]) for n in order]
            full = dict(zip(order, self._evaluate(principal, items, single=False), strict=True))
        # A miss's answer holds only strings, None, False and the shared empty
        # tuple (JSON [] like the general path's lists): the collector never
        # tracks it, so a thousand answers add nothing to its passes.
        if principal.role is Role.PARTNER:
            answers = [{"qid": qid, "valid": True} for qid in qids]
        else:
            answers = [
                {
                    "qid": qid,
                    "query": {
                        "kind": "document",
                        "number": number,
                        "issuing_country": state,
                        "type": None,
                    },
                    "hit": False,
                    "matches": (),
                    "warnings": (),
                }
                for qid, state, number in zip(qids, keyed.states, keyed.numbers, strict=True)
            ]
        for n, row in full.items():
            answers[n] = self._answer(principal, row)
        hit_count = sum(1 for row in full.values() if row.matches)
        self.store.audit.emit(
            AuditEvent.of(
                principal,
                "check.batch",
                resource="check",
                outcome="hit" if hit_count else "no_hit",
                count=len(rows),
                hits=hit_count,
                # Every row's qid and key, as two lists (one JSON string each, no
                # object per row); rows checked by the full path also appear in
                # "checked" with their summary ("keys" holds "" for a row it refused).
                qids=qids,
                keys=keys,
                checked=[[n, _summary(row)] for n, row in full.items()],
            )
        )
        return answers

    def _range_rows(self, keyed: Keyed) -> list[int]:
        """Rows whose number falls in a stolen blank range (most batches: no state has one)."""
        ranges = self.index.ranges
        range_states = ranges.states()
        if not range_states or range_states.isdisjoint(keyed.states):
            return []
        return [
            n
            for n, (state, number) in enumerate(zip(keyed.states, keyed.numbers, strict=True))
            if state in range_states and number and ranges.may_hold_parts(state, number)
        ]

    def _evaluate(
        self, principal: Principal, items: Sequence[Mapping[str, Any]], *, single: bool
    ) -> list[_Row]:
        """Parse, look up and confirm: the rows with their matches (hits recorded)."""
        rows = [self._parse(principal, n, item, single) for n, item in enumerate(items)]
        live = [r for r in rows if r.parsed is not None]
        keys = [k for r in live for k in r.parsed.keys]  # type: ignore[union-attr]
        maybe = self.index.keys.maybe_many(keys)
        to_confirm: list[tuple[_Row, list[str], list[int]]] = []
        position = 0
        for row in live:
            parsed = row.parsed
            assert parsed is not None
            found = [k for i, k in enumerate(parsed.keys) if maybe[position + i]]
            position += len(parsed.keys)
            ranges = self._range_candidates(parsed)
            if found or ranges:
                to_confirm.append((row, found, ranges))
        if to_confirm:
            self._confirm(principal, to_confirm)
        return rows

    def _run(
        self, principal: Principal, items: Sequence[Mapping[str, Any]], *, single: bool
    ) -> list[dict[str, Any]]:
        if not any(allow(principal, Action.CHECK, CheckRequest(k)) for k in ("document", "vin")):
            raise Forbidden("not allowed to run checks")
        rows = self._evaluate(principal, items, single=single)
        self._audit(principal, rows, single)
        return [self._answer(principal, r) for r in rows]

    def _parse(
        self, principal: Principal, position: int, item: Mapping[str, Any], single: bool
    ) -> _Row:
        qid = (
            str(item.get("qid"))[:100]
            if isinstance(item, Mapping) and item.get("qid") is not None
            else None
        )
        try:
            parsed = parse_check(item)
            if not allow(principal, Action.CHECK, CheckRequest(parsed.kind)):
                raise Forbidden(f"not allowed to check a {parsed.kind}", field=parsed.kind)
        except ConcordError as exc:
            if single:
                raise
            return _Row(position, None, exc, qid, [])
        return _Row(position, parsed, None, parsed.qid, [])

    def _range_candidates(self, parsed: ParsedCheck) -> list[int]:
        probe = parsed.range_probe
        if probe is None:
            return []
        return self.index.ranges.lookup(probe.issuing, probe.prefix, probe.width, probe.value)

    def _confirm(
        self, principal: Principal, pending: list[tuple[_Row, list[str], list[int]]]
    ) -> None:
        today = dt.date.today().isoformat()
        with self.store.read() as conn:
            for row, keys, range_ids in pending:
                parsed = row.parsed
                assert parsed is not None
                candidates = [c for key in keys for c in self._records_for(conn, key)]
                candidates += self._ranges_holding(conn, parsed, range_ids)
                row.matches = [
                    c
                    for c in candidates
                    if c["review_date"] >= today
                    and _fits(parsed, c)
                    and allow(principal, Action.CHECK, record_ref(c["_kind"], c))
                ]
        matched = [(row, m) for row, _, _ in pending for m in row.matches]
        if matched:
            self._record_hits(principal, matched)

    def _records_for(self, conn: Connection, key: str) -> list[dict[str, Any]]:
        prefix, *parts = key.split("|")
        kind, lookup = BY_PREFIX[prefix]
        found = records_repo.find(
            conn, kind.table, kind.name, **dict(zip(lookup.columns, parts, strict=True))
        )
        for record in found:
            record["_kind"] = kind.name
        return found

    def _ranges_holding(
        self, conn: Connection, parsed: ParsedCheck, ids: list[int]
    ) -> list[dict[str, Any]]:
        probe = parsed.range_probe
        if not ids or probe is None:
            return []
        rows = conn.execute(select(blank_ranges).where(blank_ranges.c.id.in_(ids))).mappings().all()
        held = [
            r
            for r in rows
            if (r["issuing_country"], r["prefix"], r["width"])
            == (probe.issuing, probe.prefix, probe.width)
            and r["first_value"] <= probe.value <= r["last_value"]
        ]
        records = records_repo.get_many(conn, blank_ranges, BLANK_RANGE.name, held)
        for record in records:
            record["_kind"] = BLANK_RANGE.name
        return records

    def _record_hits(
        self, principal: Principal, matched: list[tuple[_Row, dict[str, Any]]]
    ) -> None:
        now = dt.datetime.now(dt.UTC)
        # SQLite: queue behind this process's audit batch, not on the busy backoff.
        queue = self.store.audit.write_lock if self.store.is_sqlite else nullcontext()
        with queue, self.store.write() as conn:
            for row, match in matched:
                assert row.parsed is not None
                found = _published_notices(conn, match["_kind"], int(match["id"]))
                match["_hit_id"] = open_hit(
                    conn,
                    self.store.settings,
                    principal,
                    kind=match["_kind"],
                    record=match,
                    query={"qid": row.qid, **row.parsed.echo},
                    notice=found[0] if found else None,
                    at=now,
                )
                match["_notices"] = found

    def _audit(self, principal: Principal, rows: list[_Row], single: bool) -> None:
        summary = _summary
        if single:
            row = rows[0]
            outcome = "hit" if row.matches else "no_hit"
            self.store.audit.emit(
                AuditEvent.of(principal, "check", resource="check", outcome=outcome, **summary(row))
            )
            return
        hit_count = sum(1 for r in rows if r.matches)
        self.store.audit.emit(
            AuditEvent.of(
                principal,
                "check.batch",
                resource="check",
                outcome="hit" if hit_count else "no_hit",
                count=len(rows),
                hits=hit_count,
                rows=[summary(r) for r in rows],
            )
        )

    def _answer(self, principal: Principal, row: _Row) -> dict[str, Any]:
        if row.parsed is None:
            assert row.error is not None
            return {"qid": row.qid, "hit": False, "error": row.error.as_dict()}
        if principal.role is Role.PARTNER:
            return {"qid": row.qid, "valid": not row.matches}
        answer: dict[str, Any] = {
            "qid": row.qid,
            "query": {"kind": row.parsed.kind, **row.parsed.echo},
            "hit": bool(row.matches),
            "matches": [self._match_view(principal, m) for m in row.matches],
            "warnings": row.parsed.warnings,
        }
        if row.parsed.person is not None:
            answer["person"] = row.parsed.person
        return answer

    def _match_view(self, principal: Principal, match: dict[str, Any]) -> dict[str, Any]:
        kind = BY_NAME[match["_kind"]]
        record = objects.view(principal, kind, match)
        record.pop("access", None)
        return {
            "hit_id": match["_hit_id"],
            "kind": kind.name,
            "id": match["id"],
            "owner": match["owner"],
            "status": match.get("status", "stolen_blank"),
            "action": ACTIONS[kind.name],
            "notices": match.get("_notices", []),
            "record": {k: v for k, v in record.items() if not k.startswith("_")},
        }


def _published_notices(conn: Connection, kind: str, record_id: int) -> list[dict[str, Any]]:
    """Published notices about a matched object (a purple notice on a device, say): read
    only on a hit, so a miss never touches them."""
    rows = notices_repo.page(
        conn, after_id=0, limit=20, subject=(kind, record_id), states=[NoticeState.PUBLISHED.value]
    )
    return [
        {"id": int(r["id"]), "kind": r["kind"], "action": NOTICE_ACTIONS[NoticeKind(r["kind"])]}
        for r in rows
    ]


def _summary(row: _Row) -> dict[str, Any]:
    """What the audit log keeps of one checked row."""
    if row.parsed is None:
        return {"qid": row.qid, "error": row.error.message if row.error else "invalid"}
    return {
        "qid": row.qid,
        "kind": row.parsed.kind,
        "keys": row.parsed.keys,
        "hits": [m["_hit_id"] for m in row.matches],
    }


def _document_item(
    qid: str | None, number: str, issuing: str, doc_type: str | None
) -> dict[str, Any]:
    document = {"number": number, "issuing_country": issuing}
    if doc_type:
        document["type"] = doc_type
    return {"qid": qid, "document": document}


def _fits(parsed: ParsedCheck, record: Mapping[str, Any]) -> bool:
    """Filters a key cannot express: the document type and the firearm's make."""
    if parsed.doc_type and record.get("doc_type") and record["doc_type"] != parsed.doc_type:
        return False
    if parsed.make and record.get("make"):
        stored = make_key(record["make"])
        return parsed.make in stored or stored in parsed.make
    return True
