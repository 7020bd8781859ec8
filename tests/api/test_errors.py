"""Malformed input of every kind gets the documented 4xx JSON error, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def _error(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    if field is not None:
        assert body["error"]["field"] == field, body


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"full_name": "A B", "colour": "red"}, "unknown_field", "colour"),
        (
            {"full_name": "A B", "aliases": [{"full_name": "C", "x": 1}]},
            "unknown_field",
            "aliases[0].x",
        ),
        ({"full_name": "A B", "dob": "1990-02-30"}, "invalid", "dob"),
        ({"full_name": "A B", "dob": "30/01/1990"}, "invalid", "dob"),
        ({"full_name": "A B", "dob": "2999"}, "invalid", "dob"),
        ({"full_name": "A B", "nationalities": ["ZZ"]}, "invalid", "nationalities[0]"),
        ({"full_name": "A B", "nationalities": ["FRANCE"]}, "invalid", "nationalities[0]"),
        (
            {"full_name": "A B", "access": {"visibility": "only", "countries": []}},
            "invalid",
            "access",
        ),
        (
            {"full_name": "A B", "access": {"visibility": "only", "countries": ["QQ"]}},
            "invalid",
            "access.countries[0]",
        ),
        ({"full_name": "A B", "access": {"visibility": "friends"}}, "invalid", "access.visibility"),
        ({"full_name": "A B", "sex": "male"}, "invalid", "sex"),
        ({"full_name": "A\u0000B"}, "invalid", "full_name"),
        ({"full_name": "A" * 201}, "invalid", "full_name"),
        ({"full_name": 42}, "invalid", "full_name"),
        ({"dob": "1990"}, "invalid", None),
        (
            {
                "full_name": "A B",
                "identifiers": [{"kind": "passport", "value": "1", "country": "XX"}],
            },
            "invalid",
            "identifiers[0].country",
        ),
        ({"full_name": "A B", "review_date": "2030-13-01"}, "invalid", "review_date"),
    ],
)
def test_bad_person_bodies(
    client: TestClient, world: World, body: dict[str, Any], code: str, field: str | None
) -> None:
    response = client.post("/persons", json=body, headers=bearer(world.ncb_a.token))
    _error(response, 422, code, field)


def test_nothing_written_on_bad_input(client: TestClient, world: World) -> None:
    client.post(
        "/persons", json={"full_name": "A", "dob": "1990-02-30"}, headers=bearer(world.ncb_a.token)
    )
    assert client.get("/persons", headers=bearer(world.ncb_a.token)).json()["items"] == []


def test_malformed_json(client: TestClient, world: World) -> None:
    response = client.post(
        "/persons",
        content=b'{"full_name": "A B",',
        headers={**bearer(world.ncb_a.token), "Content-Type": "application/json"},
    )
    _error(response, 422, "malformed_json")


def test_oversized_body(client: TestClient, world: World) -> None:
    limit = world.store.settings.max_body_bytes
    body = b'{"full_name": "' + b"A" * (limit + 10) + b'"}'
    response = client.post(
        "/persons",
        content=body,
        headers={**bearer(world.ncb_a.token), "Content-Type": "application/json"},
    )
    _error(response, 413, "payload_too_large")


def test_oversized_streamed_body_without_length(client: TestClient, world: World) -> None:
    limit = world.store.settings.max_body_bytes

    def chunks() -> Any:
        for _ in range(limit // 65536 + 3):
            yield b"A" * 65536

    response = client.post(
        "/persons",
        content=chunks(),
        headers={**bearer(world.ncb_a.token), "Content-Type": "application/json"},
    )
    _error(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Bearer cnd_" + "x" * 43},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_bad_token(client: TestClient, world: World, headers: dict[str, str]) -> None:
    response = client.get("/persons", headers=headers)
    _error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forbidden(client: TestClient, world: World) -> None:
    _error(client.get("/audit/events", headers=bearer(world.ncb_a.token)), 403, "forbidden")
    _error(
        client.patch(
            "/countries/FRA", json={"status": "suspended"}, headers=bearer(world.ncb_a.token)
        ),
        403,
        "forbidden",
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/persons/abc", "record_id"),
        ("/persons?limit=0", "limit"),
        ("/persons?limit=abc", "limit"),
        ("/persons?owner=ZZZ", "owner"),
        ("/countries/QQ", "code"),
    ],
)
def test_bad_parameters(client: TestClient, world: World, path: str, field: str) -> None:
    response = client.get(path, headers=bearer(world.ncb_a.token))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_unknown_route_and_method(client: TestClient, world: World) -> None:
    _error(client.get("/nowhere", headers=bearer(world.ncb_a.token)), 404, "not_found")
    _error(client.patch("/persons", headers=bearer(world.ncb_a.token)), 405, "method_not_allowed")


def test_unknown_country_status(client: TestClient, world: World) -> None:
    response = client.patch(
        "/countries/FRA", json={"status": "friendly"}, headers=bearer(world.gs.token)
    )
    _error(response, 422, "invalid", "status")
