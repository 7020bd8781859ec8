"""Person records through the API: owner rules and restrictions, on both backends."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def _create(client: TestClient, token: str, **fields: Any) -> dict[str, Any]:
    body = {"full_name": "Ivan Petrov", "dob": "1975-03", "nationalities": ["RU"], **fields}
    response = client.post("/persons", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_restricted_record_visible_to_owner_and_listed_only(
    client: TestClient, world: World
) -> None:
    record = _create(client, world.ncb_a.token, access={"visibility": "only", "countries": ["DE"]})
    path = f"/persons/{record['id']}"
    assert client.get(path, headers=bearer(world.ncb_a.token)).status_code == 200
    assert client.get(path, headers=bearer(world.frontline_a.token)).status_code == 200
    assert client.get(path, headers=bearer(world.ncb_b.token)).status_code == 200
    assert client.get(path, headers=bearer(world.frontline_b.token)).status_code == 200
    for outsider in (world.ncb_c, world.ncb_suspended, world.partner_a):
        response = client.get(path, headers=bearer(outsider.token))
        assert response.status_code == 404, outsider.principal
        # Indistinguishable from a record that does not exist.
        missing = client.get("/persons/999999", headers=bearer(outsider.token))
        assert response.json()["error"]["code"] == missing.json()["error"]["code"] == "not_found"


def test_restriction_list_shown_to_owner_only(client: TestClient, world: World) -> None:
    record = _create(
        client, world.ncb_a.token, access={"visibility": "except", "countries": ["USA"]}
    )
    own = client.get(f"/persons/{record['id']}", headers=bearer(world.ncb_a.token)).json()
    assert own["access"] == {"visibility": "except", "countries": ["USA"]}
    other = client.get(f"/persons/{record['id']}", headers=bearer(world.ncb_b.token)).json()
    assert other["access"] is None
    assert (
        client.get(f"/persons/{record['id']}", headers=bearer(world.ncb_c.token)).status_code == 404
    )


def test_owner_only_record(client: TestClient, world: World) -> None:
    record = _create(client, world.ncb_a.token, access={"visibility": "owner"})
    assert (
        client.get(f"/persons/{record['id']}", headers=bearer(world.ncb_b.token)).status_code == 404
    )
    assert client.get(f"/persons/{record['id']}", headers=bearer(world.gs.token)).status_code == 200
    assert (
        client.get(f"/persons/{record['id']}", headers=bearer(world.ccf.token)).status_code == 200
    )


def test_list_applies_the_policy(client: TestClient, world: World) -> None:
    public = _create(client, world.ncb_a.token, reference="A1")
    only_b = _create(
        client,
        world.ncb_a.token,
        reference="A2",
        access={"visibility": "only", "countries": ["DEU"]},
    )
    not_b = _create(
        client,
        world.ncb_a.token,
        reference="A3",
        access={"visibility": "except", "countries": ["DEU"]},
    )
    own_c = _create(client, world.ncb_c.token, reference="C1", access={"visibility": "owner"})

    def ids(token: str) -> set[int]:
        response = client.get("/persons", headers=bearer(token))
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert ids(world.ncb_b.token) == {public["id"], only_b["id"]}
    assert ids(world.ncb_c.token) == {public["id"], not_b["id"], own_c["id"]}
    assert ids(world.ncb_a.token) == {public["id"], only_b["id"], not_b["id"]}
    assert ids(world.gs.token) == {public["id"], only_b["id"], not_b["id"], own_c["id"]}
    assert ids(world.partner_a.token) == set()
    assert ids(world.ncb_suspended.token) == set()


def test_list_pages_with_a_cursor(client: TestClient, world: World) -> None:
    made = [_create(client, world.ncb_a.token, reference=f"R{i}")["id"] for i in range(5)]
    seen: list[int] = []
    cursor = 0
    while True:
        page = client.get(
            f"/persons?limit=2&cursor={cursor}", headers=bearer(world.ncb_a.token)
        ).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert seen == made


def test_only_the_owner_ncb_changes_a_record(client: TestClient, world: World) -> None:
    record = _create(client, world.ncb_a.token)
    path = f"/persons/{record['id']}"
    body = {"full_name": "Ivan Petrovich Petrov", "dob": "1975-03-02"}
    for intruder in (world.ncb_b, world.frontline_a, world.gs, world.partner_a):
        response = client.put(path, json=body, headers=bearer(intruder.token))
        assert response.status_code in (403, 404), intruder.principal
        assert client.delete(path, headers=bearer(intruder.token)).status_code in (403, 404)
    response = client.put(path, json=body, headers=bearer(world.ncb_a.token))
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ivan Petrovich Petrov"
    assert response.json()["version"] == 2
    assert client.delete(path, headers=bearer(world.ncb_a.token)).status_code == 204
    assert client.get(path, headers=bearer(world.ncb_a.token)).status_code == 404


def test_frontline_and_partner_cannot_write(client: TestClient, world: World) -> None:
    for actor in (world.frontline_a, world.partner_a, world.gs, world.ccf):
        response = client.post("/persons", json={"full_name": "X Y"}, headers=bearer(actor.token))
        assert response.status_code == 403, actor.principal
        assert response.json()["error"]["code"] == "forbidden"
    assert client.get("/persons", headers=bearer(world.ncb_a.token)).json()["items"] == []


def test_suspended_member_cannot_write(client: TestClient, world: World) -> None:
    response = client.post(
        "/persons", json={"full_name": "X Y"}, headers=bearer(world.ncb_suspended.token)
    )
    assert response.status_code == 403


def test_reads_are_audited(client: TestClient, world: World) -> None:
    record = _create(client, world.ncb_a.token)
    client.get(f"/persons/{record['id']}", headers=bearer(world.ncb_b.token))
    client.get(f"/persons/{record['id']}", headers=bearer(world.partner_a.token))
    world.store.audit.flush()
    events = client.get(
        f"/audit/events?resource=person&resource_id={record['id']}", headers=bearer(world.ccf.token)
    ).json()["items"]
    seen = [(e["action"], e["actor"], e["outcome"]) for e in events]
    assert ("person.create", "ncb.fra", "ok") in seen
    assert ("person.read", "ncb.deu", "ok") in seen
    assert ("person.read", "airline.fra", "not_found") in seen


def test_duplicate_reference_is_a_conflict(client: TestClient, world: World) -> None:
    _create(client, world.ncb_a.token, reference="SAME")
    response = client.post(
        "/persons",
        json={"full_name": "A B", "reference": "SAME"},
        headers=bearer(world.ncb_a.token),
    )
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "reference"
    # Another country may use the same reference of its own.
    _create(client, world.ncb_b.token, reference="SAME")


def test_names_in_any_script_round_trip(client: TestClient, world: World) -> None:
    record = _create(
        client,
        world.ncb_a.token,
        full_name="Щербаков Иван",
        aliases=[
            {"full_name": "Ščerbakov Ivan"},
            {"given_names": "محمد", "family_names": "الأحمد"},
        ],
        identifiers=[{"kind": "passport", "value": "75 123456", "country": "RUS"}],
        sex="M",
        dob="1980",
    )
    got = client.get(f"/persons/{record['id']}", headers=bearer(world.ncb_a.token)).json()
    assert got["full_name"] == "Щербаков Иван"
    assert got["aliases"][1]["given_names"] == "محمد"
    assert got["nationalities"] == ["RUS"]
    assert got["dob"] == "1980"
