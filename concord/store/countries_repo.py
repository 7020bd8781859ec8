"""Countries and their membership."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, insert, select, update

from concord.domain.countries import all_countries
from concord.domain.enums import MembershipStatus
from concord.store.tables import countries


def seed(conn: Connection, members: frozenset[str]) -> int:
    """Insert every ISO 3166 country (members as given); existing rows are kept."""
    existing = set(conn.execute(select(countries.c.code)).scalars())
    now = dt.datetime.now(dt.UTC)
    rows = []
    for info in all_countries().values():
        if info.code in existing:
            continue
        member = info.is_organisation or info.code in members
        rows.append(
            {
                "code": info.code,
                "alpha2": info.alpha2,
                "name": info.name,
                "status": (
                    MembershipStatus.MEMBER if member else MembershipStatus.NON_MEMBER
                ).value,
                "ncb_name": ncb_name(info.name, info.is_organisation) if member else None,
                "is_organisation": info.is_organisation,
                "updated_at": now,
            }
        )
    if rows:
        conn.execute(insert(countries), rows)
    return len(rows)


def ncb_name(country_name: str, is_organisation: bool = False) -> str:
    if is_organisation:
        return "INTERPOL General Secretariat, Lyon"
    return f"NCB {country_name}"


def get(conn: Connection, code: str) -> RowMapping | None:
    return conn.execute(select(countries).where(countries.c.code == code)).mappings().first()


def status_of(conn: Connection, code: str) -> MembershipStatus | None:
    value = conn.execute(select(countries.c.status).where(countries.c.code == code)).scalar()
    return MembershipStatus(value) if value else None


def list_all(conn: Connection, status: MembershipStatus | None = None) -> Sequence[RowMapping]:
    query = select(countries).order_by(countries.c.code)
    if status is not None:
        query = query.where(countries.c.status == status.value)
    return conn.execute(query).mappings().all()


def set_status(conn: Connection, code: str, status: MembershipStatus, ncb: str | None) -> None:
    conn.execute(
        update(countries)
        .where(countries.c.code == code)
        .values(status=status.value, ncb_name=ncb, updated_at=dt.datetime.now(dt.UTC))
    )
