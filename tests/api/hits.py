"""A person hit made through the API, for the tests of what follows a hit."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World

ORANGE: dict[str, Any] = {
    "kind": "orange",
    "crime_programme": "counter_terrorism",
    "summary": "Planning an attack on a rail hub.",
}


def person_hit(client: TestClient, world: World, request: dict[str, Any] = ORANGE) -> int:
    """DEU publishes a notice about Karim Benali; a French border officer checks him:
    the hit's id (waiting for the name index to follow the change log)."""
    person = client.post(
        "/persons",
        json={"full_name": "Karim Benali", "dob": "1985-06-01"},
        headers=bearer(world.ncb_b.token),
    ).json()
    body = {**request, "subject": {"kind": "person", "id": person["id"]}}
    notice = client.post("/notices", json=body, headers=bearer(world.ncb_b.token)).json()
    client.post(f"/notices/{notice['id']}/submit", headers=bearer(world.ncb_b.token))
    client.post(f"/notices/{notice['id']}/publish", headers=bearer(world.gs.token))
    deadline = time.monotonic() + 15
    while True:
        answer = client.post(
            "/checks/persons",
            json={"name": "BENALI, Karim", "dob": "1985-06-01"},
            headers=bearer(world.frontline_a.token),
        ).json()
        if answer.get("hit_id"):
            return int(answer["hit_id"])
        assert time.monotonic() < deadline, answer
        time.sleep(0.05)
