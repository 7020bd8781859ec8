"""Person checks through the API: found across scripts, access applied, audited, yente shape."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def _person(client: TestClient, world: World, **fields: Any) -> dict[str, Any]:
    """A person of DEU, made checkable as the subject of a published blue notice."""
    record = _record(client, world.ncb_b.token, **fields)
    _publish(client, world, record["id"])
    return record


def _record(client: TestClient, token: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/persons", json=fields, headers=bearer(token))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _publish(client: TestClient, world: World, person_id: int, kind: str = "blue") -> int:
    body = {
        "kind": kind,
        "crime_programme": "organized_emerging_crime",
        "subject": {"kind": "person", "id": person_id},
    }
    created = client.post("/notices", json=body, headers=bearer(world.ncb_b.token))
    assert created.status_code == 201, created.text
    notice_id = int(created.json()["id"])
    for token, move in ((world.ncb_b.token, "submit"), (world.gs.token, "publish")):
        moved = client.post(f"/notices/{notice_id}/{move}", headers=bearer(token))
        assert moved.status_code == 200, moved.text
    return notice_id


def _check(client: TestClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/checks/persons", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def _until_found(client: TestClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """The index follows the change log in the background (every 0.2 s by default);
    this waits for it, with a bound far above that, and asserts nothing on time."""
    deadline = time.monotonic() + 15
    while True:
        answer = _check(client, token, body)
        if answer["candidates"] or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_a_person_written_is_found_across_scripts_by_the_follower(
    client: TestClient, world: World
) -> None:
    record = _person(
        client,
        world,
        full_name="Щербаков Александр Иванович",
        dob="1971-04-12",
        nationalities=["RU"],
        sex="M",
    )
    answer = _until_found(
        client,
        world.frontline_a.token,
        {"name": "SHCHERBAKOV, Aleksandr", "dob": "1971-04-12", "nationality": "RUS"},
    )
    best = answer["candidates"][0]
    assert best["id"] == record["id"] and best["owner"] == "DEU"
    assert answer["verdict"] == best["verdict"] == "hit"
    assert any("щербаков" in line for line in best["explanation"])
    assert any("date of birth agrees" in line for line in best["explanation"])


def test_only_the_subject_of_a_published_notice_answers(client: TestClient, world: World) -> None:
    record = _record(client, world.ncb_b.token, full_name="Ivan Sergeyevich Volkov", dob="1977")
    query = {"name": "Иван Волков", "dob": "1977"}
    assert _check(client, world.frontline_a.token, query)["candidates"] == []
    notice_id = _publish(client, world, record["id"], kind="blue")
    answer = _until_found(client, world.frontline_a.token, query)
    assert answer["verdict"] == "hit" and answer["notice"] == {"id": notice_id, "kind": "blue"}
    assert answer["action"].startswith("collect information")
    assert answer["candidates"][0]["notices"][0]["kind"] == "blue"
    suspended = client.post(
        f"/notices/{notice_id}/suspend",
        json={"reason": "operation under way"},
        headers=bearer(world.ncb_b.token),
    )
    assert suspended.status_code == 200, suspended.text
    deadline = time.monotonic() + 15
    while _check(client, world.frontline_a.token, query)["candidates"]:
        assert time.monotonic() < deadline, "a suspended notice's subject still answers"
        time.sleep(0.05)


def test_restricted_records_do_not_answer_outsiders(client: TestClient, world: World) -> None:
    _person(
        client,
        world,
        full_name="Mohammed Abdulrahman Al-Jabouri",
        dob="1979-03-02",
        access={"visibility": "except", "countries": ["USA"]},
    )
    query = {"name": "محمد عبد الرحمن الجبوري"}
    assert _until_found(client, world.frontline_a.token, query)["candidates"]
    assert _check(client, world.ncb_c.token, query)["candidates"] == []
    assert _check(client, world.gs.token, query)["candidates"]
    partner = client.post("/checks/persons", json=query, headers=bearer(world.partner_a.token))
    assert partner.status_code == 403


def test_checks_are_audited_with_what_they_disclosed(client: TestClient, world: World) -> None:
    record = _person(client, world, full_name="Giorgi Beridze", dob="1988-05-05")
    _until_found(client, world.frontline_a.token, {"name": "გიორგი ბერიძე"})
    world.store.audit.flush()
    events = client.get(
        "/audit/events?action=check.person", headers=bearer(world.ccf.token)
    ).json()["items"]
    assert events and events[-1]["details"]["disclosed"][0]["id"] == record["id"]


def test_batch_answers_every_row_in_order(client: TestClient, world: World) -> None:
    _person(client, world, full_name="Aram Khachatryan", dob="1990")
    _until_found(client, world.frontline_a.token, {"name": "Aram Khachatryan"})
    response = client.post(
        "/checks/persons/batch",
        json={
            "items": [
                {"qid": "1", "name": "Արամ Խաչատրյան"},
                {"qid": "2", "name": ""},
                {"qid": "3", "name": "Nobody Atall", "dob": "1990-02-30"},
                {"qid": "4", "given_names": "Aram", "family_names": "Khachatrian"},
            ]
        },
        headers=bearer(world.frontline_a.token),
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["qid"] for r in results] == ["1", "2", "3", "4"]
    assert results[0]["candidates"] and results[3]["candidates"]
    assert results[1]["error"]["field"] == "items[1].name"
    assert results[2]["error"]["field"] == "items[2].dob"


def test_bad_input_is_a_4xx_naming_the_field(client: TestClient, world: World) -> None:
    token = world.frontline_a.token
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": "Ivan\u0007Petrov"}, "name"),
        ({"name": "Ivan Petrov", "dob": "1990-13-01"}, "dob"),
        ({"name": "Ivan Petrov", "nationality": "QQ"}, "nationality"),
        ({"name": "Ivan Petrov", "colour": "red"}, "colour"),
        ({"name": 12}, "name"),
        ({"mrz": "P<UTO" + "<" * 5000}, "mrz"),
        ({"mrz": "P<D<<SMITH<<ANNA", "sex": "F"}, "sex"),
    ]
    for body, field in cases:
        response = client.post("/checks/persons", json=body, headers=bearer(token))
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field, body
    assert client.post("/checks/persons/batch", json={}, headers=bearer(token)).status_code == 422


def test_match_speaks_yente(client: TestClient, world: World) -> None:
    record = _person(
        client,
        world,
        full_name="Usama bin Ladin",
        dob="1957-03-10",
        nationalities=["SA"],
        sex="M",
    )
    _until_found(client, world.frontline_a.token, {"name": "Usama bin Ladin"})
    body = {
        "queries": {
            "q1": {
                "schema": "Person",
                "properties": {
                    "name": ["Osama bin Laden"],
                    "birthDate": ["1957-03-10"],
                    "nationality": ["sa"],
                    "gender": ["male"],
                },
            },
            "q2": {"schema": "Company", "properties": {"name": ["ACME"]}},
        }
    }
    response = client.post("/match/default", json=body, headers=bearer(world.frontline_a.token))
    assert response.status_code == 200, response.text
    data = response.json()
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"]["relation"] == "eq"
    top = q1["results"][0]
    assert top["id"] == f"concord-person-{record['id']}" and top["schema"] == "Person"
    assert top["match"] is True and 0 < top["score"] <= 1
    assert top["properties"]["birthDate"] == ["1957-03-10"]
    assert data["responses"]["q2"]["status"] == 400
