"""allow(): deny by default, owners decide, suspended members get nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concord.domain.enums import MembershipStatus, Role, Visibility
from concord.domain.principal import Principal
from concord.errors import Forbidden
from concord.policy import (
    Action,
    AuditLog,
    CountryRef,
    NewRecord,
    RecordRef,
    UserRef,
    allow,
    ensure,
    read_scope,
    visible_to,
)


def p(
    role: Role, country: str = "FRA", status: MembershipStatus = MembershipStatus.MEMBER
) -> Principal:
    return Principal(1, "someone", role, country, status)


RESTRICTED = RecordRef("person", "FRA", Visibility.ONLY, frozenset({"DEU"}))


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (p(Role.NCB, "FRA"), True),
        (p(Role.FRONTLINE, "FRA"), True),
        (p(Role.NCB, "DEU"), True),
        (p(Role.FRONTLINE, "DEU"), True),
        (p(Role.NCB, "USA"), False),
        (p(Role.PARTNER, "FRA"), False),
        (p(Role.NCB, "DEU", MembershipStatus.SUSPENDED), False),
        (p(Role.NCB, "DEU", MembershipStatus.APPLICANT), False),
        (p(Role.NCB, "FRA", MembershipStatus.NON_MEMBER), False),
        (p(Role.GS, "XPO"), True),
        (p(Role.CCF, "XPO"), True),
    ],
)
def test_reading_a_restricted_record(principal: Principal, expected: bool) -> None:
    assert allow(principal, Action.READ, RESTRICTED) is expected


def test_only_the_owner_ncb_writes() -> None:
    assert allow(p(Role.NCB, "FRA"), Action.UPDATE, RESTRICTED)
    assert allow(p(Role.NCB, "FRA"), Action.DELETE, RESTRICTED)
    for principal in (
        p(Role.NCB, "DEU"),
        p(Role.FRONTLINE, "FRA"),
        p(Role.GS, "XPO"),
        p(Role.CCF, "XPO"),
    ):
        assert not allow(principal, Action.UPDATE, RESTRICTED)
        assert not allow(principal, Action.DELETE, RESTRICTED)
    assert allow(p(Role.NCB, "FRA"), Action.CREATE, NewRecord("person", "FRA"))
    assert not allow(p(Role.NCB, "FRA"), Action.CREATE, NewRecord("person", "DEU"))
    assert not allow(p(Role.FRONTLINE, "FRA"), Action.CREATE, NewRecord("person", "FRA"))


def test_deny_by_default() -> None:
    class Unknown:
        pass

    assert not allow(p(Role.GS, "XPO"), Action.READ, Unknown())
    assert not allow(None, Action.READ, RecordRef("person", "FRA"))
    assert not allow(p(Role.NCB), Action.VERIFY, RESTRICTED)
    with pytest.raises(Forbidden):
        ensure(p(Role.NCB), Action.READ, AuditLog())


def test_users_administration() -> None:
    ncb = p(Role.NCB, "FRA")
    assert allow(ncb, Action.CREATE, UserRef("FRA", Role.FRONTLINE))
    assert allow(ncb, Action.CREATE, UserRef("FRA", Role.PARTNER))
    assert not allow(ncb, Action.CREATE, UserRef("DEU", Role.FRONTLINE))
    assert not allow(ncb, Action.CREATE, UserRef("FRA", Role.NCB))
    gs = p(Role.GS, "XPO")
    assert allow(gs, Action.CREATE, UserRef("DEU", Role.NCB))
    assert allow(gs, Action.DISABLE, UserRef("DEU", Role.NCB, 5))
    assert not allow(p(Role.FRONTLINE), Action.CREATE, UserRef("FRA", Role.FRONTLINE))


def test_audit_and_members() -> None:
    for role in (Role.GS, Role.CCF):
        assert allow(p(role, "XPO"), Action.READ, AuditLog())
    for role in (Role.NCB, Role.FRONTLINE, Role.PARTNER):
        assert not allow(p(role), Action.READ, AuditLog())
    assert allow(p(Role.GS, "XPO"), Action.UPDATE, CountryRef("FRA"))
    assert not allow(p(Role.NCB), Action.UPDATE, CountryRef("FRA"))


countries = st.sampled_from(["FRA", "DEU", "USA", "BRA", "JPN"])


@given(
    owner=countries,
    visibility=st.sampled_from(list(Visibility)),
    listed=st.frozensets(countries, max_size=3),
    reader=countries,
    role=st.sampled_from(list(Role)),
    status=st.sampled_from(list(MembershipStatus)),
)
def test_read_scope_agrees_with_allow(
    owner: str,
    visibility: Visibility,
    listed: frozenset[str],
    reader: str,
    role: Role,
    status: MembershipStatus,
) -> None:
    record = RecordRef("person", owner, visibility, listed)
    principal = Principal(1, "u", role, reader, status)
    scope = read_scope(principal, "person")
    if scope.nothing:
        expected = False
    elif scope.everything:
        expected = True
    else:
        assert scope.country == reader
        expected = visible_to(record, reader)
    assert allow(principal, Action.READ, record) is expected
