"""Public extracts of notices: what anyone may read without an account.

Only a published notice whose requester consented (UN special notices always)
has one, and it shows only what the public red-notice service shows: names,
date of birth, nationalities, sex, and the charges with the country whose
warrant they come from. The shape and the query parameters follow that service
(``name``, ``forename``, ``nationality``, ``ageMin``, ``ageMax``, ``sexId``,
``arrestWarrantCountryId``, ``page``, ``resultPerPage``), so a tool written for
it reads Concord's. Every request is audited as an anonymous disclosure.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, select

from concord.audit import AuditEvent
from concord.domain.countries import all_countries, normalise_country
from concord.domain.notices import NoticeState
from concord.errors import InvalidInput, NotFound
from concord.store import Store
from concord.store.tables import notices, persons

MAX_PER_PAGE = 160
PATH = "/public/notices"


@dataclass(frozen=True, slots=True)
class PublicQuery:
    name: str | None = None
    forename: str | None = None
    nationality: str | None = None  # alpha-3
    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = None
    warrant_country: str | None = None  # alpha-3
    kind: str | None = None
    page: int = 1
    per_page: int = 20


def parse_query(params: Mapping[str, Any]) -> PublicQuery:
    """The public service's parameters, each refused by name when it makes no sense."""
    sex = params.get("sexId")
    if sex is not None and str(sex).upper() not in ("M", "F", "U"):
        raise InvalidInput("use M, F or U", field="sexId")
    age_min, age_max = params.get("ageMin"), params.get("ageMax")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise InvalidInput("ageMin is above ageMax", field="ageMin")
    return PublicQuery(
        name=_text(params.get("name"), "name"),
        forename=_text(params.get("forename"), "forename"),
        nationality=_country(params.get("nationality"), "nationality"),
        age_min=age_min,
        age_max=age_max,
        sex=str(sex).upper() if sex is not None else None,
        warrant_country=_country(params.get("arrestWarrantCountryId"), "arrestWarrantCountryId"),
        kind=params.get("kind"),
        page=int(params.get("page") or 1),
        per_page=int(params.get("resultPerPage") or 20),
    )


def _text(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) > 100 or any(unicodedata.category(c) == "Cc" for c in text):
        raise InvalidInput("at most 100 printable characters", field=field)
    return _fold(text)


def _country(value: Any, field: str) -> str | None:
    return normalise_country(str(value), field) if value else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(store: Store, query: PublicQuery, *, base_url: str = "") -> dict[str, Any]:
    """One page of public extracts, newest first, in the public service's list shape.

    Country, kind, sex, age and nationality are asked of the database; names, compared
    without accents, are matched here. Without a name, only the page is read."""
    start = (query.page - 1) * query.per_page
    if query.name or query.forename:
        extracts = [e for e in _extracts(store, query) if _fits(e, query)]
        total, shown = len(extracts), extracts[start : start + query.per_page]
    else:
        total = _count(store, query)
        shown = _extracts(store, query, offset=start, limit=query.per_page)
    store.audit.emit(
        AuditEvent.of(
            None,
            "public.notices",
            resource="notice",
            total=total,
            shown=[e.entity_id for e in shown],
        )
    )
    last = max(1, -(-total // query.per_page))
    return {
        "total": total,
        "query": _echo(query),
        "_embedded": {"notices": [e.summary(base_url) for e in shown]},
        "_links": {
            "self": {"href": _page_href(base_url, query, query.page)},
            "first": {"href": _page_href(base_url, query, 1)},
            "last": {"href": _page_href(base_url, query, last)},
            **(
                {"next": {"href": _page_href(base_url, query, query.page + 1)}}
                if query.page < last
                else {}
            ),
        },
    }


def detail(store: Store, entity_id: str, *, base_url: str = "") -> dict[str, Any]:
    """One public extract by its entity id ("2026-17" or "2026/17")."""
    year, _, number = entity_id.replace("/", "-").partition("-")
    if not (year.isdigit() and number.isdigit()):
        raise NotFound(f"no public notice {entity_id[:20]!r}", field="entity_id")
    found = [
        e
        for e in _extracts(store, PublicQuery(), notice_id=int(number))
        if e.entity_id == f"{year}/{number}"
    ]
    if not found:
        raise NotFound(f"no public notice {entity_id[:20]!r}", field="entity_id")
    store.audit.emit(
        AuditEvent.of(None, "public.notice", resource="notice", resource_id=found[0].notice_id)
    )
    return found[0].detail(base_url)


@dataclass(frozen=True, slots=True)
class _Extract:
    notice_id: int
    kind: str
    entity_id: str
    name: str
    forename: str
    dob: str | None
    nationalities: tuple[str, ...]  # alpha-3
    sex: str | None
    warrant_country: str
    charges: tuple[str, ...]
    place_of_birth: str | None

    def summary(self, base_url: str) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "forename": self.forename,
            "date_of_birth": self.dob.replace("-", "/") if self.dob else None,
            "nationalities": [_alpha2(c) for c in self.nationalities],
            "_links": {"self": {"href": f"{base_url}{PATH}/{self.entity_id.replace('/', '-')}"}},
        }

    def detail(self, base_url: str) -> dict[str, Any]:
        return {
            **self.summary(base_url),
            "notice_kind": self.kind,
            "sex_id": self.sex or "U",
            "place_of_birth": self.place_of_birth,
            "arrest_warrants": [
                {"charge": charge, "issuing_country_id": _alpha2(self.warrant_country)}
                for charge in self.charges
            ],
        }

    def age(self, today: dt.date) -> int | None:
        if not self.dob:
            return None
        parts = [int(p) for p in self.dob.split("-")]
        born = dt.date(
            parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else 1
        )
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _public(query: PublicQuery, today: dt.date) -> list[Any]:
    """The conditions the database answers: published, consented, and the filters it can."""
    where: list[Any] = [
        notices.c.state == NoticeState.PUBLISHED.value,
        notices.c.public_extract.is_(True),
        notices.c.subject_kind == "person",
    ]
    if query.kind:
        where.append(notices.c.kind == query.kind)
    if query.warrant_country:
        where.append(notices.c.owner == query.warrant_country)
    if query.sex == "U":
        where.append(persons.c.sex.is_(None) | (persons.c.sex == "X"))
    elif query.sex:
        where.append(persons.c.sex == query.sex)
    if query.nationality:  # a JSON list of codes: its text holds the quoted code
        where.append(cast(persons.c.nationalities, String).like(f'%"{query.nationality}"%'))
    if query.age_min is not None or query.age_max is not None:
        where.append(persons.c.dob.is_not(None))
    if query.age_min is not None:  # born on or before this day
        where.append(persons.c.dob <= _years_before(today, query.age_min).isoformat())
    if query.age_max is not None:  # born after this day
        where.append(persons.c.dob > _years_before(today, query.age_max + 1).isoformat())
    return where


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _count(store: Store, query: PublicQuery) -> int:
    counted = (
        select(func.count())
        .select_from(notices.join(persons, persons.c.id == notices.c.subject_id))
        .where(*_public(query, dt.date.today()))
    )
    with store.read() as conn:
        return int(conn.execute(counted).scalar_one())


def _extracts(
    store: Store,
    query: PublicQuery,
    *,
    notice_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[_Extract]:
    select_rows = (
        select(
            notices.c.id,
            notices.c.kind,
            notices.c.owner,
            notices.c.published_at,
            notices.c.created_at,
            persons.c.full_name,
            persons.c.given_names,
            persons.c.family_names,
            persons.c.dob,
            persons.c.nationalities,
            persons.c.sex,
            persons.c.place_of_birth,
        )
        .join(persons, persons.c.id == notices.c.subject_id)
        .where(*_public(query, dt.date.today()))
        .order_by(notices.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    if notice_id is not None:  # one extract in detail: its charges too
        select_rows = select_rows.add_columns(notices.c.body).where(notices.c.id == notice_id)
    with store.read() as conn:
        rows = conn.execute(select_rows).mappings().all()
    return [_extract(dict(r)) for r in rows]


def _extract(row: Mapping[str, Any]) -> _Extract:
    forename, name = _split_name(row)
    year = (row["published_at"] or row["created_at"]).year
    return _Extract(
        notice_id=int(row["id"]),
        kind=row["kind"],
        entity_id=f"{year}/{row['id']}",
        name=name.upper(),
        forename=forename.upper(),
        dob=row["dob"],
        nationalities=tuple(row["nationalities"] or ()),
        sex=row["sex"],
        warrant_country=row["owner"],
        charges=tuple(o["description"] for o in (row.get("body") or {}).get("offences") or []),
        place_of_birth=row["place_of_birth"],
    )


def _split_name(row: Mapping[str, Any]) -> tuple[str, str]:
    if row["family_names"] or row["given_names"]:
        return row["given_names"] or "", row["family_names"] or ""
    words = (row["full_name"] or "").split()
    return " ".join(words[:-1]), words[-1] if words else ""


def _fits(e: _Extract, q: PublicQuery) -> bool:
    if q.name and q.name not in _fold(e.name):
        return False
    if q.forename and q.forename not in _fold(e.forename):
        return False
    if q.nationality and q.nationality not in e.nationalities:
        return False
    if q.sex and (e.sex or "U") != q.sex:
        return False
    if q.warrant_country and e.warrant_country != q.warrant_country:
        return False
    if q.age_min is not None or q.age_max is not None:
        age = e.age(dt.date.today())
        if age is None:
            return False
        if q.age_min is not None and age < q.age_min:
            return False
        if q.age_max is not None and age > q.age_max:
            return False
    return True


def _alpha2(code: str) -> str:
    country = all_countries().get(code)
    return country.alpha2 if country is not None and country.alpha2 else code


def _echo(q: PublicQuery) -> dict[str, Any]:
    return {
        "page": q.page,
        "resultPerPage": q.per_page,
        **{
            k: v
            for k, v in {
                "name": q.name,
                "forename": q.forename,
                "nationality": q.nationality and _alpha2(q.nationality),
                "ageMin": q.age_min,
                "ageMax": q.age_max,
                "sexId": q.sex,
                "arrestWarrantCountryId": q.warrant_country and _alpha2(q.warrant_country),
            }.items()
            if v is not None
        },
    }


def _page_href(base_url: str, q: PublicQuery, page: int) -> str:
    echo = {**_echo(q), "page": page}
    params = "&".join(f"{k}={v}" for k, v in echo.items())
    return f"{base_url}{PATH}?{params}"
