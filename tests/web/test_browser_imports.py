"""An NCB officer in a real Chromium: the own records list, a record's form refusing a
bad date at its field, then a bulk import followed live to its end and its reject file
downloaded. Screens: records-list.png, record-edit.png, import-progress.png."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from concord.domain.persons import PersonInput
from concord.services import objects, persons
from concord.store import Store
from concord.store.kinds import VEHICLE
from tests.conftest import World
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login
from tests.web.test_imports_pages import people_csv

ROWS = 300


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_records_and_a_bulk_import_in_the_browser(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    fra = world.ncb_a.principal
    for name, dob in (("Jean DUPONT", "1985-06-01"), ("Marie CURIEUX", "1990"),
                      ("Karim BENALI", "1979-03")):  # fmt: skip
        persons.create(store, fra, PersonInput.model_validate({"full_name": name, "dob": dob}))
    objects.create(store, fra, VEHICLE, {"vin": "1M8GDM9AXKP042788", "make": "Peugeot"})
    content, bad = people_csv(ROWS)
    upload = tmp_path / "ofac-people.csv"
    upload.write_bytes(content)
    secret = staff_login(store, fra)
    shots = shots_dir(tmp_path)
    refused: list[str] = []
    with served(store, tmp_path) as base:
        page = chromium.new_context(viewport=TABLET, accept_downloads=True).new_page()
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        log_in(page, base, "ncb.fra", secret)
        page.goto(f"{base}/web/records")
        expect(page.locator("table.records-list tbody tr")).to_have_count(3)
        page.screenshot(path=str(shots / "records-list.png"), full_page=True)

        page.click("text=Jean DUPONT")
        expect(page.locator("#full_name")).to_have_value("Jean DUPONT")
        page.fill("#dob", "1985-02-30")
        page.click("form.records-form button.primary")
        expect(page.locator("#dob-error")).to_contain_text("1985-02-30")
        expect(page.locator("#dob")).to_have_value("1985-02-30")  # kept as typed
        expect(page.locator("#dob")).to_be_focused()
        page.screenshot(path=str(shots / "record-edit.png"), full_page=True)
        page.fill("#dob", "1985-02-28")
        page.keyboard.press("Enter")
        expect(page.locator("p.ok")).to_have_text("The changes were saved.")

        page.goto(f"{base}/web/imports")
        page.select_option("#kind", "persons")
        page.set_input_files("#file", str(upload))
        page.click("text=Start the import")
        expect(page.locator('[data-field="state_text"]')).to_have_text("Done", timeout=60_000)
        expect(page.locator('[data-count="read"]')).to_have_text(str(ROWS + 4))
        expect(page.locator('[data-count="accepted"]')).to_have_text(str(ROWS))
        expect(page.locator('[data-count="rejected"]')).to_have_text("4")
        link = page.locator('[data-field="rejects"] a')
        expect(link).to_be_visible()
        page.screenshot(path=str(shots / "import-progress.png"), full_page=True)
        with page.expect_download() as downloaded:
            link.click()
        text = Path(downloaded.value.path()).read_text(encoding="utf-8")
        assert [(r["line"], r["field"]) for r in csv.DictReader(io.StringIO(text))] == bad
        page.goto(f"{base}/web/imports")
        expect(page.locator("table.list tbody tr")).to_have_count(1)
        expect(page.locator("table.list tbody tr .tag")).to_have_text("Done")
    assert refused == []
    assert len(persons.list_page(store, fra, owner="FRA", limit=500)[0]) == ROWS + 3
    assert (shots / "import-progress.png").stat().st_size > 10_000
