"""Object records through the API: owner rules, validation errors, listing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World

DOC = {"number": "C01X00T47", "issuing_country": "DEU", "status": "stolen", "reference": "DE-1"}


def test_create_read_update_delete(client: TestClient, world: World) -> None:
    created = client.post("/documents", json=DOC, headers=bearer(world.ncb_b.token))
    assert created.status_code == 201
    record = created.json()
    assert record["number"] == "C01X00T47" and record["doc_type"] == "passport"
    assert "number_key" not in record and "content_hash" not in record
    path = f"/documents/{record['id']}"
    assert client.get(path, headers=bearer(world.ncb_a.token)).json()["access"] is None
    assert client.get(path, headers=bearer(world.ncb_b.token)).json()["access"] == {
        "visibility": "all",
        "countries": [],
    }
    changed = client.put(path, json={**DOC, "status": "revoked"}, headers=bearer(world.ncb_b.token))
    assert (
        changed.status_code == 200
        and changed.json()["status"] == "revoked"
        and changed.json()["version"] == 2
    )
    assert client.put(path, json=DOC, headers=bearer(world.ncb_a.token)).status_code == 403
    assert client.delete(path, headers=bearer(world.ncb_a.token)).status_code == 403
    assert client.delete(path, headers=bearer(world.ncb_b.token)).status_code == 204
    assert client.get(path, headers=bearer(world.ncb_b.token)).status_code == 404


def test_reference_is_generated_when_absent(client: TestClient, world: World) -> None:
    body = {k: v for k, v in DOC.items() if k != "reference"}
    record = client.post("/documents", json=body, headers=bearer(world.ncb_b.token)).json()
    assert record["reference"].startswith("DOC-")


def test_validation_errors_name_the_field(client: TestClient, world: World) -> None:
    cases = [
        ({**DOC, "colour": "red"}, "colour"),
        ({**DOC, "status": "misplaced"}, "status"),
        ({**DOC, "number": "C01#47"}, "number"),
        ({**DOC, "issued": "2020-02-30"}, "issued"),
        ({**DOC, "lost_on": "2999-01-01"}, "lost_on"),
        ({**DOC, "access": {"visibility": "only"}}, "access"),
    ]
    for body, field in cases:
        response = client.post("/documents", json=body, headers=bearer(world.ncb_b.token))
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field
    bad_vin = client.post("/vehicles", json={"vin": "1M8G"}, headers=bearer(world.ncb_a.token))
    assert bad_vin.status_code == 422 and bad_vin.json()["error"]["field"] == "vin"


def test_list_applies_restrictions(client: TestClient, world: World) -> None:
    client.post("/documents", json=DOC, headers=bearer(world.ncb_b.token))
    hidden = {
        **DOC,
        "reference": "DE-2",
        "number": "C01X00T48",
        "access": {"visibility": "except", "countries": ["FRA"]},
    }
    client.post("/documents", json=hidden, headers=bearer(world.ncb_b.token))
    seen_by_fra = client.get("/documents", headers=bearer(world.ncb_a.token)).json()["items"]
    seen_by_usa = client.get("/documents", headers=bearer(world.ncb_c.token)).json()["items"]
    assert [d["reference"] for d in seen_by_fra] == ["DE-1"]
    assert [d["reference"] for d in seen_by_usa] == ["DE-1", "DE-2"]
    assert client.get("/documents", headers=bearer(world.partner_a.token)).json()["items"] == []


def test_records_past_review_are_flagged_and_renewed(client: TestClient, world: World) -> None:
    import datetime as dt

    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    record = client.post(
        "/documents", json={**DOC, "review_date": past}, headers=bearer(world.ncb_b.token)
    ).json()
    client.post(
        "/documents",
        json={**DOC, "reference": "DE-2", "number": "C01X00T48"},
        headers=bearer(world.ncb_b.token),
    )
    due = client.get("/documents?review_due=true", headers=bearer(world.ncb_b.token)).json()[
        "items"
    ]
    assert [d["id"] for d in due] == [record["id"]]
    renewed = (dt.date.today() + dt.timedelta(days=3650)).isoformat()
    client.put(
        f"/documents/{record['id']}",
        json={**DOC, "review_date": renewed},
        headers=bearer(world.ncb_b.token),
    )
    assert (
        client.get("/documents?review_due=true", headers=bearer(world.ncb_b.token)).json()["items"]
        == []
    )
