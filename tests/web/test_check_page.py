"""The check screen: one submit checks every database; a hit is a banner that cannot
be misread (the notice kind and the action), a miss says NO HIT, bad input is shown
against its field, and the form needs the session's token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from concord.api import create_app
from concord.domain.enums import Role
from concord.services import objects
from concord.store.kinds import VEHICLE
from tests.conftest import PASSWORD, World, make_actor
from tests.wanted import publish_red_notice
from tests.web.forms import csrf_of

VIN = "1M8GDM9AXKP042788"


@pytest.fixture
def officer(world: World) -> Iterator[TestClient]:
    """A French border officer logged in, once Germany's red notice is published and a
    stolen French car recorded (before the app starts: its indexes load them)."""
    store = world.store
    publish_red_notice(world)
    objects.create(
        store, world.ncb_a.principal, VEHICLE, {"vin": VIN, "status": "stolen", "make": "Peugeot"}
    )
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    app = create_app(settings=store.settings, store=store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        page = browser.get("/web/login")
        form = {"username": "border.cdg", "password": PASSWORD, "csrf": csrf_of(page.text)}
        assert browser.post("/web/login", data=form).status_code == 303
        yield browser


def _check(browser: TestClient, **fields: str) -> tuple[int, str]:
    page = browser.get("/web/check")
    assert page.status_code == 200
    answer = browser.post("/web/check", data={"csrf": csrf_of(page.text), **fields})
    return answer.status_code, answer.text


def _banner(html: str) -> str:
    found = re.search(r'<section class="banner (\w+)"', html)
    assert found, "no banner"
    return found.group(1)


def test_a_wanted_person_is_a_hit_with_the_action(officer: TestClient) -> None:
    status, html = _check(officer, name="BENALI, Karim", dob="1985-06-01")
    assert status == 200 and _banner(html) == "hit"
    assert "RED NOTICE" in html and "detain" in html
    assert "The owner country has been told" in html
    assert html.count('class="banner') == 1


def test_a_stolen_car_and_a_clean_name_in_one_submit(officer: TestClient) -> None:
    status, html = _check(officer, vin=VIN, name="Nobody Atall")
    assert status == 200 and _banner(html) == "hit"
    assert "Stolen vehicle" in html and "person: NO HIT" in html


def test_nothing_found_says_no_hit(officer: TestClient) -> None:
    status, html = _check(officer, name="Zebulon Quarrington", nationality="NZL")
    assert status == 200 and _banner(html) == "nohit" and "NO HIT" in html


def test_bad_input_is_shown_against_its_field(officer: TestClient) -> None:
    status, html = _check(officer, mrz="P<UTOERIKSSON<<ANNA<MARIA")
    assert status == 422 and 'id="mrz"' in html and 'aria-invalid="true"' in html
    assert "(mrz" in html
    status, html = _check(officer, doc_number="C01X00T47")
    assert status == 422 and "needs its number and its issuing country" in html
    status, html = _check(officer)
    assert status == 422 and "fill in at least one thing" in html


def test_the_form_needs_the_session_and_its_token(officer: TestClient, world: World) -> None:
    forged = officer.post("/web/check", data={"csrf": "forged", "name": "BENALI, Karim"})
    assert forged.status_code == 403 and "banner" not in forged.text
    app = create_app(settings=world.store.settings, store=world.store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as stranger:
        answer = stranger.post("/web/check", data={"name": "BENALI, Karim"})
        assert answer.status_code == 303 and answer.headers["location"] == "/web/login"


def test_fields_the_zone_filled_in_are_not_asked_twice(officer: TestClient) -> None:
    """The screen's script copies the zone's number, name and birth date into their
    fields; submitted with the zone, they add no second document or person query."""
    from concord.identifiers.mrz_format import format_td3

    zone = format_td3(
        document_code="P", issuing_state="DEU", surname="BENALI", given_names="KARIM",
        document_number="C01X00T47", nationality="DEU", birth_date="850601", sex="M",
        expiry_date="300101",
    )  # fmt: skip
    filled = {"doc_number": "C01X00T47", "doc_country": "DEU", "name": "BENALI, KARIM",
              "dob": "1985-06-01", "nationality": "DEU"}  # fmt: skip
    status, html = _check(officer, mrz=zone, **filled)
    assert status == 200 and _banner(html) == "hit"
    labels = re.findall(r'<section class="finding \w+">\s*<h2>([^:<]+):', html)
    assert labels == ["travel document (zone)", "holder of the document"]
    other = {**filled, "doc_number": "C01X00T48"}  # the officer typed another number
    _, html = _check(officer, mrz=zone, **other)
    labels = re.findall(r'<section class="finding \w+">\s*<h2>([^:<]+):', html)
    assert "travel document" in labels and len(labels) == 3
