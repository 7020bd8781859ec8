"""Data-subject requests through the API: the CCF's alone, with clear 4xx answers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def test_register_read_and_decide(client: TestClient, world: World) -> None:
    body = {
        "kind": "access",
        "name": "Karim Benali",
        "dob": "1985-06-01",
        "contact": "k.benali@example.org",
        "claim": "What do you hold on me?",
    }
    made = client.post("/subject-requests", json=body, headers=bearer(world.ccf.token))
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    assert (
        client.post("/subject-requests", json=body, headers=bearer(world.gs.token)).status_code
        == 403
    )
    listed = client.get("/subject-requests?state=open", headers=bearer(world.ccf.token))
    assert [r["id"] for r in listed.json()["items"]] == [request_id]
    seen = client.get(f"/subject-requests/{request_id}", headers=bearer(world.ccf.token))
    assert seen.status_code == 200 and seen.json()["holdings"] == []
    decided = client.post(
        f"/subject-requests/{request_id}/decision",
        json={"decision": "refused", "reasoning": "Nothing is held."},
        headers=bearer(world.ccf.token),
    )
    assert decided.status_code == 200 and decided.json()["state"] == "decided"
    for bad, field in (
        ({**body, "kind": "erase"}, "kind"),
        ({**body, "dob": "1985-13-01"}, "dob"),
        ({**body, "contact": ""}, "contact"),
    ):
        answer = client.post("/subject-requests", json=bad, headers=bearer(world.ccf.token))
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field, answer.text
    assert client.get("/subject-requests/9999", headers=bearer(world.ccf.token)).status_code == 404
