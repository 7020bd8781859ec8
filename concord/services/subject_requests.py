"""Data-subject requests: the CCF registers them, sees what the platform holds on the
person, and decides before the deadline; a deletion it orders is carried out here.

Only the ``ccf`` role handles requests (the Commission is independent of the General
Secretariat and of the NCBs). Searching what the platform holds uses the name check
over every person record (not only those of published notices), narrowed to the
requester's birth year when given. Carrying out a deletion cancels every open notice
about each record, then deletes the record; each step is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, or_, select, update

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.domain.subject_requests import (
    Decision,
    DecisionInput,
    RequestKind,
    SubjectRequestInput,
)
from concord.errors import Conflict, Forbidden, InvalidInput, NotFound
from concord.index.names import PERSON_COLUMNS, record_names
from concord.matching.check import Thresholds, check, person_facts, person_query
from concord.matching.index import NameIndex
from concord.services import notices as notices_service
from concord.store import Store, notices_repo, records_repo
from concord.store.tables import notices, persons, subject_requests

KIND = "subject_request"
SEARCH_CAP = 200_000  # person records read for one search
_OPEN_NOTICES = ("draft", "under_review", "more_info_requested", "published", "suspended")


def _ccf(principal: Principal) -> None:
    if principal.role is not Role.CCF or not principal.in_good_standing:
        raise Forbidden("data-subject requests are the CCF's", field="role")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def register(store: Store, principal: Principal, data: SubjectRequestInput) -> dict[str, Any]:
    _ccf(principal)
    received = dt.date.fromisoformat(data.received_on) if data.received_on else _today()
    days = (
        store.settings.ccf_access_days
        if data.kind is RequestKind.ACCESS
        else store.settings.ccf_correction_days
    )
    values = {
        "kind": data.kind.value,
        "state": "open",
        "name": data.name,
        "dob": data.dob,
        "nationality": data.nationality,
        "contact": data.contact,
        "claim": data.claim,
        "received_on": received.isoformat(),
        "deadline": (received + dt.timedelta(days=days)).isoformat(),
        "created_at": dt.datetime.now(dt.UTC),
    }
    with store.write() as conn:
        request_id = int(
            conn.execute(
                insert(subject_requests).values(**values).returning(subject_requests.c.id)
            ).scalar_one()
        )
    store.audit.emit(
        AuditEvent.of(principal, "subject_request.register", resource=KIND, resource_id=request_id)
    )
    return get(store, principal, request_id, with_holdings=False)


def list_requests(
    store: Store, principal: Principal, *, state: str | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Requests by deadline, the nearest first; overdue ones say so."""
    _ccf(principal)
    query = select(subject_requests).order_by(subject_requests.c.deadline, subject_requests.c.id)
    if state is not None:
        if state not in ("open", "decided"):
            raise InvalidInput("open or decided", field="state")
        query = query.where(subject_requests.c.state == state)
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    day = (today or _today()).isoformat()
    store.audit.emit(
        AuditEvent.of(principal, "subject_request.list", resource=KIND, count=len(rows))
    )
    return [_view(r, day) for r in rows]


def get(
    store: Store, principal: Principal, request_id: int, *, with_holdings: bool = True
) -> dict[str, Any]:
    _ccf(principal)
    row = _row(store, request_id)
    out = _view(row, _today().isoformat())
    if with_holdings:
        out["holdings"] = holdings(store, row)
        store.audit.emit(
            AuditEvent.of(
                principal,
                "subject_request.holdings",
                resource=KIND,
                resource_id=request_id,
                disclosed=[h["id"] for h in out["holdings"]],
            )
        )
    return out


def _row(store: Store, request_id: int) -> dict[str, Any]:
    with store.read() as conn:
        row = (
            conn.execute(select(subject_requests).where(subject_requests.c.id == request_id))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"no request {request_id}", field="id")
    return dict(row)


def _view(row: Mapping[str, Any], today: str) -> dict[str, Any]:
    out = {
        k: row[k]
        for k in (
            "kind",
            "state",
            "name",
            "dob",
            "nationality",
            "contact",
            "claim",
            "received_on",
            "deadline",
            "decision",
            "reasoning",
            "records",
            "correction",
            "carried_out",
            "decided_by",
            "decided_at",
        )
    }
    out["id"] = int(row["id"])
    out["overdue"] = row["state"] == "open" and row["deadline"] < today
    return out


def holdings(store: Store, row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The person records the name check finds for the requester, with their notices."""
    query = person_query(row["name"], row["dob"], row["nationality"])
    with store.read() as conn:
        select_rows = select(*PERSON_COLUMNS).limit(SEARCH_CAP)
        if row["dob"]:
            year = str(row["dob"])[:4]
            select_rows = select_rows.where(
                or_(persons.c.dob.like(f"{year}%"), persons.c.dob.is_(None))
            )
        index = NameIndex()
        for found_row in conn.execute(select_rows).mappings():
            person = dict(found_row)
            facts = person_facts(person["dob"], person["nationalities"] or None, person["sex"])
            index.add(int(person["id"]), record_names(person), facts, person)
        found = check(index, query, thresholds=Thresholds(), limit=50, explain=False)
        ids = [int(c.record.key) for c in found]
        about: dict[int, list[dict[str, Any]]] = {}
        if ids:
            for n in conn.execute(
                select(notices.c.id, notices.c.kind, notices.c.state, notices.c.subject_id).where(
                    notices.c.subject_kind == "person", notices.c.subject_id.in_(ids)
                )
            ).mappings():
                about.setdefault(int(n["subject_id"]), []).append(
                    {"id": int(n["id"]), "kind": n["kind"], "state": n["state"]}
                )
    return [
        {
            "id": int(c.record.key),
            "owner": c.record.payload["owner"],
            "name": c.record.payload["display_name"],
            "dob": c.record.payload["dob"],
            "score": c.score,
            "notices": about.get(int(c.record.key), []),
        }
        for c in found
    ]


def decide(
    store: Store, principal: Principal, request_id: int, data: DecisionInput
) -> dict[str, Any]:
    """Record the decision; a deletion granted (in whole or part) is carried out now."""
    _ccf(principal)
    row = _row(store, request_id)
    if row["state"] != "open":
        raise Conflict("this request is decided already", field="state")
    with store.read() as conn:
        known = set(
            conn.execute(select(persons.c.id).where(persons.c.id.in_(data.records))).scalars()
        )
    missing = [r for r in data.records if r not in known]
    if missing:
        raise InvalidInput(f"no person record {missing[0]}", field="records")
    correcting = row["kind"] == RequestKind.CORRECTION.value
    if correcting and data.decision is not Decision.REFUSED and not data.correction:
        raise InvalidInput("say what the owners must correct", field="correction")
    carried_out = None
    deleting = row["kind"] == RequestKind.DELETION.value and data.decision is not Decision.REFUSED
    now = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        if deleting:
            carried_out = _delete_records(conn, principal, data.records, request_id)
        done = conn.execute(
            update(subject_requests)
            .where(subject_requests.c.id == request_id, subject_requests.c.state == "open")
            .values(
                state="decided",
                decision=data.decision.value,
                reasoning=data.reasoning,
                records=data.records,
                correction=data.correction,
                carried_out=carried_out,
                decided_by=principal.username,
                decided_at=now,
            )
        )
        if done.rowcount != 1:
            raise Conflict("this request was decided meanwhile", field="state")
    store.audit.emit(
        AuditEvent.of(
            principal,
            "subject_request.decide",
            resource=KIND,
            resource_id=request_id,
            decision=data.decision.value,
            records=data.records,
        )
    )
    if carried_out is not None:
        for record_id in carried_out["deleted"]:
            store.audit.emit(
                AuditEvent.of(
                    principal,
                    "person.delete",
                    resource="person",
                    resource_id=record_id,
                    ordered_by=f"subject_request {request_id}",
                )
            )
        for notice_id in carried_out["cancelled_notices"]:
            store.audit.emit(
                AuditEvent.of(
                    principal,
                    "notice.cancel",
                    resource="notice",
                    resource_id=notice_id,
                    ordered_by=f"subject_request {request_id}",
                )
            )
    return get(store, principal, request_id, with_holdings=False)


def _delete_records(
    conn: Any, principal: Principal, record_ids: list[int], request_id: int
) -> dict[str, list[int]]:
    """Cancel the open notices about each record, then delete it, in one transaction."""
    reason = f"deletion ordered by the CCF (request {request_id})"
    cancelled: list[int] = []
    open_notices = conn.execute(
        select(notices).where(
            notices.c.subject_kind == "person",
            notices.c.subject_id.in_(record_ids),
            notices.c.state.in_(_OPEN_NOTICES),
        )
    ).mappings()
    for notice in [dict(n) for n in open_notices]:
        notice_id = int(notice["id"])
        notices_repo.change(
            conn, notice_id, notice["owner"], int(notice["version"]), {"state": "cancelled"}
        )
        notices_repo.add_event(
            conn,
            notice_id,
            actor=principal.username,
            actor_country=principal.country,
            move="ccf_deletion",
            from_state=notice["state"],
            to_state="cancelled",
            reason=reason,
        )
        # Told before the record goes: who could see the notice is decided by it.
        notices_service.announce(
            conn, {**notice, "state": "cancelled"}, "ccf_deletion",
            from_state=notice["state"], reason=reason,
        )  # fmt: skip
        cancelled.append(notice_id)
    owners = dict(
        conn.execute(
            select(persons.c.id, persons.c.owner).where(persons.c.id.in_(record_ids))
        ).all()
    )
    for record_id in record_ids:
        records_repo.delete_one(conn, persons, "person", record_id, owners[record_id])
    return {"deleted": record_ids, "cancelled_notices": cancelled}
