"""An NCB's own records: the list shows its country's records only, the forms judge input
exactly as the API does (each error at its field, nothing written), edits and access
restrictions go through the services, deletion asks first, every form needs its token."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from concord.domain.persons import PersonInput
from concord.errors import NotFound
from concord.services import objects, persons
from concord.store import Store
from concord.store.kinds import VEHICLE
from tests.conftest import World
from tests.web.conftest import sign_in
from tests.web.forms import csrf_of

VIN = "1M8GDM9AXKP042788"


def _person(world: World, actor: str, name: str, **more: object) -> int:
    principal = getattr(world, actor).principal
    data = PersonInput.model_validate({"full_name": name, **more})
    return int(persons.create(world.store, principal, data)["id"])


def _count(store: Store, world: World) -> int:
    items, _ = persons.list_page(store, world.ncb_a.principal, owner="FRA", limit=500)
    return len(items)


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="error field-error" id="{field}-error">([^<]*)</p>', html)
    assert found, f"no error shown at {field}"
    return found.group(1)


def test_the_list_shows_the_own_country_only(web: TestClient, world: World) -> None:
    hidden = _person(
        world, "ncb_a", "Jean DUPONT", access={"visibility": "only", "countries": ["USA"]}
    )
    public = _person(world, "ncb_a", "Marie CURIEUX")
    _person(world, "ncb_b", "Hans MEIER")
    sign_in(web, world.store, world.ncb_b.principal)
    page = web.get("/web/records")
    assert page.status_code == 200
    assert "Hans MEIER" in page.text
    assert "Jean DUPONT" not in page.text and "Marie CURIEUX" not in page.text
    # Not DEU's: not found on these pages, whether DEU may read it elsewhere or not.
    for record_id in (hidden, public):
        answer = web.get(f"/web/records/persons/{record_id}")
        assert answer.status_code == 404 and "Jean DUPONT" not in answer.text
        assert web.get(f"/web/records/persons/{record_id}/delete").status_code == 404


def test_kinds_search_and_the_role_gate(web: TestClient, world: World) -> None:
    store = world.store
    objects.create(store, world.ncb_a.principal, VEHICLE, {"vin": VIN, "make": "Peugeot"})
    objects.create(store, world.ncb_a.principal, VEHICLE, {"plate": "AB-123-CD",
                                                           "plate_country": "FRA"})  # fmt: skip
    _person(world, "ncb_a", "Jean DUPONT")
    _person(world, "ncb_a", "Marie CURIEUX")
    sign_in(web, store, world.ncb_a.principal)
    vehicles = web.get("/web/records", params={"kind": "vehicles"})
    assert vehicles.status_code == 200 and VIN in vehicles.text and "AB-123-CD" in vehicles.text
    found = web.get("/web/records", params={"kind": "vehicles", "q": "1m8gdm"})
    assert VIN in found.text and "AB-123-CD" not in found.text
    named = web.get("/web/records", params={"kind": "persons", "q": "Marie"})
    assert "Marie CURIEUX" in named.text and "Jean DUPONT" not in named.text
    sign_in(web, store, world.frontline_a.principal)
    assert web.get("/web/records").status_code == 403


def test_a_bad_field_is_shown_there_and_nothing_is_written(web: TestClient, world: World) -> None:
    store = world.store
    sign_in(web, store, world.ncb_a.principal)
    csrf = csrf_of(web.get("/web/records/persons/new").text)
    typed = {"csrf": csrf, "full_name": "Jean DUPONT", "dob": "1985-13-45", "sex": "M",
             "identifiers": "passport, 12AB34567, FRA\nlicence, 99"}  # fmt: skip
    answer = web.post("/web/records/persons/new", data=typed)
    assert answer.status_code == 422
    assert "month" in _field_error(answer.text, "dob")
    assert _field_error(answer.text, "identifiers").startswith("line 2:")
    assert 'value="Jean DUPONT"' in answer.text and "licence, 99" in answer.text
    assert _count(store, world) == 0
    no_name = web.post("/web/records/persons/new", data={"csrf": csrf, "dob": "1985"})
    assert no_name.status_code == 422 and "needs full_name" in _field_error(
        no_name.text, "full_name"
    )
    restricted = web.post(
        "/web/records/persons/new",
        data={"csrf": csrf, "full_name": "Jean DUPONT", "visibility": "only", "countries": ""},
    )
    assert restricted.status_code == 422 and "needs a list" in _field_error(
        restricted.text, "countries"
    )
    year = web.post("/web/records/vehicles/new", data={"csrf": csrf, "vin": VIN, "year": "soon"})
    assert year.status_code == 422 and _field_error(year.text, "year") == "must be a year"
    other = web.post(
        "/web/records/documents/new",
        data={"csrf": csrf, "number": "C01X00T47", "issuing_country": "DEU", "status": "stolen"},
    )
    assert other.status_code == 403  # only the issuing state reports its documents
    items, _ = objects.list_page(store, world.ncb_a.principal, VEHICLE, owner="FRA")
    assert items == [] and _count(store, world) == 0


def test_create_edit_restrict_and_delete(web: TestClient, world: World) -> None:
    store = world.store
    sign_in(web, store, world.ncb_a.principal)
    csrf = csrf_of(web.get("/web/records/persons/new").text)
    made = web.post(
        "/web/records/persons/new",
        data={"csrf": csrf, "reference": "FR-1", "full_name": "Jean DUPONT", "dob": "1985-06",
              "nationalities": "FRA, DZA", "aliases": "fka: Jean DUPOND\nLe Grand",
              "identifiers": "passport, 12AB34567, FRA"},
    )  # fmt: skip
    assert made.status_code == 303
    location = made.headers["location"]
    record_id = int(re.search(r"/persons/(\d+)", location).group(1))  # type: ignore[union-attr]
    shown = web.get(location)
    assert shown.status_code == 200 and "The record was created." in shown.text
    assert "fka: Jean DUPOND" in shown.text and "passport, 12AB34567, FRA" in shown.text

    form = {"csrf": csrf, "reference": "FR-1", "full_name": "Jean DUPONT", "dob": "1985-06",
            "nationalities": "FRA DZA", "aliases": "fka: Jean DUPOND\nLe Grand",
            "identifiers": "passport, 12AB34567, FRA", "place_of_birth": "Oran"}  # fmt: skip
    assert web.post(location.split("?")[0], data=form).status_code == 303
    stored = persons.get(store, world.ncb_a.principal, record_id)
    assert stored["place_of_birth"] == "Oran" and stored["nationalities"] == ["FRA", "DZA"]
    assert [a["kind"] for a in stored["aliases"]] == ["fka", "aka"]

    restrict = {"csrf": csrf, "visibility": "only", "countries": "deu"}
    assert web.post(f"/web/records/persons/{record_id}/access", data=restrict).status_code == 303
    assert persons.get(store, world.ncb_b.principal, record_id)["full_name"] == "Jean DUPONT"
    with pytest.raises(NotFound):
        persons.get(store, world.ncb_c.principal, record_id)
    stored = persons.get(store, world.ncb_a.principal, record_id)
    assert stored["access"] == {"visibility": "only", "countries": ["DEU"]}
    assert stored["place_of_birth"] == "Oran"  # the content stays
    cleared = {"csrf": csrf, "visibility": "all", "countries": ""}
    assert web.post(f"/web/records/persons/{record_id}/access", data=cleared).status_code == 303
    assert persons.get(store, world.ncb_c.principal, record_id)["owner"] == "FRA"

    confirm = web.get(f"/web/records/persons/{record_id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    gone = web.post(f"/web/records/persons/{record_id}/delete", data={"csrf": csrf})
    assert gone.status_code == 303 and _count(store, world) == 0


def test_objects_edit_keeps_the_restriction(web: TestClient, world: World) -> None:
    store = world.store
    sign_in(web, store, world.ncb_a.principal)
    made = objects.create(
        store, world.ncb_a.principal, VEHICLE,
        {"vin": VIN, "make": "Peugeot", "access": {"visibility": "except", "countries": ["DEU"]}},
    )  # fmt: skip
    page = web.get(f"/web/records/vehicles/{made['id']}")
    assert page.status_code == 200 and 'value="Peugeot"' in page.text
    csrf = csrf_of(page.text)
    edited = web.post(
        f"/web/records/vehicles/{made['id']}",
        data={"csrf": csrf, "vin": VIN, "make": "Peugeot", "model": "308", "year": "2019"},
    )
    assert edited.status_code == 303
    stored = objects.get(store, world.ncb_a.principal, VEHICLE, made["id"])
    assert (stored["model"], stored["year"]) == ("308", 2019)
    assert stored["access"] == {"visibility": "except", "countries": ["DEU"]}


def test_forms_need_the_session_token(web: TestClient, world: World) -> None:
    store = world.store
    record_id = _person(world, "ncb_a", "Jean DUPONT")
    sign_in(web, store, world.ncb_a.principal)
    refused = web.post("/web/records/persons/new", data={"full_name": "Marie CURIEUX"})
    assert refused.status_code == 403 and _count(store, world) == 1
    wrong = {"csrf": "forged", "visibility": "owner"}
    assert web.post(f"/web/records/persons/{record_id}/access", data=wrong).status_code == 403
    assert web.post(f"/web/records/persons/{record_id}/delete", data={}).status_code == 403
    stored = persons.get(store, world.ncb_a.principal, record_id)
    assert stored["access"] == {"visibility": "all", "countries": []}


def test_a_warning_of_the_service_is_shown_with_the_saved_record(
    web: TestClient, world: World
) -> None:
    sign_in(web, world.store, world.ncb_a.principal)
    csrf = csrf_of(web.get("/web/records/vehicles/new").text)
    wrong_digit = VIN[:8] + "Y" + VIN[9:]
    answer = web.post("/web/records/vehicles/new", data={"csrf": csrf, "vin": wrong_digit})
    assert answer.status_code == 200 and "vin check digit is Y" in answer.text
    items, _ = objects.list_page(world.store, world.ncb_a.principal, VEHICLE, owner="FRA")
    assert [i["vin"] for i in items] == [wrong_digit]
