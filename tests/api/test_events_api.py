"""The event stream: each party of a hit told, resumed from the last id, nothing twice."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.api.hits import person_hit
from tests.conftest import World


def _events(client: TestClient, token: str, **headers: str) -> list[dict[str, Any]]:
    response = client.get("/events/stream?idle=0.4", headers={**bearer(token), **headers})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    found = []
    for block in response.text.split("\n\n"):
        lines = dict(
            line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
        )
        if "data" in lines:
            event = json.loads(lines["data"])
            assert int(lines["id"]) == event["id"] and lines["event"] == event["kind"]
            found.append(event)
    return found


def _hit_events(client: TestClient, token: str) -> list[dict[str, Any]]:
    return [e for e in _events(client, token) if e["kind"].startswith("hit.")]


def test_a_hit_reaches_each_party_and_resumes(client: TestClient, world: World) -> None:
    red = {
        "kind": "red",
        "crime_programme": "counter_terrorism",
        "purpose": "prosecution",
        "offences": [{"description": "terrorism", "law": "StGB § 89a", "max_penalty_months": 120}],
        "warrant": {"reference": "W-9", "date": "2026-02-01", "authority": "BGH"},
    }
    hit_id = person_hit(client, world, red)
    owner = _hit_events(client, world.ncb_b.token)  # it also hears of its notice's moves
    assert [(e["kind"], e["hit_id"], e["urgency"]) for e in owner] == [
        ("hit.new", hit_id, "urgent")
    ]
    checking = _events(client, world.ncb_a.token)
    officer = _events(client, world.frontline_a.token)
    centre = _hit_events(client, world.gs.token)  # and the command centre of the review
    assert [e["kind"] for e in checking + officer + centre] == ["hit.new"] * 3
    assert _events(client, world.ncb_c.token) == []  # a third country is not told
    client.post(
        f"/hits/{hit_id}/answer", json={"answer": "confirmed"}, headers=bearer(world.ncb_b.token)
    )
    resumed = _events(client, world.frontline_a.token, **{"Last-Event-ID": str(officer[-1]["id"])})
    assert [(e["kind"], e["status"]) for e in resumed] == [("hit.answered", "confirmed")]
    again = _events(client, world.frontline_a.token, **{"Last-Event-ID": str(resumed[-1]["id"])})
    assert again == []
    assert (
        client.get("/events/stream?idle=0.2", headers=bearer(world.partner_a.token)).status_code
        == 403
    )
