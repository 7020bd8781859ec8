"""Notices through the API: the request, the review and the answers to bad moves."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World

RED: dict[str, Any] = {
    "kind": "red",
    "crime_programme": "counter_terrorism",
    "summary": "Financed the bombing of a train station.",
    "purpose": "prosecution",
    "offences": [
        {"description": "financing of terrorism", "law": "StGB § 89c", "max_penalty_months": 120}
    ],
    "warrant": {"reference": "BGH-1-2026", "date": "2026-02-01", "authority": "BGH"},
}


def _post(client: TestClient, token: str, path: str, body: Any = None) -> Any:
    return client.post(path, json=body, headers=bearer(token))


def _draft(client: TestClient, world: World) -> int:
    person = _post(
        client,
        world.ncb_b.token,
        "/persons",
        {"full_name": "Karim Benali", "dob": "1985-06-01", "nationalities": ["DZ"]},
    )
    assert person.status_code == 201, person.text
    body = {**RED, "subject": {"kind": "person", "id": person.json()["id"]}}
    created = _post(client, world.ncb_b.token, "/notices", body)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_request_review_publish_and_read(client: TestClient, world: World) -> None:
    notice_id = _draft(client, world)
    compliance = client.get(f"/notices/{notice_id}/compliance", headers=bearer(world.ncb_b.token))
    assert compliance.status_code == 200 and compliance.json()["outcome"] == "pass"
    submitted = _post(client, world.ncb_b.token, f"/notices/{notice_id}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "under_review"
    queue = client.get("/review/notices", headers=bearer(world.gs.token)).json()["items"]
    assert [n["id"] for n in queue] == [notice_id]
    published = _post(client, world.gs.token, f"/notices/{notice_id}/publish", {})
    assert published.status_code == 200 and published.json()["state"] == "published"
    seen = client.get(f"/notices/{notice_id}", headers=bearer(world.frontline_a.token))
    assert seen.status_code == 200 and seen.json()["action"].startswith("locate")
    listed = client.get("/notices?state=published", headers=bearer(world.ncb_c.token)).json()
    assert [n["id"] for n in listed["items"]] == [notice_id]


def test_bad_moves_are_4xx_and_change_nothing(client: TestClient, world: World) -> None:
    notice_id = _draft(client, world)
    cases = [
        (world.gs.token, "publish", None, 409, "state"),
        (world.frontline_a.token, "cancel", {"reason": "x"}, 404, "id"),  # cannot see a draft
        (world.ncb_b.token, "dance", None, 422, "move"),
        (world.ncb_b.token, "expire", None, 422, "move"),
        (world.ncb_b.token, "submit", {"reason": 5}, 422, "reason"),
        (world.ncb_b.token, "submit", {"colour": "red"}, 422, "colour"),
    ]
    for token, move, body, status, field in cases:
        answer = _post(client, token, f"/notices/{notice_id}/{move}", body)
        assert answer.status_code == status, (move, answer.text)
        assert answer.json()["error"]["field"] == field, (move, answer.text)
    _post(client, world.ncb_b.token, f"/notices/{notice_id}/submit")
    _post(client, world.gs.token, f"/notices/{notice_id}/publish")
    frontline = _post(
        client, world.frontline_a.token, f"/notices/{notice_id}/cancel", {"reason": "x"}
    )
    assert frontline.status_code == 403
    state = client.get(f"/notices/{notice_id}", headers=bearer(world.gs.token)).json()["state"]
    assert state == "published"


def test_a_failing_request_answers_the_whole_report(client: TestClient, world: World) -> None:
    notice_id = _draft(client, world)
    body = client.get(f"/notices/{notice_id}", headers=bearer(world.ncb_b.token)).json()
    request = {
        "kind": "red",
        "subject": body["subject"],
        "crime_programme": "counter_terrorism",
        "purpose": "prosecution",
        "offences": [{"description": "unpaid debt", "law": "Civil Code", "max_penalty_months": 6}],
    }
    edited = client.put(f"/notices/{notice_id}", json=request, headers=bearer(world.ncb_b.token))
    assert edited.status_code == 200, edited.text
    failed = _post(client, world.ncb_b.token, f"/notices/{notice_id}/submit")
    assert failed.status_code == 422
    error = failed.json()["error"]
    assert error["code"] == "compliance_failed" and error["field"] == "compliance"
    outcomes = {r["rule"]: r["outcome"] for r in error["details"]["results"]}
    assert "fail" in outcomes.values() and error["details"]["rules_version"]
    state = client.get(f"/notices/{notice_id}", headers=bearer(world.ncb_b.token)).json()["state"]
    assert state == "draft"


def test_bad_requests_name_the_field(client: TestClient, world: World) -> None:
    token = world.ncb_b.token
    cases = [
        ({"kind": "pink", "subject": {"id": 1}}, "kind"),
        ({"kind": "red", "subject": {"id": 0}}, "subject.id"),
        ({"kind": "red", "subject": {"kind": "vehicle", "id": 1}}, "subject.kind"),
        ({"kind": "yellow", "subject": {"id": 1}, "purpose": "prosecution"}, "purpose"),
        ({"kind": "red", "subject": {"id": 1}, "offences": [{"description": ""}]}, None),
        ({"kind": "red", "subject": {"id": 99999}}, "subject.id"),
    ]
    for body, field in cases:
        answer = _post(client, token, "/notices", body)
        assert 400 <= answer.status_code < 500, (body, answer.text)
        if field is not None:
            assert answer.json()["error"]["field"] == field, (body, answer.text)
    assert client.get("/notices/0", headers=bearer(token)).status_code == 422
    assert client.get("/notices/12345", headers=bearer(token)).status_code == 404
    assert client.get("/review/notices", headers=bearer(token)).status_code == 403


def test_an_object_check_names_the_notice_about_it(client: TestClient, world: World) -> None:
    firearm = client.post(
        "/firearms",
        json={"make": "Glock GmbH", "serial": "BXR 777", "model": "19"},
        headers=bearer(world.ncb_b.token),
    )
    assert firearm.status_code == 201, firearm.text
    request = {
        "kind": "purple",
        "crime_programme": "organized_emerging_crime",
        "summary": "Pistols converted from blank-firing models, serials ground off.",
        "subject": {"kind": "firearm", "id": firearm.json()["id"]},
    }
    created = _post(client, world.ncb_b.token, "/notices", request)
    assert created.status_code == 201, created.text
    notice_id = created.json()["id"]
    query = {"firearm": {"serial": "BXR777", "make": "GLOCK"}}
    deadline = time.monotonic() + 15  # the identifier index follows the change log
    while not (before := _post(client, world.frontline_a.token, "/checks", query).json())["hit"]:
        assert time.monotonic() < deadline, before
        time.sleep(0.05)
    assert before["matches"][0]["notices"] == []
    _post(client, world.ncb_b.token, f"/notices/{notice_id}/submit")
    assert _post(client, world.gs.token, f"/notices/{notice_id}/publish").status_code == 200
    after = _post(client, world.frontline_a.token, "/checks", query).json()
    (notice,) = after["matches"][0]["notices"]
    assert notice["id"] == notice_id and notice["kind"] == "purple"
    assert notice["action"].startswith("a modus operandi")


def test_public_extracts_need_no_account(client: TestClient, world: World) -> None:
    notice_id = _draft(client, world)
    body = client.get(f"/notices/{notice_id}", headers=bearer(world.ncb_b.token)).json()
    request = {**RED, "subject": body["subject"], "public_extract": True}
    assert client.put(f"/notices/{notice_id}", json=request, headers=bearer(world.ncb_b.token))
    _post(client, world.ncb_b.token, f"/notices/{notice_id}/submit")
    _post(client, world.gs.token, f"/notices/{notice_id}/publish")
    listed = client.get("/public/notices?name=benali&resultPerPage=5")
    assert listed.status_code == 200, listed.text
    (extract,) = listed.json()["_embedded"]["notices"]
    assert extract["forename"] == "KARIM" and extract["name"] == "BENALI"
    detail = client.get(extract["_links"]["self"]["href"])
    assert detail.status_code == 200
    assert detail.json()["arrest_warrants"][0]["issuing_country_id"] == "DE"
    assert client.get("/public/notices?sexId=Q").json()["error"]["field"] == "sexId"
    assert client.get("/public/notices?resultPerPage=1000").status_code == 422
    assert client.get("/public/notices/2026-999999").status_code == 404
