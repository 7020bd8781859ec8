"""A person hit through the API: the owner answers, the command centre sees it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.api.hits import person_hit
from tests.conftest import World


def test_hit_answer_and_command_centre(client: TestClient, world: World) -> None:
    hit_id = person_hit(client, world)
    board = client.get("/command-centre/hits", headers=bearer(world.gs.token)).json()["items"]
    assert [(h["id"], h["urgency"]) for h in board] == [(hit_id, "urgent")]
    assert client.get("/command-centre/hits", headers=bearer(world.ncb_b.token)).status_code == 403
    wrong = client.post(
        f"/hits/{hit_id}/answer", json={"answer": "confirmed"}, headers=bearer(world.ncb_a.token)
    )
    assert wrong.status_code == 403
    bad = client.post(
        f"/hits/{hit_id}/answer", json={"answer": "maybe"}, headers=bearer(world.ncb_b.token)
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "answer"
    done = client.post(
        f"/hits/{hit_id}/answer", json={"answer": "confirmed"}, headers=bearer(world.ncb_b.token)
    )
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    seen = client.get(f"/hits/{hit_id}", headers=bearer(world.frontline_a.token)).json()
    assert seen["status"] == "confirmed"  # the checking officer sees each step
    checked = seen["query"]  # what the owner compared with its record
    assert checked["name"] == "BENALI, Karim" and checked["dob"] == "1985-06-01"
    assert 0.5 < checked["score"] <= 1.0
