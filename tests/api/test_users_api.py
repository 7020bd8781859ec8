"""User administration: NCBs staff their own country; the GS administers NCB officers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def _new(client: TestClient, token: str, username: str, role: str, country: str) -> int:
    return client.post(
        "/users",
        json={"username": username, "role": role, "country": country},
        headers=bearer(token),
    ).status_code


def test_ncb_creates_frontline_and_partner_of_its_own_country(
    client: TestClient, world: World
) -> None:
    assert _new(client, world.ncb_a.token, "officer.two", "frontline", "FRA") == 201
    assert _new(client, world.ncb_a.token, "hotel.one", "partner", "FR") == 201


def test_ncb_cannot_create_users_of_another_country(client: TestClient, world: World) -> None:
    assert _new(client, world.ncb_a.token, "spy.one", "frontline", "DEU") == 403
    assert _new(client, world.ncb_a.token, "spy.two", "partner", "USA") == 403


def test_ncb_cannot_create_ncb_gs_or_ccf(client: TestClient, world: World) -> None:
    for role in ("ncb", "gs", "ccf"):
        assert _new(client, world.ncb_a.token, f"x.{role}", role, "FRA") == 403


def test_frontline_and_partner_cannot_create_users(client: TestClient, world: World) -> None:
    assert _new(client, world.frontline_a.token, "x.one", "frontline", "FRA") == 403
    assert _new(client, world.partner_a.token, "x.two", "partner", "FRA") == 403


def test_gs_administers_ncb_officers(client: TestClient, world: World) -> None:
    assert _new(client, world.gs.token, "ncb.bra", "ncb", "BRA") == 201
    assert _new(client, world.gs.token, "ncb.bra", "ncb", "BRA") == 409
    user_id = world.ncb_b.principal.user_id
    assert (
        client.post(f"/users/{user_id}/disable", headers=bearer(world.gs.token)).status_code == 200
    )
    assert client.get("/auth/me", headers=bearer(world.ncb_b.token)).status_code == 401


def test_ncb_disables_only_its_own_users(client: TestClient, world: World) -> None:
    other = world.frontline_b.principal.user_id
    assert (
        client.post(f"/users/{other}/disable", headers=bearer(world.ncb_a.token)).status_code == 404
    )
    own = world.frontline_a.principal.user_id
    assert (
        client.post(f"/users/{own}/disable", headers=bearer(world.ncb_a.token)).status_code == 200
    )


def test_user_lists_are_scoped(client: TestClient, world: World) -> None:
    names = {u["username"] for u in client.get("/users", headers=bearer(world.ncb_a.token)).json()}
    assert names == {"ncb.fra", "border.fra", "airline.fra"}
    gs_names = {u["username"] for u in client.get("/users", headers=bearer(world.gs.token)).json()}
    assert {"ncb.fra", "ncb.deu", "gs.lyon", "ccf.one"} <= gs_names


def test_bad_user_input(client: TestClient, world: World) -> None:
    cases = [
        ({"username": "Bad Name!", "role": "frontline", "country": "FRA"}, "username"),
        ({"username": "ok.name", "role": "chief", "country": "FRA"}, "role"),
        ({"username": "ok.name", "role": "frontline", "country": "ZZ"}, "country"),
        (
            {"username": "ok.name", "role": "frontline", "country": "FRA", "password": "short"},
            "password",
        ),
        ({"username": "ok.name", "role": "frontline", "country": "FRA", "admin": True}, "admin"),
    ]
    for body, field in cases:
        response = client.post("/users", json=body, headers=bearer(world.ncb_a.token))
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field
