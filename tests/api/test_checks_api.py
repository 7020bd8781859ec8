"""Identifier checks through the API: hits, misses, access, partners, batches, hits list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from concord.identifiers.mrz import format_td3
from tests.api.conftest import bearer
from tests.conftest import World


def _report(client: TestClient, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/{path}", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    client.app.state.index.refresh()  # type: ignore[attr-defined]
    return dict(response.json())


def _check(
    client: TestClient, token: str, body: dict[str, Any], status: int = 200
) -> dict[str, Any]:
    response = client.post("/checks", json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    return dict(response.json())


STOLEN = {"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}


def test_stolen_passport_hits_from_another_country(client: TestClient, world: World) -> None:
    record = _report(client, world.ncb_b.token, "documents", STOLEN)
    answer = _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "c01x00t47", "issuing_country": "D"}},
    )
    assert answer["hit"] is True
    [match] = answer["matches"]
    assert (match["id"], match["owner"], match["status"], match["kind"]) == (
        record["id"],
        "DEU",
        "stolen",
        "document",
    )
    assert "NCB" in match["action"]
    assert match["record"]["number"] == "C01X00T47"


def test_look_alike_characters_and_separators_still_hit(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    for typed in ("C01 X00 T47", "C01-X00-T47", "CO1X0OT47", "С01Х00Т47"):  # the last in Cyrillic
        answer = _check(
            client,
            world.frontline_a.token,
            {"document": {"number": typed, "issuing_country": "DEU"}},
        )
        assert answer["hit"] is True, typed


def test_a_miss(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    answer = _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "C01X00T48", "issuing_country": "DEU"}},
    )
    assert answer == {
        "qid": None,
        "query": {
            "kind": "document",
            "number": "C01X00T48",
            "issuing_country": "DEU",
            "type": None,
        },
        "hit": False,
        "matches": [],
        "warnings": [],
    }
    other_state = _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "C01X00T47", "issuing_country": "FRA"}},
    )
    assert other_state["hit"] is False


def test_only_the_issuing_country_reports_a_document(client: TestClient, world: World) -> None:
    response = client.post("/documents", json=STOLEN, headers=bearer(world.ncb_a.token))
    assert response.status_code == 403
    response = client.post("/documents", json=STOLEN, headers=bearer(world.frontline_b.token))
    assert response.status_code == 403


def test_mrz_check_hits_and_returns_the_person(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", {**STOLEN, "number": "C01X00T47"})
    zone = format_td3(
        document_code="P",
        issuing_state="D",
        surname="MUSTERMANN",
        given_names="ERIKA",
        document_number="C01X00T47",
        nationality="D",
        birth_date="640812",
        sex="F",
        expiry_date="301031",
    )
    answer = _check(client, world.frontline_a.token, {"mrz": zone})
    assert answer["hit"] is True
    assert answer["person"]["family_names"] == "MUSTERMANN"
    assert answer["person"]["given_names"] == "ERIKA"
    assert answer["person"]["dob"] == "1964-08-12"
    assert answer["warnings"] == []


def test_mrz_with_a_failing_check_digit_is_still_checked_with_a_warning(
    client: TestClient, world: World
) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    zone = format_td3(
        document_code="P",
        issuing_state="D",
        surname="MUSTERMANN",
        given_names="ERIKA",
        document_number="C01X00T47",
        nationality="D",
        birth_date="640812",
        sex="F",
        expiry_date="301031",
    )
    line1, line2 = zone.splitlines()
    broken = line2[:9] + ("0" if line2[9] != "0" else "1") + line2[10:]
    answer = _check(client, world.frontline_a.token, {"mrz": f"{line1}\n{broken}"})
    assert answer["hit"] is True
    assert any("document number" in w for w in answer["warnings"])


def test_malformed_mrz_names_line_and_position(client: TestClient, world: World) -> None:
    response = client.post(
        "/checks", json={"mrz": "P<UTO\nL898"}, headers=bearer(world.frontline_a.token)
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "mrz" and "line" in error["message"]


def test_partner_gets_valid_or_not_and_nothing_else(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    stolen = _check(
        client,
        world.partner_a.token,
        {"qid": "PAX1", "document": {"number": "C01X00T47", "issuing_country": "DEU"}},
    )
    assert stolen == {"qid": "PAX1", "valid": False}
    clean = _check(
        client,
        world.partner_a.token,
        {"document": {"number": "C01X00T99", "issuing_country": "DEU"}},
    )
    assert clean == {"qid": None, "valid": True}
    _check(client, world.partner_a.token, {"vin": "1M8GDM9AXKP042788"}, status=403)


def test_restriction_applies_to_checks(client: TestClient, world: World) -> None:
    _report(
        client,
        world.ncb_b.token,
        "documents",
        {**STOLEN, "access": {"visibility": "except", "countries": ["FRA"]}},
    )
    assert (
        _check(
            client,
            world.frontline_a.token,
            {"document": {"number": "C01X00T47", "issuing_country": "DEU"}},
        )["hit"]
        is False
    )
    assert (
        _check(
            client,
            world.ncb_c.token,
            {"document": {"number": "C01X00T47", "issuing_country": "DEU"}},
        )["hit"]
        is True
    )


def test_record_past_its_review_date_is_out_of_checks(client: TestClient, world: World) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    _report(client, world.ncb_b.token, "documents", {**STOLEN, "review_date": yesterday})
    assert (
        _check(
            client,
            world.frontline_a.token,
            {"document": {"number": "C01X00T47", "issuing_country": "DEU"}},
        )["hit"]
        is False
    )


def test_stolen_blank_range(client: TestClient, world: World) -> None:
    _report(
        client,
        world.ncb_b.token,
        "blank-ranges",
        {"issuing_country": "DEU", "type": "passport", "first": "C01000000", "last": "C01000999"},
    )
    inside = _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "C01000500", "issuing_country": "DEU"}},
    )
    assert inside["hit"] is True and inside["matches"][0]["kind"] == "blank_range"
    for outside in ("C01001000", "C00999999", "X01000500"):
        answer = _check(
            client,
            world.frontline_a.token,
            {"document": {"number": outside, "issuing_country": "DEU"}},
        )
        assert answer["hit"] is False, outside


def test_vehicle_firearm_vessel_and_art(client: TestClient, world: World) -> None:
    _report(
        client,
        world.ncb_a.token,
        "vehicles",
        {
            "vin": "1M8GDM9AXKP042788",
            "plate": "AB-123-CD",
            "plate_country": "FR",
            "make": "Peugeot",
        },
    )
    _report(
        client,
        world.ncb_a.token,
        "firearms",
        {"make": "Glock GmbH", "serial": "BXR 123", "model": "17"},
    )
    _report(client, world.ncb_a.token, "vessels", {"imo": "IMO 9074729", "name": "Sea Star"})
    _report(
        client, world.ncb_a.token, "artworks", {"object_id": "FR-ART-0042", "title": "Nature morte"}
    )
    token = world.frontline_b.token
    assert _check(client, token, {"vin": "1m8gdm9axkp042788"})["hit"] is True
    assert _check(client, token, {"plate": {"number": "ab123cd", "country": "FRA"}})["hit"] is True
    assert _check(client, token, {"plate": {"number": "ab123cd", "country": "DEU"}})["hit"] is False
    assert _check(client, token, {"firearm": {"serial": "BXR123", "make": "GLOCK"}})["hit"] is True
    assert (
        _check(client, token, {"firearm": {"serial": "BXR123", "make": "Beretta"}})["hit"] is False
    )
    assert _check(client, token, {"imo": "9074729"})["hit"] is True
    assert _check(client, token, {"art": {"object_id": "fr art 0042"}})["hit"] is True


def test_vin_with_a_failing_check_digit_is_checked_with_a_warning(
    client: TestClient, world: World
) -> None:
    response = client.post(
        "/vehicles", json={"vin": "1M8GDM9A1KP042788"}, headers=bearer(world.ncb_a.token)
    )
    assert response.status_code == 201
    assert response.json()["warnings"]
    client.app.state.index.refresh()  # type: ignore[attr-defined]
    answer = _check(client, world.frontline_b.token, {"vin": "1M8GDM9A1KP042788"})
    assert answer["hit"] is True and answer["warnings"]


def test_batch_answers_every_row_in_order(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    items = [
        {"qid": "1", "document": {"number": "C01X00T47", "issuing_country": "DEU"}},
        {"qid": "2", "document": {"number": "L898902C3", "issuing_country": "ZZZ"}},
        {"qid": "3", "document": {"number": "C01X00T40", "issuing_country": "DEU"}},
        {"qid": "4", "vin": "1M8GDM9AXKP042788", "imo": "9074729"},
    ]
    response = client.post(
        "/checks/batch", json={"items": items}, headers=bearer(world.frontline_a.token)
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["qid"] for r in results] == ["1", "2", "3", "4"]
    assert [r["hit"] for r in results] == [True, False, False, False]
    assert results[1]["error"]["field"] == "document.issuing_country"
    assert results[3]["error"]["code"] == "invalid"


def test_hits_are_visible_to_owner_and_checker_only(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    answer = _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "C01X00T47", "issuing_country": "DEU"}},
    )
    hit_id = answer["matches"][0]["hit_id"]
    for actor in (world.ncb_a, world.ncb_b, world.frontline_a, world.gs):
        response = client.get(f"/hits/{hit_id}", headers=bearer(actor.token))
        assert response.status_code == 200, actor.principal
        assert response.json()["owner"] == "DEU" and response.json()["checking_country"] == "FRA"
    for actor in (world.ncb_c, world.frontline_b, world.ncb_suspended):
        assert client.get(f"/hits/{hit_id}", headers=bearer(actor.token)).status_code == 404
    listed = client.get("/hits", headers=bearer(world.ncb_b.token)).json()["items"]
    assert [h["id"] for h in listed] == [hit_id]


def test_every_check_is_audited(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "C01X00T47", "issuing_country": "DEU"}},
    )
    _check(
        client,
        world.frontline_a.token,
        {"document": {"number": "C01X00T11", "issuing_country": "DEU"}},
    )
    world.store.audit.flush()
    events = client.get("/audit/events?action=check", headers=bearer(world.ccf.token)).json()[
        "items"
    ]
    assert [e["outcome"] for e in events] == ["hit", "no_hit"]
    assert events[0]["details"]["keys"] == ["D|DEU|C01X00T47"]


def test_check_bad_input(client: TestClient, world: World) -> None:
    token = world.frontline_a.token
    cases = [
        ({}, None),
        ({"vin": "X", "imo": "9074729"}, "imo"),
        ({"document": {"number": "", "issuing_country": "DEU"}}, "document.number"),
        ({"document": {"number": "A1", "issuing_country": "QQQ"}}, "document.issuing_country"),
        (
            {"document": {"number": "A1", "issuing_country": "DEU", "type": "licence"}},
            "document.type",
        ),
        (
            {"document": {"number": "A1", "issuing_country": "DEU", "colour": "red"}},
            "document.colour",
        ),
        ({"plate": {"number": "AB1", "country": "QQ"}}, "plate.country"),
        ({"shoe": "42"}, "shoe"),
    ]
    for body, field in cases:
        response = client.post("/checks", json=body, headers=bearer(token))
        assert response.status_code == 422, (body, response.text)
        if field:
            assert response.json()["error"]["field"] == field, body
    assert (
        client.post(
            "/checks", json={"vin": "1M8GDM9AXKP042788"}, headers=bearer(world.ccf.token)
        ).status_code
        == 403
    )


def test_manifest_path_answers_like_the_general_path(client: TestClient, world: World) -> None:
    _report(client, world.ncb_b.token, "documents", STOLEN)
    _report(
        client,
        world.ncb_b.token,
        "blank-ranges",
        {"issuing_country": "DEU", "first": "C01000000", "last": "C01000999"},
    )
    numbers = ["C01X00T47", "c01-x00-t47", "C01000500", "C01001000", "Z1", "ÄÖ", "C01X00T47"]
    states = ["DEU", "D", "DEU", "DEU", "DEU", "DEU", "QQQ"]
    manifest = [
        {"qid": str(n), "document": {"number": number, "issuing_country": state}}
        for n, (number, state) in enumerate(zip(numbers, states, strict=True))
    ]
    mixed = [*manifest, {"qid": "vin", "vin": "1M8GDM9AXKP042788"}]
    headers = bearer(world.frontline_a.token)
    lean = client.post("/checks/batch", json={"items": manifest}, headers=headers).json()["results"]
    general = client.post("/checks/batch", json={"items": mixed}, headers=headers).json()[
        "results"
    ][:-1]

    def shape(answer: dict[str, Any]) -> tuple[Any, ...]:
        ids = [m["id"] for m in answer.get("matches", [])]
        return (answer["qid"], answer["hit"], ids, answer.get("query"), "error" in answer)

    assert [shape(a) for a in lean] == [shape(a) for a in general]
    assert [a["hit"] for a in lean] == [True, True, True, False, False, False, False]
