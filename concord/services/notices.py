"""Notices: requests by an NCB, the automated compliance review, the General
Secretariat's review, and every later move, each checked against the role and
the state, recorded as an event and audited.

Each move is also announced on the event stream (and so to webhooks), in the
move's transaction (``announce``): the owner country hears of every move of its
notice (``notice.<move done>``, with the reason), the command centre of every
request entering its review queue, a diffusion's recipients of its sending, and
every country that could see a notice of its cancellation or withdrawal
(``notice.stop_relying``, with the cause, not the reason's words).

A request the principal may not see is answered as one that does not exist. A
move from the wrong state is a conflict (409) and changes nothing; a move the
role may not make is forbidden (403). Submission runs the compliance rules: a
failing rule keeps the notice a draft and answers 422 with the whole report, a
flag sends it to the review queue with the flag for the reviewer to weigh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from concord.audit import AuditEvent
from concord.domain.compliance import (
    ComplianceReport,
    NoticeFacts,
    Offence,
    PossibleDuplicate,
    RuleBook,
    SubjectFacts,
)
from concord.domain.enums import MembershipStatus, Role, Visibility
from concord.domain.notices import (
    ACTIONS,
    EDITABLE,
    MAX_SUSPENSION_DAYS,
    PROGRAMME_OPTIONAL,
    REMINDER_DAYS,
    TRANSITIONS,
    URGENCY_RANK,
    DiffusionInput,
    Move,
    NoticeInput,
    NoticeKind,
    NoticeState,
    review_date_from,
)
from concord.domain.principal import SYSTEM, Principal
from concord.errors import Conflict, Forbidden, InvalidInput, NotFound
from concord.index.names import record_names
from concord.policy import (
    Action,
    NewRecord,
    NoticeMove,
    NoticeRef,
    RecordRef,
    allow,
    ensure,
    visible_to,
)
from concord.store import Store, countries_repo, events_repo, notices_repo, records_repo
from concord.store.events_repo import GS_COUNTRY
from concord.store.kinds import BY_NAME
from concord.store.tables import persons

KIND = notices_repo.KIND
SYSTEM_REVIEW = SYSTEM  # the automated compliance review acts as the platform
DIFFUSION = "diffusion"
# A stopped diffusion tells its recipients so (they may have acted on it already).
_STOPPED = frozenset({NoticeState.CANCELLED.value, NoticeState.WITHDRAWN.value})
# names of a subject, its person id -> notices already circulating about the same person
DuplicateFinder = Callable[[Sequence[str], int], list[PossibleDuplicate]]


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# -- reading ---------------------------------------------------------------------------


def _subject_table(kind: str) -> Any:
    if kind == "person":
        return persons
    return BY_NAME[kind].table


def _subject_row(conn: Any, kind: str, subject_id: int) -> dict[str, Any] | None:
    return records_repo.get(conn, _subject_table(kind), kind, subject_id)


def _subject_ref(kind: str, row: Mapping[str, Any] | None, owner: str) -> RecordRef:
    if row is None:  # the record was deleted: only the requester and oversight see the notice
        return RecordRef(kind, owner, Visibility.OWNER)
    return RecordRef(
        kind,
        row["owner"],
        Visibility(row["visibility"]),
        frozenset(row.get("access_countries") or ()),
    )


def _notice_ref(row: Mapping[str, Any], subject: RecordRef) -> NoticeRef:
    recipients = row["recipients"] if row.get("channel") == DIFFUSION else None
    return NoticeRef(
        row["owner"],
        row["state"],
        subject,
        frozenset(recipients) if recipients is not None else None,
    )


def _load(store: Store, principal: Principal, notice_id: int) -> tuple[dict[str, Any], RecordRef]:
    with store.read() as conn:
        row = notices_repo.get(conn, notice_id)
        subject = (
            _subject_row(conn, row["subject_kind"], int(row["subject_id"]))
            if row is not None
            else None
        )
    if row is None:
        raise NotFound(f"no notice {notice_id}", field="id")
    ref = _subject_ref(row["subject_kind"], subject, row["owner"])
    if not allow(principal, Action.READ, _notice_ref(row, ref)):
        raise NotFound(f"no notice {notice_id}", field="id")
    return row, ref


def view(
    principal: Principal, row: Mapping[str, Any], events: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The API shape; the compliance report and history only for the requester and
    the oversight roles (the reasons of a review are theirs)."""
    kind = NoticeKind(row["kind"])
    out: dict[str, Any] = {
        "id": int(row["id"]),
        "kind": kind.value,
        "state": row["state"],
        "owner": row["owner"],
        "subject": {"kind": row["subject_kind"], "id": int(row["subject_id"])},
        "crime_programme": row["crime_programme"],
        "urgent": bool(row["urgent"]),
        "public_extract": bool(row["public_extract"]),
        "action": ACTIONS[kind],
        "review_date": row["review_date"],
        "suspended_until": row["suspended_until"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "submitted_at": row["submitted_at"],
        "published_at": row["published_at"],
        "version": int(row["version"]),
        "channel": row.get("channel") or "notice",
        **row["body"],
    }
    if out["channel"] == DIFFUSION and row["state"] in _STOPPED:
        out["stop_relying"] = True  # recipients must no longer act on it
    if _insider(principal, row["owner"]):
        if out["channel"] == DIFFUSION:
            out["recipients"] = list(row["recipients"] or [])
        out["compliance"] = row["compliance"]
        if events is not None:
            out["events"] = [
                {
                    "at": e["at"],
                    "actor": e["actor"],
                    "actor_country": e["actor_country"],
                    "move": e["move"],
                    "from_state": e["from_state"],
                    "to_state": e["to_state"],
                    "reason": e["reason"],
                }
                for e in events
            ]
    return out


def _insider(principal: Principal, owner: str) -> bool:
    """The requesting NCB and the oversight roles: they see requests and reviews."""
    if principal.role in (Role.GS, Role.CCF):
        return True
    return principal.role is Role.NCB and principal.country == owner


def get(store: Store, principal: Principal, notice_id: int) -> dict[str, Any]:
    row, _ = _load(store, principal, notice_id)
    with store.read() as conn:
        events = notices_repo.events(conn, notice_id)
    store.audit.emit(
        AuditEvent.of(
            principal, "notice.read", resource=KIND, resource_id=notice_id, owner=row["owner"]
        )
    )
    return view(principal, row, events)


def list_page(
    store: Store,
    principal: Principal,
    *,
    state: str | None = None,
    kind: str | None = None,
    owner: str | None = None,
    channel: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    """Notices the principal may see, by id; rows it may not see are skipped."""
    states = [NoticeState(state).value] if state else None
    found: list[dict[str, Any]] = []
    cursor = after_id
    with store.read() as conn:
        while len(found) < limit:
            rows = notices_repo.page(
                conn, after_id=cursor, limit=limit * 2, owner=owner, states=states, kind=kind
            )
            if not rows:
                cursor = 0
                break
            for row in rows:
                cursor = int(row["id"])
                if channel is not None and row["channel"] != channel:
                    continue
                subject = _subject_row(conn, row["subject_kind"], int(row["subject_id"]))
                ref = _subject_ref(row["subject_kind"], subject, row["owner"])
                if allow(principal, Action.READ, _notice_ref(row, ref)):
                    found.append(view(principal, row))
                    if len(found) == limit:
                        break
    store.audit.emit(
        AuditEvent.of(
            principal, "notice.list", resource=KIND, count=len(found), state=state, kind=kind
        )
    )
    return found, (cursor or None) if len(found) == limit else None


# -- requests ----------------------------------------------------------------------------


def _checked_subject(store: Store, principal: Principal, data: NoticeInput) -> None:
    """The subject must be a record of the requester's own country."""
    kind, subject_id = data.subject.kind, data.subject.id
    with store.read() as conn:
        row = _subject_row(conn, kind, subject_id)
    if row is None or not allow(principal, Action.READ, _subject_ref(kind, row, "")):
        raise NotFound(f"no {kind} record {subject_id}", field="subject.id")
    if row["owner"] != principal.country:
        raise Forbidden(
            "a notice can be requested only about a record of your own country",
            field="subject.id",
        )


def _row(data: NoticeInput) -> dict[str, Any]:
    return {
        "kind": data.kind.value,
        "subject_kind": data.subject.kind,
        "subject_id": data.subject.id,
        "crime_programme": data.crime_programme.value if data.crime_programme else None,
        "urgent": data.urgent,
        "public_extract": data.public_extract,
        "body": data.body(),
    }


def create(store: Store, principal: Principal, data: NoticeInput) -> dict[str, Any]:
    ensure(principal, Action.CREATE, NewRecord(KIND, principal.country))
    _checked_subject(store, principal, data)
    with store.write() as conn:
        notice_id = notices_repo.insert_one(
            conn,
            principal.country,
            {**_row(data), "state": NoticeState.DRAFT.value, "version": 1},
            principal.user_id or None,
        )
        notices_repo.add_event(
            conn,
            notice_id,
            actor=principal.username,
            actor_country=principal.country,
            move="create",
            from_state=None,
            to_state=NoticeState.DRAFT.value,
            reason=None,
        )
        row = notices_repo.get(conn, notice_id)
    assert row is not None
    store.audit.emit(
        AuditEvent.of(
            principal, "notice.create", resource=KIND, resource_id=notice_id, kind=data.kind.value
        )
    )
    return view(principal, row, [])


def diffuse(
    store: Store,
    principal: Principal,
    data: DiffusionInput,
    *,
    rulebook: RuleBook | None = None,
    duplicates: DuplicateFinder | None = None,
) -> dict[str, Any]:
    """Send a diffusion: its recipients see it at once; the same rules then review it.
    A failing rule stops it (its recipients are told to stop relying on it); a flag
    puts it in the General Secretariat's queue while it stands."""
    from concord.domain.compliance import default_rulebook

    ensure(principal, Action.CREATE, NewRecord(KIND, principal.country))
    _checked_subject(store, principal, data)
    now = notices_repo.now()
    with store.write() as conn:
        notice_id = notices_repo.insert_one(
            conn,
            principal.country,
            {
                **_row(data),
                "channel": DIFFUSION,
                "recipients": data.recipients,
                "state": NoticeState.PUBLISHED.value,
                "published_at": now,
                "submitted_at": now,
                "review_date": review_date_from(_today()),
                "version": 1,
            },
            principal.user_id or None,
        )
        _event(conn, principal, notice_id, "diffuse", None, NoticeState.PUBLISHED.value, None)
        sent = notices_repo.get(conn, notice_id)
        assert sent is not None
        announce(conn, sent, "diffuse", from_state=None, reason=None)
    store.audit.emit(
        AuditEvent.of(
            principal,
            "notice.diffuse",
            resource=KIND,
            resource_id=notice_id,
            kind=data.kind.value,
            recipients=data.recipients,
        )
    )
    with store.read() as conn:
        row = notices_repo.get(conn, notice_id)
        assert row is not None
        report = _report_dict(
            row, (rulebook or default_rulebook()).evaluate(facts_of(conn, row, duplicates))
        )
    outcome = report["outcome"]
    report["review"] = {"fail": "failed", "flag": "pending"}.get(outcome, "passed")
    values: dict[str, Any] = {"compliance": report}
    reason = None
    if outcome == "fail":
        failing = [r["name"] for r in report["results"] if r["outcome"] == "fail"]
        values["state"] = NoticeState.CANCELLED.value
        reason = "failed the compliance review: " + "; ".join(failing)
    with store.write() as conn:
        changed = notices_repo.change(conn, notice_id, principal.country, 1, values)
        if reason is not None:
            _event(
                conn,
                SYSTEM_REVIEW,
                notice_id,
                "review",
                NoticeState.PUBLISHED.value,
                NoticeState.CANCELLED.value,
                reason,
            )
        fresh = notices_repo.get(conn, notice_id)
        assert fresh is not None
        if changed and reason is not None:
            announce(conn, fresh, "review", from_state=NoticeState.PUBLISHED.value, reason=reason)
        elif changed and outcome == "flag":  # it stands, in the General Secretariat's queue
            events_repo.publish(conn, REVIEW_PENDING, (fresh["owner"], GS_COUNTRY), _about(fresh))
        events = notices_repo.events(conn, notice_id)
    store.audit.emit(
        AuditEvent.of(
            SYSTEM_REVIEW, "notice.review", resource=KIND, resource_id=notice_id, outcome=outcome
        )
    )
    return view(principal, fresh, events)


def _event(
    conn: Any,
    actor: Principal,
    notice_id: int,
    move: str,
    from_state: str | None,
    to_state: str,
    reason: str | None,
) -> None:
    notices_repo.add_event(
        conn,
        notice_id,
        actor=actor.username,
        actor_country=actor.country,
        move=move,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def update(store: Store, principal: Principal, notice_id: int, data: NoticeInput) -> dict[str, Any]:
    """Edit a request while it is the requester's to edit (a draft, or sent back)."""
    row, _ = _load(store, principal, notice_id)
    if principal.country != row["owner"] or principal.role is not Role.NCB:
        raise Forbidden("only the requesting NCB edits its notice", field="id")
    if NoticeState(row["state"]) not in EDITABLE:
        raise Conflict(f"a notice {row['state']} cannot be edited", field="state")
    _checked_subject(store, principal, data)
    with store.write() as conn:
        if not notices_repo.change(conn, notice_id, row["owner"], int(row["version"]), _row(data)):
            raise Conflict("the notice changed meanwhile; read it again", field="version")
        fresh = notices_repo.get(conn, notice_id)
    assert fresh is not None
    store.audit.emit(
        AuditEvent.of(principal, "notice.update", resource=KIND, resource_id=notice_id)
    )
    return view(principal, fresh)


# -- compliance --------------------------------------------------------------------------


def facts_of(conn: Any, row: Mapping[str, Any], duplicates: DuplicateFinder | None) -> NoticeFacts:
    """What the rules look at: the request, and its subject as the store holds it."""
    body = row["body"]
    subject = _subject_row(conn, row["subject_kind"], int(row["subject_id"]))
    is_person = row["subject_kind"] == "person"
    names: tuple[str, ...] = ()
    dob = None
    description = body.get("subject_description") or ""
    if is_person and subject is not None:
        names = _person_names(subject)
        dob = subject.get("dob")
        description = " ".join(p for p in (description, subject.get("description") or "") if p)
    warrant = body.get("warrant") or {}
    found = duplicates(names, int(row["subject_id"])) if duplicates and is_person and names else []
    return NoticeFacts(
        kind=row["kind"],
        crime_programme=row["crime_programme"],
        purpose=body.get("purpose"),
        offences=tuple(
            Offence(o["description"], o.get("law"), o.get("max_penalty_months"))
            for o in body.get("offences") or []
        ),
        warrant_reference=warrant.get("reference"),
        warrant_date=warrant.get("date"),
        warrant_authority=warrant.get("authority"),
        remaining_sentence_months=body.get("remaining_sentence_months"),
        summary=body.get("summary") or "",
        subject=SubjectFacts(
            names=names,
            dob=dob,
            has_photo=False,  # biometrics arrive with their own issue
            has_fingerprints=False,
            description=description,
            is_person=is_person,
        ),
        duplicates=tuple(d for d in found if d.notice_id != int(row["id"])),
    )


def _person_names(subject: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(record_names(subject)))


def compliance(
    store: Store,
    principal: Principal,
    notice_id: int,
    rulebook: RuleBook,
    duplicates: DuplicateFinder | None = None,
) -> dict[str, Any]:
    """The rules' verdict on the request as it stands, without moving it (live feedback)."""
    row, _ = _load(store, principal, notice_id)
    if not _insider(principal, row["owner"]):
        raise NotFound(f"no notice {notice_id}", field="id")
    with store.read() as conn:
        report = rulebook.evaluate(facts_of(conn, row, duplicates))
    return _report_dict(row, report)


def preview(
    store: Store,
    principal: Principal,
    data: NoticeInput,
    rulebook: RuleBook,
    duplicates: DuplicateFinder | None = None,
    notice_id: int = 0,
) -> dict[str, Any]:
    """The rules' verdict on a request not yet saved (the draft form's live feedback):
    the same facts and rules as at submission; nothing is written. ``notice_id`` is the
    draft being edited, so that it is not reported as its own duplicate."""
    ensure(principal, Action.CREATE, NewRecord(KIND, principal.country))
    _checked_subject(store, principal, data)
    row = {"id": notice_id, "owner": principal.country, **_row(data)}
    with store.read() as conn:
        report = rulebook.evaluate(facts_of(conn, row, duplicates))
    return _report_dict(row, report)


def _report_dict(row: Mapping[str, Any], report: ComplianceReport) -> dict[str, Any]:
    out = report.as_dict()
    missing = _missing_programme(row)
    if missing is not None:
        out["results"] = [missing, *out["results"]]
        out["outcome"] = "fail"
    return out


def _missing_programme(row: Mapping[str, Any]) -> dict[str, Any] | None:
    if row["crime_programme"] or NoticeKind(row["kind"]) in PROGRAMME_OPTIONAL:
        return None
    return {
        "rule": "request.crime_programme",
        "name": "Crime programme",
        "outcome": "fail",
        "message": "name the crime programme: counter_terrorism, organized_emerging_crime "
        "or cybercrime",
        "evidence": ["crime_programme"],
    }


# -- moves ---------------------------------------------------------------------------------


def move(
    store: Store,
    principal: Principal,
    notice_id: int,
    what: Move,
    *,
    reason: str | None = None,
    until: str | None = None,
    rulebook: RuleBook | None = None,
    duplicates: DuplicateFinder | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Make one move, checked against the role, then the state; audited either way."""
    if what is Move.EXPIRE:
        raise Forbidden("notices expire by their review date, not on request", field="move")
    row, _ = _load(store, principal, notice_id)
    if not allow(principal, Action.UPDATE, NoticeMove(row["owner"], what.value)):
        _refused(store, principal, notice_id, what, "forbidden")
        raise Forbidden(f"not allowed to {what.value.replace('_', ' ')} this notice", field="move")
    rule = TRANSITIONS[what]
    state = NoticeState(row["state"])
    if state not in rule.sources:
        _refused(store, principal, notice_id, what, "conflict")
        doing, being = what.value.replace("_", " "), state.value.replace("_", " ")
        raise Conflict(f"cannot {doing} a notice that is {being}", field="state")
    if what is Move.CLEAR and (row["compliance"] or {}).get("review") != "pending":
        raise Conflict("only a diffusion awaiting review is cleared", field="state")
    reason = (reason or "").strip() or None
    if rule.needs_reason and not reason:
        raise InvalidInput(f"a reason is needed to {what.value.replace('_', ' ')}", field="reason")
    if reason is not None and len(reason) > 4000:
        raise InvalidInput("longer than 4000 characters", field="reason")
    day = today or _today()
    values: dict[str, Any] = {"state": rule.target.value}
    if what is Move.SUBMIT:
        values.update(_submission(store, row, rulebook, duplicates))
    elif what is Move.PUBLISH:
        values.update(
            published_at=notices_repo.now(), review_date=review_date_from(day), reminded_for=None
        )
    elif what is Move.SUSPEND:
        values["suspended_until"] = _suspension_end(until, day)
    elif what is Move.RESUME:
        values["suspended_until"] = None
    elif what is Move.RENEW:
        values.update(state=state.value, review_date=review_date_from(day), reminded_for=None)
    elif what is Move.CLEAR:
        values.update(state=state.value, compliance={**row["compliance"], "review": "cleared"})
    with store.write() as conn:
        if not notices_repo.change(conn, notice_id, row["owner"], int(row["version"]), values):
            raise Conflict("the notice changed meanwhile; read it again", field="version")
        notices_repo.add_event(
            conn,
            notice_id,
            actor=principal.username,
            actor_country=principal.country,
            move=what.value,
            from_state=state.value,
            to_state=values["state"],
            reason=reason,
        )
        fresh = notices_repo.get(conn, notice_id)
        assert fresh is not None
        announce(conn, fresh, what.value, from_state=state.value, reason=reason)
        events = notices_repo.events(conn, notice_id)
    store.audit.emit(
        AuditEvent.of(
            principal,
            f"notice.{what.value}",
            resource=KIND,
            resource_id=notice_id,
            owner=row["owner"],
            from_state=state.value,
            to_state=values["state"],
            reason=reason,
        )
    )
    return view(principal, fresh, events)


def _refused(store: Store, principal: Principal, notice_id: int, what: Move, outcome: str) -> None:
    store.audit.emit(
        AuditEvent.of(
            principal, f"notice.{what.value}", resource=KIND, resource_id=notice_id, outcome=outcome
        )
    )


def _submission(
    store: Store,
    row: Mapping[str, Any],
    rulebook: RuleBook | None,
    duplicates: DuplicateFinder | None,
) -> dict[str, Any]:
    from concord.domain.compliance import default_rulebook

    book = rulebook or default_rulebook()
    with store.read() as conn:
        report = book.evaluate(facts_of(conn, row, duplicates))
    result = _report_dict(row, report)
    if result["outcome"] == "fail":
        failing = [r["name"] for r in result["results"] if r["outcome"] == "fail"]
        raise InvalidInput(
            "the request fails the compliance rules: " + "; ".join(failing),
            field="compliance",
            code="compliance_failed",
            details=result,
        )
    return {"compliance": result, "submitted_at": notices_repo.now()}


def _suspension_end(until: str | None, today: dt.date) -> str:
    latest = today + dt.timedelta(days=MAX_SUSPENSION_DAYS)
    if until is None:
        return latest.isoformat()
    try:
        end = dt.date.fromisoformat(until)
    except ValueError:
        raise InvalidInput("expected YYYY-MM-DD", field="until") from None
    if end <= today:
        raise InvalidInput("must be after today", field="until")
    if end > latest:
        raise InvalidInput(f"a suspension lasts at most six months (until {latest})", field="until")
    return end.isoformat()


# -- the General Secretariat's queue -------------------------------------------------------


def review_queue(store: Store, principal: Principal, *, limit: int = 100) -> list[dict[str, Any]]:
    """Requests under review, most urgent first: the requester's urgency, the kind
    (orange, red, yellow…), flags raised by the rules, then the oldest submission."""
    if principal.role is not Role.GS:
        raise Forbidden("the review queue is the General Secretariat's", field="role")
    with store.read() as conn:
        rows = notices_repo.in_states(conn, [NoticeState.UNDER_REVIEW.value])
        rows += [
            r
            for r in notices_repo.in_states(conn, [NoticeState.PUBLISHED.value], channel=DIFFUSION)
            if (r["compliance"] or {}).get("review") == "pending"
        ]

    def urgency(row: Mapping[str, Any]) -> tuple[Any, ...]:
        flags = sum(
            1 for r in (row["compliance"] or {}).get("results", []) if r["outcome"] == "flag"
        )
        return (
            not row["urgent"],
            URGENCY_RANK[NoticeKind(row["kind"])],
            -flags,
            row["submitted_at"],
            row["id"],
        )

    rows.sort(key=urgency)
    store.audit.emit(
        AuditEvent.of(principal, "notice.review_queue", resource=KIND, count=len(rows))
    )
    return [view(principal, r) for r in rows[:limit]]


# -- the clock ---------------------------------------------------------------------------


def sweep(store: Store, today: dt.date | None = None) -> dict[str, list[int]]:
    """What time does to notices: suspensions that ended resume, notices past their
    review date expire, and owners are reminded once of a review date coming up."""
    from concord.domain.principal import SYSTEM

    day = today or _today()
    done: dict[str, list[int]] = {"expired": [], "resumed": [], "reminded": []}
    active = [NoticeState.PUBLISHED.value, NoticeState.SUSPENDED.value]
    with store.read() as conn:
        rows = notices_repo.in_states(conn, active)
    for row in rows:
        notice_id = int(row["id"])
        if row["review_date"] and row["review_date"] < day.isoformat():
            _system_move(
                store,
                SYSTEM,
                row,
                Move.EXPIRE.value,
                NoticeState.EXPIRED.value,
                {},
                "review date passed",
            )
            done["expired"].append(notice_id)
        elif row["suspended_until"] and row["suspended_until"] <= day.isoformat():
            _system_move(
                store,
                SYSTEM,
                row,
                "suspension_ended",
                NoticeState.PUBLISHED.value,
                {"suspended_until": None},
                "the suspension ended",
            )
            done["resumed"].append(notice_id)
        elif (
            row["review_date"]
            and row["review_date"] <= (day + dt.timedelta(days=REMINDER_DAYS)).isoformat()
            and row["reminded_for"] != row["review_date"]
        ):
            _system_move(
                store,
                SYSTEM,
                row,
                "review_reminder",
                row["state"],
                {"reminded_for": row["review_date"]},
                f"review date {row['review_date']} coming up",
            )
            done["reminded"].append(notice_id)
    return done


def _system_move(
    store: Store,
    actor: Principal,
    row: Mapping[str, Any],
    what: str,
    target: str,
    values: dict[str, Any],
    reason: str,
) -> None:
    notice_id = int(row["id"])
    with store.write() as conn:
        if not notices_repo.change(
            conn, notice_id, row["owner"], int(row["version"]), {**values, "state": target}
        ):
            return  # changed meanwhile: the next sweep sees it again
        notices_repo.add_event(
            conn,
            notice_id,
            actor="system",
            actor_country=row["owner"],
            move=what,
            from_state=row["state"],
            to_state=target,
            reason=reason,
        )
        moved = {**row, **values, "state": target}
        announce(conn, moved, what, from_state=row["state"], reason=reason)
    store.audit.emit(
        AuditEvent.of(
            actor,
            f"notice.{what}",
            resource=KIND,
            resource_id=notice_id,
            owner=row["owner"],
            to_state=target,
        )
    )


# -- telling -------------------------------------------------------------------------------

# The event told to the owner country of each move, as ``notice_events.move`` names it.
EVENT_KINDS: dict[str, str] = {
    "diffuse": "notice.diffused",
    Move.SUBMIT.value: "notice.submitted",
    Move.PUBLISH.value: "notice.published",
    Move.REFUSE.value: "notice.refused",
    Move.REQUEST_INFO.value: "notice.info_requested",
    Move.SUSPEND.value: "notice.suspended",
    Move.RESUME.value: "notice.resumed",
    "suspension_ended": "notice.resumed",
    Move.WITHDRAW.value: "notice.withdrawn",
    Move.CANCEL.value: "notice.cancelled",
    "review": "notice.cancelled",  # a diffusion that failed its compliance review
    "ccf_deletion": "notice.cancelled",
    Move.RENEW.value: "notice.renewed",
    Move.CLEAR.value: "notice.cleared",
    Move.EXPIRE.value: "notice.expired",
    "review_reminder": "notice.review_reminder",
}
# Told to those who could act on a stopped notice (not its owner, told the move).
STOP_RELYING = "notice.stop_relying"
# A flagged diffusion stands, waiting in the General Secretariat's review queue.
REVIEW_PENDING = "notice.review_pending"
# Why a notice was stopped, as those who relied on it are told: the cause, never the
# reason's words (a review's reasons are the requester's and the oversight's, as in
# ``view``).
_CAUSES = {
    Move.WITHDRAW.value: "withdrawn",
    Move.CANCEL.value: "cancelled",
    "review": "failed_review",
    "ccf_deletion": "deleted",
}
# States in which others could see a notice and act on it (a suspended one, before).
_CIRCULATING = frozenset({NoticeState.PUBLISHED.value, NoticeState.SUSPENDED.value})


def announce(
    conn: Any, row: Mapping[str, Any], move: str, *, from_state: str | None, reason: str | None
) -> None:
    """Tell who must hear of ``move`` (``row``: the notice after it), in ``conn``'s
    transaction, so the events exist exactly when the move does: the owner country
    always, with the reason; the command centre of a request it must review; a
    diffusion's recipients of its sending; and when a notice that circulated is
    cancelled or withdrawn, every country that could see it, to stop relying on it."""
    told = [row["owner"]]
    if move == Move.SUBMIT.value:
        told.append(GS_COUNTRY)
    elif move == "diffuse":
        told += row["recipients"] or []
    payload = {
        **_about(row),
        "move": move,
        "from_state": from_state,
        "reason": reason,
        "review_date": row["review_date"],
        "suspended_until": row["suspended_until"],
    }
    events_repo.publish(conn, EVENT_KINDS[move], told, payload)
    if row["state"] in _STOPPED and from_state in _CIRCULATING:
        relying = [c for c in _could_see(conn, row) if c != row["owner"]]
        cause = _CAUSES.get(move, row["state"])
        events_repo.publish(conn, STOP_RELYING, relying, {**_about(row), "cause": cause})


def _about(row: Mapping[str, Any]) -> dict[str, Any]:
    """What every event about a notice says of it (``id`` and ``kind`` are the event's)."""
    return {
        "notice_id": int(row["id"]),
        "notice_kind": row["kind"],
        "channel": row.get("channel") or "notice",
        "owner": row["owner"],
        "state": row["state"],
    }


def _could_see(conn: Any, row: Mapping[str, Any]) -> list[str]:
    """The countries whose staff could see the notice while it circulated: a diffusion's
    recipients; for a notice, every member the subject record's restriction allows."""
    if row.get("channel") == DIFFUSION:
        return list(row["recipients"] or [])
    subject_kind = row["subject_kind"]
    subject = _subject_row(conn, subject_kind, int(row["subject_id"]))
    ref = _subject_ref(subject_kind, subject, row["owner"])
    members = countries_repo.list_all(conn, MembershipStatus.MEMBER)
    return [m["code"] for m in members if not m["is_organisation"] and visible_to(ref, m["code"])]


__all__ = [
    "DuplicateFinder",
    "announce",
    "compliance",
    "create",
    "get",
    "list_page",
    "move",
    "preview",
    "review_queue",
    "sweep",
    "update",
    "view",
]
