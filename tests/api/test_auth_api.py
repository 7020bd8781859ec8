"""Log-in, tokens, and what a principal of a suspended country gets (nothing)."""

from __future__ import annotations

import datetime as dt

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import update

from concord.store.tables import tokens
from tests.api.conftest import bearer
from tests.conftest import PASSWORD, World


def test_login_issues_a_working_token(client: TestClient, world: World) -> None:
    without = client.post("/auth/token", json={"username": "ncb.fra", "password": PASSWORD})
    assert without.status_code == 401 and without.json()["error"]["field"] == "otp"
    user_id = world.ncb_a.principal.user_id
    enrolled = client.post(f"/users/{user_id}/second-factor", headers=bearer(world.gs.token))
    assert enrolled.status_code == 201
    assert client.get(f"/users/{user_id}", headers=bearer(world.gs.token)).json()["second_factor"]
    code = pyotp.TOTP(enrolled.json()["secret"]).now()
    login = {"username": "ncb.fra", "password": PASSWORD, "otp": code}
    response = client.post("/auth/token", json=login)
    assert response.status_code == 201
    assert client.post("/auth/token", json=login).status_code == 401  # the code is spent
    refused = client.post(f"/users/{user_id}/second-factor", headers=bearer(world.ncb_b.token))
    assert refused.status_code in (403, 404)  # another country's administrator
    token = response.json()["token"]
    assert token.startswith("cnd_")
    me = client.get("/auth/me", headers=bearer(token)).json()
    assert me == {
        "user_id": world.ncb_a.principal.user_id,
        "username": "ncb.fra",
        "role": "ncb",
        "country": "FRA",
        "country_status": "member",
    }


def test_wrong_password_and_unknown_user(client: TestClient, world: World) -> None:
    for username, password in (("ncb.fra", "wrong password here"), ("nobody", PASSWORD)):
        response = client.post("/auth/token", json={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    world.store.audit.flush()
    events = client.get("/audit/events?action=login", headers=bearer(world.gs.token)).json()[
        "items"
    ]
    assert [e["outcome"] for e in events] == ["denied", "denied"]


def test_tokens_are_stored_only_as_hashes(client: TestClient, world: World) -> None:
    from sqlalchemy import select

    with world.store.read() as conn:
        stored = set(conn.execute(select(tokens.c.token_hash)).scalars())
    assert world.ncb_a.token not in stored
    assert all(len(h) == 64 for h in stored)


def test_revoked_token_stops_working(client: TestClient, world: World) -> None:
    issued = client.post(
        "/auth/tokens", json={"label": "kiosk"}, headers=bearer(world.ncb_a.token)
    ).json()
    assert client.get("/auth/me", headers=bearer(issued["token"])).status_code == 200
    assert (
        client.delete(
            f"/auth/tokens/{issued['token_id']}", headers=bearer(world.ncb_a.token)
        ).status_code
        == 204
    )
    assert client.get("/auth/me", headers=bearer(issued["token"])).status_code == 401
    listed = client.get("/auth/tokens", headers=bearer(world.ncb_a.token)).json()
    assert any(t["id"] == issued["token_id"] and t["revoked_at"] for t in listed)


def test_someone_elses_token_cannot_be_revoked(client: TestClient, world: World) -> None:
    issued = client.post("/auth/tokens", json={}, headers=bearer(world.ncb_b.token)).json()
    response = client.delete(
        f"/auth/tokens/{issued['token_id']}", headers=bearer(world.ncb_a.token)
    )
    assert response.status_code == 403
    assert client.get("/auth/me", headers=bearer(issued["token"])).status_code == 200


def test_expired_token(client: TestClient, world: World) -> None:
    with world.store.write() as conn:
        conn.execute(
            update(tokens).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    response = client.get("/auth/me", headers=bearer(world.ncb_a.token))
    assert response.status_code == 401


def test_disabled_user_gets_nothing(client: TestClient, world: World) -> None:
    user_id = world.frontline_a.principal.user_id
    response = client.post(f"/users/{user_id}/disable", headers=bearer(world.ncb_a.token))
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/auth/me", headers=bearer(world.frontline_a.token)).status_code == 401


def test_suspended_member_gets_nothing(client: TestClient, world: World) -> None:
    token = world.ncb_suspended.token
    assert client.get("/persons", headers=bearer(token)).json()["items"] == []
    assert client.get("/countries", headers=bearer(token)).status_code == 403
    assert client.get("/users", headers=bearer(token)).json() == []
    assert (
        client.post("/persons", json={"full_name": "A B"}, headers=bearer(token)).status_code == 403
    )
    created = client.post(
        "/users",
        json={"username": "x.ven", "role": "frontline", "country": "VEN"},
        headers=bearer(token),
    )
    assert created.status_code == 403


def test_suspension_cuts_off_at_once_and_readmission_restores(
    client: TestClient, world: World
) -> None:
    assert client.get("/countries", headers=bearer(world.ncb_b.token)).status_code == 200
    client.patch("/countries/DEU", json={"status": "suspended"}, headers=bearer(world.gs.token))
    assert client.get("/countries", headers=bearer(world.ncb_b.token)).status_code == 403
    client.patch("/countries/DEU", json={"status": "member"}, headers=bearer(world.gs.token))
    assert client.get("/countries", headers=bearer(world.ncb_b.token)).status_code == 200


def test_members_list(client: TestClient, world: World) -> None:
    members = client.get("/countries?status=member", headers=bearer(world.ncb_a.token)).json()
    codes = {c["code"] for c in members}
    assert {"FRA", "DEU", "USA", "XPO", "PLW", "VAT"} <= codes
    assert "PRK" not in codes and "VEN" not in codes
    fra = client.get("/countries/fr", headers=bearer(world.ncb_a.token)).json()
    assert fra["ncb_name"] == "NCB France" and fra["alpha2"] == "FR"
