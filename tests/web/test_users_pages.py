"""The users pages on both stores: an NCB lists and creates only its own country's
accounts (anything else is refused with a 4xx that says why), staff get their
authenticator shown once with a QR code, and disabling ends the holder's sessions."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient

from concord.errors import Unauthenticated
from concord.services import auth, second_factor, users
from concord.store import Store, users_repo
from concord.web import sessions
from tests.conftest import World
from tests.web.conftest import sign_in


def _rows(html: str) -> set[str]:
    """The usernames listed in the users table."""
    body = html.split('id="users"', 1)[1].split("</table>", 1)[0]
    return set(re.findall(r"<tr>\s*<td>([^<]+)</td>", body))


def _create(web: TestClient, csrf: str, **fields: str) -> tuple[int, str]:
    answer = web.post("/web/users", data={"csrf": csrf, "display_name": "", **fields})
    return answer.status_code, answer.text


def _shown(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert found, f"no {element_id} on the page"
    return found.group(1)


def test_an_ncb_lists_and_creates_only_its_own_countrys_users(
    web: TestClient, world: World
) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    page = web.get("/web/users")
    assert page.status_code == 200
    assert _rows(page.text) == {"ncb.fra", "border.fra", "airline.fra"}
    assert '<option value="frontline"' in page.text and '<option value="gs"' not in page.text
    status, html = _create(web, csrf, username="border.nice", role="frontline", country="FRA")
    assert status == 201 and "border.nice" in html
    password = _shown(html, "temporary-password")
    assert 'id="qr"' not in html  # a frontline officer needs no authenticator
    assert auth.authenticate(world.store, "border.nice", password, None, via="web").country == "FRA"
    assert "border.nice" in _rows(web.get("/web/users").text)


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"role": "gs", "country": "XPO"}, 403, "not allowed to create this user"),
        ({"role": "frontline", "country": "DEU"}, 403, "of its own country"),
        ({"role": "ncb", "country": "FRA"}, 403, "General Secretariat creates NCB"),
        ({"role": "chief", "country": "FRA"}, 422, "unknown role"),
        ({"role": "frontline", "country": "ZZZ"}, 422, "unknown country code"),
    ],
)
def test_an_ncb_is_refused_what_the_policy_refuses(
    web: TestClient, world: World, fields: dict[str, str], status: int, says: str
) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    code, html = _create(web, csrf, username="someone.new", **fields)
    assert code == status and says in html
    with world.store.read() as conn:
        assert users_repo.by_username(conn, "someone.new") is None


def test_a_bad_username_is_shown_at_its_field(web: TestClient, world: World) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    code, html = _create(web, csrf, username="X", role="frontline", country="FRA")
    assert code == 422 and 'id="username-error"' in html and 'aria-invalid="true"' in html
    code, html = _create(web, csrf, username="border.fra", role="frontline", country="FRA")
    assert code == 409 and "is taken" in html


def test_a_staff_account_gets_its_authenticator_shown_once(web: TestClient, world: World) -> None:
    csrf = sign_in(web, world.store, world.gs.principal)
    status, html = _create(web, csrf, username="ncb.lyon", role="ncb", country="FRA")
    assert status == 201
    secret = _shown(html, "totp-secret")
    assert 'src="data:image/svg+xml' in html
    assert f"secret={secret}" in _shown(html, "totp-uri") and "otpauth://totp/" in html
    with world.store.read() as conn:
        row = dict(users_repo.by_username(conn, "ncb.lyon") or {})
    assert row["role"] == "ncb" and row["totp_secret"]
    assert second_factor.check(world.store, row, pyotp.TOTP(secret).now()) is None
    listed = web.get("/web/users").text
    assert "ncb.lyon" in _rows(listed) and secret not in listed
    account = web.get(f"/web/users/{row['id']}")
    assert account.status_code == 200 and secret not in account.text
    assert "enrolled" in account.text
    renewed = web.post(
        f"/web/users/{row['id']}/second-factor", data={"csrf": csrf, "confirm": "yes"}
    )
    assert renewed.status_code == 200 and _shown(renewed.text, "totp-secret") != secret


def test_disabling_ends_the_holders_sessions(web: TestClient, world: World) -> None:
    store = world.store
    csrf = sign_in(web, store, world.ncb_a.principal)
    officer = world.frontline_a.principal
    cookie, _ = sessions.open_session(store, officer)
    unconfirmed = web.post(f"/web/users/{officer.user_id}/disable", data={"csrf": csrf})
    assert unconfirmed.status_code == 422 and "tick the box" in unconfirmed.text
    assert sessions.resolve(store, cookie).principal.username == "border.fra"
    done = web.post(f"/web/users/{officer.user_id}/disable", data={"csrf": csrf, "confirm": "yes"})
    assert done.status_code == 303
    page = web.get(done.headers["location"])
    assert "is disabled" in page.text
    assert not users.get_user(store, world.ncb_a.principal, officer.user_id).active
    with pytest.raises(Unauthenticated):
        sessions.resolve(store, cookie)
    enabled = web.post(f"/web/users/{officer.user_id}/enable", data={"csrf": csrf})
    assert enabled.status_code == 303
    with pytest.raises(Unauthenticated):  # enabled again: the old cookie stays dead
        sessions.resolve(store, cookie)


def test_a_new_temporary_password_is_shown_once(web: TestClient, world: World) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    officer = world.frontline_a.principal
    answer = web.post(
        f"/web/users/{officer.user_id}/password", data={"csrf": csrf, "confirm": "yes"}
    )
    assert answer.status_code == 200
    password = _shown(answer.text, "temporary-password")
    assert auth.authenticate(world.store, "border.fra", password, None, via="web")


def test_another_countrys_account_and_other_roles_are_refused(
    web: TestClient, world: World
) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    german = world.frontline_b.principal.user_id
    assert web.get(f"/web/users/{german}").status_code == 404
    refused = web.post(f"/web/users/{german}/disable", data={"csrf": csrf, "confirm": "yes"})
    assert refused.status_code == 404
    assert users.get_user(world.store, world.ncb_b.principal, german).active
    fields = {"username": "x.y.z", "role": "frontline", "country": "FRA"}
    assert web.post("/web/users", data={"csrf": "forged", **fields}).status_code == 403
    with world.store.read() as conn:
        assert users_repo.by_username(conn, "x.y.z") is None


def test_frontline_officers_have_no_users_page(web: TestClient, world: World, store: Store) -> None:
    sign_in(web, store, world.frontline_a.principal)
    assert web.get("/web/users").status_code == 403
    assert web.get(f"/web/users/{world.frontline_a.principal.user_id}").status_code == 403
