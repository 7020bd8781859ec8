"""The web application's log-in: CSRF on every form, the second factor for staff,
cookies a script cannot read or another site send, idle sessions closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from concord.api import create_app
from concord.domain.enums import Role
from concord.domain.principal import SYSTEM
from concord.services import users
from concord.store import Store
from concord.store.tables import web_sessions
from tests.conftest import PASSWORD, World, make_actor
from tests.web.forms import csrf_of


@pytest.fixture
def browser(store: Store) -> Iterator[TestClient]:
    """An HTTPS client (Secure cookies are only sent over HTTPS), not following redirects."""
    app = create_app(settings=store.settings, store=store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def _log_in(browser: TestClient, username: str, otp: str = "") -> tuple[int, str]:
    page = browser.get("/web/login")
    form = {"username": username, "password": PASSWORD, "otp": otp, "csrf": csrf_of(page.text)}
    answer = browser.post("/web/login", data=form)
    return answer.status_code, answer.text


def test_the_login_page_is_locked_down(browser: TestClient) -> None:
    page = browser.get("/web/login")
    assert page.status_code == 200 and 'name="otp"' in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert browser.get("/web/static/concord.css").status_code == 200
    assert "http://" not in page.text.replace('xmlns="http://', "")  # nothing from elsewhere


def test_a_form_without_its_token_is_refused(browser: TestClient, store: Store) -> None:
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    browser.get("/web/login")
    forged = browser.post(
        "/web/login", data={"username": "border.cdg", "password": PASSWORD, "csrf": "forged"}
    )
    assert forged.status_code == 403 and "This form has expired" in forged.text
    assert "concord_session" not in browser.cookies


def test_an_officer_logs_in_and_out(browser: TestClient, store: Store) -> None:
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    status, _ = _log_in(browser, "border.cdg")
    assert status == 303
    home = browser.get("/web/home")
    assert home.status_code == 200 and "border.cdg" in home.text
    wrong = browser.post("/web/logout", data={"csrf": "not the session's"})
    assert wrong.status_code == 403
    out = browser.post("/web/logout", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/web/login"
    assert browser.get("/web/home").headers.get("location") == "/web/login"


def test_staff_need_their_authenticator(browser: TestClient, world: World) -> None:
    status, text = _log_in(browser, "ncb.fra")
    assert status == 401 and "authenticator" in text
    enrolled = users.enrol_second_factor(world.store, SYSTEM, world.ncb_a.principal.user_id)
    status, text = _log_in(browser, "ncb.fra", "000000")
    assert status == 401
    status, _ = _log_in(browser, "ncb.fra", pyotp.TOTP(enrolled["secret"]).now())
    assert status == 303
    assert "ncb.fra" in browser.get("/web/home").text
    wrong, _ = _log_in(browser, "ncb.fra")
    assert wrong == 401  # a password alone is refused however often it is tried


def test_an_idle_or_disabled_session_ends(browser: TestClient, store: Store) -> None:
    actor = make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    assert _log_in(browser, "border.cdg")[0] == 303
    idle = store.settings.web_idle_minutes
    with store.write() as conn:
        conn.execute(
            update(web_sessions).values(
                last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=idle + 1)
            )
        )
    assert browser.get("/web/home").headers.get("location") == "/web/login"
    assert _log_in(browser, "border.cdg")[0] == 303
    users.set_active(store, SYSTEM, actor.principal.user_id, False)
    assert browser.get("/web/home").headers.get("location") == "/web/login"
