"""Turning a policy ReadScope into a SQL predicate on a record table.

This mirrors ``concord.policy.visible_to`` for list queries; the policy tests
check on random records that both answer the same.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, and_, exists, false, or_, select, true

from concord.domain.enums import Visibility
from concord.policy import ReadScope
from concord.store.tables import record_access


def visible_predicate(table: Table, kind: str, scope: ReadScope) -> ColumnElement[bool]:
    if scope.nothing or (not scope.everything and scope.country is None):
        return false()
    if scope.everything:
        return true()
    country = scope.country
    listed = exists(
        select(record_access.c.record_id).where(
            record_access.c.kind == kind,
            record_access.c.record_id == table.c.id,
            record_access.c.country == country,
        )
    )
    return or_(
        table.c.owner == country,
        table.c.visibility == Visibility.ALL.value,
        and_(table.c.visibility == Visibility.ONLY.value, listed),
        and_(table.c.visibility == Visibility.EXCEPT.value, ~listed),
    )
