"""The second factor: NCB, GS and CCF staff log in with a password and a fresh code;
a code is spent once, a neighbouring step is accepted, and the stored secret is
useless without the platform's secret key."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select

from concord.domain.enums import Role
from concord.domain.principal import SYSTEM
from concord.errors import Forbidden, NotFound, Unauthenticated
from concord.services import auth, second_factor, users
from concord.store import Store, users_repo
from concord.store.tables import audit_events
from tests.conftest import PASSWORD, World, make_actor


def _row(store: Store, username: str) -> dict[str, object]:
    with store.read() as conn:
        row = users_repo.by_username(conn, username)
    assert row is not None
    return dict(row)


def test_staff_need_a_fresh_code_and_each_code_counts_once(world: World) -> None:
    store = world.store
    with pytest.raises(Unauthenticated) as none_enrolled:
        auth.login(store, "ncb.fra", PASSWORD)
    assert none_enrolled.value.field == "otp" and "ask an administrator" in str(
        none_enrolled.value.message
    )
    enrolled = users.enrol_second_factor(store, world.gs.principal, world.ncb_a.principal.user_id)
    assert enrolled["uri"].startswith("otpauth://totp/Concord:ncb.fra?secret=")
    assert enrolled["secret"] not in str(_row(store, "ncb.fra")["totp_secret"])  # kept sealed
    with pytest.raises(Unauthenticated):
        auth.login(store, "ncb.fra", PASSWORD)  # no code
    with pytest.raises(Unauthenticated):
        auth.login(store, "ncb.fra", PASSWORD, otp="12345")  # not six digits
    code = pyotp.TOTP(enrolled["secret"]).now()
    _, token, _ = auth.login(store, "ncb.fra", PASSWORD, otp=code)
    assert auth.resolve(store, token).username == "ncb.fra"
    with pytest.raises(Unauthenticated):
        auth.login(store, "ncb.fra", PASSWORD, otp=code)  # the same code again: spent
    with pytest.raises(Unauthenticated):
        auth.login(store, "ncb.fra", "a wrong password!", otp=code)
    store.audit.flush()
    with store.read() as conn:
        outcomes = list(
            conn.execute(
                select(audit_events.c.outcome).where(audit_events.c.action == "login")
            ).scalars()
        )
    assert outcomes.count("denied") == 5 and len(outcomes) == 6


def test_a_step_either_side_is_accepted_two_are_not(store: Store) -> None:
    actor = make_actor(store, "gs.two", Role.GS, "XPO", PASSWORD)
    secret = second_factor.enrol(store, SYSTEM, _row(store, "gs.two"))["secret"]
    now = dt.datetime(2026, 11, 23, 12, 0, 0, tzinfo=dt.UTC)
    totp = pyotp.TOTP(secret)
    user = _row(store, "gs.two")
    far = totp.at(now - dt.timedelta(seconds=90))
    assert second_factor.check(store, user, far, now) == "wrong code"
    earlier = totp.at(now - dt.timedelta(seconds=30))
    assert second_factor.check(store, user, earlier, now) is None
    current = totp.at(now)
    assert second_factor.check(store, _row(store, "gs.two"), current, now) is None
    # A code of a step before the last one used is spent too (no going back).
    assert second_factor.check(store, _row(store, "gs.two"), earlier, now) == "code already used"
    assert actor.principal.role is Role.GS


def test_a_replaced_or_foreign_secret_gives_no_codes(store: Store) -> None:
    make_actor(store, "ccf.two", Role.CCF, "XPO", PASSWORD)
    old = second_factor.enrol(store, SYSTEM, _row(store, "ccf.two"))["secret"]
    second_factor.enrol(store, SYSTEM, _row(store, "ccf.two"))  # a lost phone: re-enrolled
    code = pyotp.TOTP(old).now()
    assert second_factor.check(store, _row(store, "ccf.two"), code) == "wrong code"
    other_key = store.settings.model_copy(update={"secret_key": "another-secret-key-" + "x" * 30})
    elsewhere = Store(store.url, settings=other_key)
    try:
        found = second_factor.check(elsewhere, _row(store, "ccf.two"), "123456")
        assert found == "the enrolled secret cannot be read"
    finally:
        elsewhere.close()


def test_frontline_officers_log_in_with_a_password(store: Store) -> None:
    make_actor(store, "border.two", Role.FRONTLINE, "FRA", PASSWORD)
    _, token, _ = auth.login(store, "border.two", PASSWORD)
    assert auth.resolve(store, token).role is Role.FRONTLINE
    assert not second_factor.required(Role.FRONTLINE) and second_factor.required("ncb")


def test_who_may_enrol_whom(world: World) -> None:
    store = world.store
    target = world.ncb_b.principal.user_id
    with pytest.raises((Forbidden, NotFound)):
        users.enrol_second_factor(store, world.ncb_a.principal, target)  # another country
    with pytest.raises((Forbidden, NotFound)):
        users.enrol_second_factor(store, world.frontline_b.principal, target)
    assert users.enrol_second_factor(store, SYSTEM, target)["secret"]
    assert users.get_user(store, world.gs.principal, target).second_factor is True
