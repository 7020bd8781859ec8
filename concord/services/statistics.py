"""The figures the dashboard shows, counted in SQL by the store, under one access rule:
an NCB sees the figures of its own country, the General Secretariat and the CCF
those of every country; nobody else sees any (deny by default).

What "its own country's figures" means:

- a **check** counts for the country of the officer who ran it (the audit log's
  ``actor_country``);
- a **hit** counts for the country that owns the record hit and for the country
  whose officer checked (an NCB sees exactly the hits it may read in the hits pages).

Where the figures come from:

- **checks** are the audit log's check events (``resource = 'check'``): a single
  check (``check``, ``check.person``) counts one, a batch (``check.batch``,
  ``check.person.batch``) counts its ``count`` of rows. Checks are not split by
  database: one batch mixes kinds, and its events keep only what the audit needs.
- **hits** are the ``hits`` table; its ``kind`` is the database hit (person,
  document, blank_range, vehicle, firearm, vessel, artwork).
- **crime programme** of a hit: the programme of the notice it answered
  (``notices.crime_programme``) when the notice names one; otherwise by the kind
  of record: stolen and lost property (documents, blank documents, vehicles,
  firearms, vessels, works of art) is ``organized_emerging_crime`` (the programme
  that covers vehicle crime, firearms trafficking, maritime and cultural heritage
  crime and identity fraud); a person whose notice names no programme is
  ``unassigned``.
- **region**: the checking country's region (Africa, Americas, Asia, Europe,
  Oceania; from the territory data of ``rigour``); the organisation's own code
  (XPO: the General Secretariat) is ``organisation``. Counted in SQL per country,
  then summed per region.

Every call is audited with the figures' scope (the results also list the hit ids
shown): reading statistics is a disclosure like any other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB

from concord.audit import AuditEvent
from concord.domain.countries import all_countries
from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import Forbidden
from concord.store import Store
from concord.store.tables import audit_events, hits, notices

DASHBOARD_DAYS = 30
RESULT_DAYS = 14
RESULT_LIST_LIMIT = 200
SINGLE_CHECKS = ("check", "check.person")
BATCH_CHECKS = ("check.batch", "check.person.batch")
OBJECT_KINDS = frozenset({"document", "blank_range", "vehicle", "firearm", "vessel", "artwork"})
DOCUMENT_KINDS = ("document", "blank_range")
PERSON_KIND = "person"
CONFIRMED = ("confirmed", "resolved")  # a resolved hit was confirmed first
VICTIM_NOTICES = ("yellow", "black")
UNASSIGNED = "unassigned"
ORGANISATION_REGION = "organisation"
REGIONS = ("africa", "americas", "asia", "europe", "oceania", ORGANISATION_REGION)
# The figures of the results page, in the order shown.
RESULTS = ("victims", "identifications", "documents", "arrests")


@dataclass(frozen=True, slots=True)
class Day:
    day: str  # YYYY-MM-DD (UTC)
    checks: int
    hits: int


@dataclass(frozen=True, slots=True)
class RegionCount:
    region: str
    checks: int
    hits: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    scope: str | None  # the country counted, None for every country
    first_day: str
    last_day: str
    days: list[Day]
    by_database: list[tuple[str, int]]  # hits per record kind, most first
    by_programme: list[tuple[str, int]]  # hits per crime programme, most first
    by_region: list[RegionCount]

    @property
    def checks(self) -> int:
        return sum(d.checks for d in self.days)

    @property
    def hits(self) -> int:
        return sum(d.hits for d in self.days)


@dataclass(frozen=True, slots=True)
class HitLine:
    id: int
    kind: str
    notice_kind: str | None
    owner: str
    checking_country: str
    status: str
    resolution: str | None
    at: dt.datetime  # when the figure counted it: confirmed, or resolved for an arrest


@dataclass(frozen=True, slots=True)
class Result:
    name: str  # one of RESULTS
    count: int
    hits: list[HitLine] = field(default_factory=list)  # the newest RESULT_LIST_LIMIT


@dataclass(frozen=True, slots=True)
class Results:
    scope: str | None
    since: dt.datetime
    figures: list[Result]


def scope_of(principal: Principal) -> str | None:
    """The country whose figures ``principal`` sees (None: all); Forbidden for anyone
    but an NCB, the General Secretariat and the CCF of a member in good standing."""
    if not principal.in_good_standing:
        raise Forbidden("your country is not a member in good standing", field="role")
    if principal.role in (Role.GS, Role.CCF):
        return None
    if principal.role is Role.NCB:
        return principal.country
    raise Forbidden("statistics are for NCB, General Secretariat and CCF staff", field="role")


def dashboard(
    store: Store,
    principal: Principal,
    *,
    days: int = DASHBOARD_DAYS,
    now: dt.datetime | None = None,
) -> Dashboard:
    """Checks and hits of the last ``days`` days (today, UTC, included): per day, hits
    per database, per crime programme, and checks and hits per region."""
    scope = scope_of(principal)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    store.audit.flush()  # the checks of a moment ago are counted
    with store.read() as conn:
        dialect = conn.dialect.name
        check_days = _counts(conn, _checks_by(_audit_day(), scope, dialect, first))
        by_country = _checks_by(audit_events.c.actor_country, scope, dialect, first)
        check_countries = _counts(conn, by_country)
        hit_where = and_(hits.c.at >= start, *_hit_scope(scope))
        day = _hit_day(dialect)
        hit_days = _counts(conn, select(day, func.count()).where(hit_where).group_by(day))
        by_kind = conn.execute(
            select(hits.c.kind, notices.c.crime_programme, func.count())
            .select_from(hits.outerjoin(notices, notices.c.id == hits.c.notice_id))
            .where(hit_where)
            .group_by(hits.c.kind, notices.c.crime_programme)
        ).all()
        by_checker = select(hits.c.checking_country, func.count()).where(hit_where)
        hit_countries = _counts(conn, by_checker.group_by(hits.c.checking_country))
    databases: Counter[str] = Counter()
    programmes: Counter[str] = Counter()
    for kind, programme, count in by_kind:
        databases[kind] += int(count)
        programmes[programme_of(kind, programme)] += int(count)
    calendar = [(first + dt.timedelta(days=n)).isoformat() for n in range(days)]
    result = Dashboard(
        scope=scope,
        first_day=first.isoformat(),
        last_day=today.isoformat(),
        days=[Day(d, check_days.get(d, 0), hit_days.get(d, 0)) for d in calendar],
        by_database=databases.most_common(),
        by_programme=programmes.most_common(),
        by_region=_regions(check_countries, hit_countries),
    )
    store.audit.emit(
        AuditEvent.of(
            principal,
            "statistics.dashboard",
            resource="statistics",
            scope=scope or "all",
            first_day=result.first_day,
            checks=result.checks,
            hits=result.hits,
        )
    )
    return result


def results(
    store: Store, principal: Principal, *, days: int = RESULT_DAYS, now: dt.datetime | None = None
) -> Results:
    """What the checks achieved in the last ``days`` days (14: "the last two weeks"),
    each figure with the hits behind it that ``principal`` may see:

    - **victims** identified: hits on a yellow (missing person) or black
      (unidentified body) notice that the owner confirmed in the period (the hit is
      ``confirmed``, or ``resolved`` since: a resolved hit was confirmed first);
    - **identifications**: hits on person records confirmed in the period (these
      include the victims);
    - **documents** detected: hits on stolen, lost or revoked travel documents and
      stolen blank documents (record kinds ``document`` and ``blank_range``)
      confirmed in the period;
    - **arrests**: hits resolved ``arrested`` in the period.

    "In the period" is the confirmation time (``answered_at``), for arrests the
    resolution time (``resolved_at``), from now back ``days`` days.
    """
    scope = scope_of(principal)
    since = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    confirmed = and_(hits.c.status.in_(CONFIRMED), hits.c.answered_at >= since)
    conditions: dict[str, tuple[ColumnElement[bool], Any]] = {
        "victims": (and_(confirmed, notices.c.kind.in_(VICTIM_NOTICES)), hits.c.answered_at),
        "identifications": (and_(confirmed, hits.c.kind == PERSON_KIND), hits.c.answered_at),
        "documents": (and_(confirmed, hits.c.kind.in_(DOCUMENT_KINDS)), hits.c.answered_at),
        "arrests": (
            and_(
                hits.c.status == "resolved",
                hits.c.resolution == "arrested",
                hits.c.resolved_at >= since,
            ),
            hits.c.resolved_at,
        ),
    }
    joined = hits.outerjoin(notices, notices.c.id == hits.c.notice_id)
    figures = []
    with store.read() as conn:
        for name in RESULTS:
            condition, when = conditions[name]
            where = and_(condition, *_hit_scope(scope))
            count = conn.execute(select(func.count()).select_from(joined).where(where)).scalar_one()
            rows = conn.execute(
                select(
                    hits.c.id,
                    hits.c.kind,
                    notices.c.kind.label("notice_kind"),
                    hits.c.owner,
                    hits.c.checking_country,
                    hits.c.status,
                    hits.c.resolution,
                    when.label("at"),
                )
                .select_from(joined)
                .where(where)
                .order_by(when.desc(), hits.c.id.desc())
                .limit(RESULT_LIST_LIMIT)
            ).mappings()
            lines = [HitLine(**{**r, "id": int(r["id"])}) for r in rows]
            figures.append(Result(name, int(count), lines))
    store.audit.emit(
        AuditEvent.of(
            principal,
            "statistics.results",
            resource="statistics",
            scope=scope or "all",
            since=since.isoformat(),
            counts={f.name: f.count for f in figures},
            ids=sorted({h.id for f in figures for h in f.hits}),
        )
    )
    return Results(scope, since, figures)


def programme_of(kind: str, notice_programme: str | None) -> str:
    """The crime programme a hit counts for (the module docstring gives the rule)."""
    if notice_programme:
        return notice_programme
    return "organized_emerging_crime" if kind in OBJECT_KINDS else UNASSIGNED


@cache
def region_of(country: str) -> str:
    """The region of a country code (lower case), ``organisation`` for XPO and ``unknown``
    for a code without one."""
    info = all_countries().get(country)
    if info is None:
        return "unknown"
    if info.is_organisation:
        return ORGANISATION_REGION
    from rigour.territories import get_territory

    territory = get_territory(info.alpha2.lower()) if info.alpha2 else None
    region = territory.region if territory is not None else None
    return region.lower() if region else "unknown"


def _counts(conn: Connection, query: Any) -> dict[str, int]:
    """A (key, count) query as a dict (a sum over no rows is NULL: 0)."""
    return {str(key): int(count or 0) for key, count in conn.execute(query).all()}


def _regions(checks: dict[str, int], hit_counts: dict[str, int]) -> list[RegionCount]:
    by_checks: Counter[str] = Counter()
    by_hits: Counter[str] = Counter()
    for country, count in checks.items():
        by_checks[region_of(country)] += count
    for country, count in hit_counts.items():
        by_hits[region_of(country)] += count
    named = [r for r in REGIONS if r != ORGANISATION_REGION or by_checks[r] or by_hits[r]]
    extra = sorted((by_checks.keys() | by_hits.keys()) - set(REGIONS))
    return [RegionCount(r, by_checks[r], by_hits[r]) for r in (*named, *extra)]


def _hit_scope(scope: str | None) -> list[ColumnElement[bool]]:
    if scope is None:
        return []
    return [or_(hits.c.owner == scope, hits.c.checking_country == scope)]


def _audit_day() -> ColumnElement[str]:
    """The UTC day of an audit event: its ``at`` is ISO text ending in Z."""
    return func.substr(audit_events.c.at, 1, 10, type_=String)


def _hit_day(dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", hits.c.at), "YYYY-MM-DD", type_=String)
    return func.substr(hits.c.at, 1, 10, type_=String)  # SQLite keeps UTC text


def _checks_by(key: ColumnElement[Any], scope: str | None, dialect: str, first: dt.date) -> Any:
    """Checks counted per ``key`` since ``first`` (a batch counts its rows)."""
    if dialect == "postgresql":
        rows: ColumnElement[Any] = cast(
            cast(audit_events.c.details, JSONB)["count"].astext, Integer
        )
    else:
        rows = cast(func.json_extract(audit_events.c.details, "$.count"), Integer)
    counted = case((audit_events.c.action.in_(BATCH_CHECKS), func.coalesce(rows, 0)), else_=1)
    query = (
        select(key, func.sum(counted))
        .where(
            audit_events.c.resource == "check",
            audit_events.c.action.in_(SINGLE_CHECKS + BATCH_CHECKS),
            audit_events.c.at >= first.isoformat(),
        )
        .group_by(key)
    )
    if scope is not None:
        query = query.where(audit_events.c.actor_country == scope)
    return query
