"""A person hit through the API: the owner answers, the command centre sees it."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def test_hit_answer_and_command_centre(client: TestClient, world: World) -> None:
    person = client.post(
        "/persons",
        json={"full_name": "Karim Benali", "dob": "1985-06-01"},
        headers=bearer(world.ncb_b.token),
    ).json()
    request = {
        "kind": "orange",
        "crime_programme": "counter_terrorism",
        "summary": "Planning an attack on a rail hub.",
        "subject": {"kind": "person", "id": person["id"]},
    }
    notice = client.post("/notices", json=request, headers=bearer(world.ncb_b.token)).json()
    client.post(f"/notices/{notice['id']}/submit", headers=bearer(world.ncb_b.token))
    client.post(f"/notices/{notice['id']}/publish", headers=bearer(world.gs.token))
    deadline = time.monotonic() + 15
    while True:
        answer = client.post(
            "/checks/persons",
            json={"name": "BENALI, Karim", "dob": "1985-06-01"},
            headers=bearer(world.frontline_a.token),
        ).json()
        if answer.get("hit_id") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    hit_id = answer["hit_id"]
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
