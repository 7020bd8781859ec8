"""Choosing what goes into a border post's offline snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select

from concord.audit import AuditEvent
from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.policy import read_scope
from concord.store import Store
from concord.store.kinds import OBJECT_KINDS
from concord.store.scope import visible_predicate
from concord.store.tables import blank_ranges


def match_keys(store: Store, country: str) -> Iterator[str]:
    """Every match key a frontline officer of ``country`` could hit today."""
    officer = Principal(0, f"snapshot:{country}", Role.FRONTLINE, country, MembershipStatus.MEMBER)
    scope = read_scope(officer, "snapshot")
    today = dt.date.today().isoformat()
    with store.read() as conn:
        for kind in OBJECT_KINDS:
            table = kind.table
            live = [visible_predicate(table, kind.name, scope), table.c.review_date >= today]
            for lookup in kind.lookups:
                cols = [table.c[c] for c in lookup.columns]
                rows = conn.execution_options(yield_per=50_000).execute(
                    select(*cols).where(cols[-1].is_not(None), *live)
                )
                for parts in rows:
                    yield "|".join((lookup.prefix, *parts))
        live = [
            visible_predicate(blank_ranges, "blank_range", scope),
            blank_ranges.c.review_date >= today,
        ]
        for r in conn.execute(select(blank_ranges).where(*live)).mappings():
            for value in range(r["first_value"], r["last_value"] + 1):
                yield f"D|{r['issuing_country']}|{r['prefix']}{value:0{r['width']}d}"


def audit_export(store: Store, country: str, count: int, path: str) -> None:
    store.audit.emit(
        AuditEvent.of(
            None,
            "snapshot.export",
            actor="cli",
            resource="snapshot",
            country=country,
            keys=count,
            file=path,
        )
    )
