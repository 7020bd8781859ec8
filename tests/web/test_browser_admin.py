"""The administration pages in a real headless Chromium: the General Secretariat logs
in with its authenticator and reads the dashboard, the results, the audit log and the
members (changing a status with the keyboard alone), and creates an NCB account whose
QR code is shown once; an NCB creates a frontline officer. Screenshots go to
shots_dir (docs/screens/ with CONCORD_SCREENSHOTS=1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from concord.store import Store
from tests.conftest import World
from tests.results_world import Made, make_results
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login


@pytest.fixture
def made(world: World) -> Made:
    return make_results(world)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_secretariat_and_an_ncb_administer(
    store: Store, world: World, made: Made, chromium: Browser, tmp_path: Path
) -> None:
    gs_secret = staff_login(store, world.gs.principal)
    ncb_secret = staff_login(store, world.ncb_a.principal)
    store.audit.flush()
    shots = shots_dir(tmp_path)
    with served(store, tmp_path) as base:
        page = chromium.new_context(viewport=TABLET).new_page()
        log_in(page, base, "gs.lyon", gs_secret)
        page.goto(f"{base}/web/dashboard")
        expect(page.locator("#total-checks")).to_have_text("8")
        expect(page.locator("svg.chart")).to_have_count(6)
        page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
        page.click("text=Results of the last two weeks")
        expect(page.locator("#figure-arrests")).to_have_text("1")
        page.screenshot(path=str(shots / "results.png"), full_page=True)
        page.goto(f"{base}/web/audit")
        expect(page.locator("#chain")).to_contain_text("CHAIN VERIFIED")
        page.screenshot(path=str(shots / "audit-log.png"))
        page.goto(f"{base}/web/members/USA")
        page.focus("#new-status")
        page.select_option("#new-status", "suspended")
        page.keyboard.press("Tab")
        page.keyboard.type("Dues unpaid for two years")
        page.focus("#confirm")
        page.keyboard.press("Space")
        page.keyboard.press("Enter")  # submits the form from the checkbox
        expect(page.locator("p.ok")).to_contain_text("United States is now: suspended")
        page.screenshot(path=str(shots / "members.png"))
        page.goto(f"{base}/web/users")
        page.fill("#username", "ncb.marseille")
        page.select_option("#role", "ncb")
        page.fill("#country", "FRA")
        page.click("#create-user button[type=submit]")
        expect(page.locator("h1")).to_contain_text("ncb.marseille")
        qr = page.locator("img#qr")
        expect(qr).to_be_visible()
        assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
        assert page.evaluate("document.querySelector('img#qr').naturalWidth") > 100
        page.screenshot(path=str(shots / "users.png"), full_page=True)

        ncb = chromium.new_context(viewport=TABLET).new_page()
        log_in(ncb, base, "ncb.fra", ncb_secret)
        ncb.goto(f"{base}/web/users")
        expect(ncb.locator("#role option")).to_have_count(2)  # frontline and partner
        ncb.fill("#username", "border.marseille")
        ncb.click("#create-user button[type=submit]")
        expect(ncb.locator("#temporary-password")).to_be_visible()
        expect(ncb.locator("img#qr")).to_have_count(0)
    assert (shots / "dashboard.png").stat().st_size > 10_000
