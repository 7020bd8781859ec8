"""The web application in a real headless Chromium (Debian's, through Playwright):
an officer logs in and a check hits a red notice; an NCB officer logs in with the
authenticator's code. With CONCORD_SCREENSHOTS=1 the screens are saved to
docs/screens/ (the README shows them); otherwise to the test's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from concord.domain.enums import Role
from concord.store import Store
from tests.conftest import PASSWORD, World, make_actor
from tests.wanted import publish_red_notice
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login

ZONE = "P<DEUBENALI<<KARIM<<<<<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478DEU8506014M3001019<<<<<<<<<<<<<<<6"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_check_that_hits_and_a_log_in_with_the_second_factor(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    publish_red_notice(world)
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    secret = staff_login(store, world.ncb_b.principal)
    shots = shots_dir(tmp_path)
    with served(store, tmp_path) as base:
        officer = chromium.new_context(viewport=TABLET)
        page = officer.new_page()
        page.goto(f"{base}/web/login")
        page.screenshot(path=str(shots / "login.png"))
        log_in(page, base, "border.cdg")
        page.goto(f"{base}/web/check")
        line1, line2 = ZONE.split("\n")
        page.focus("#mrz")  # typed as a scanner types: the panel follows each key
        page.keyboard.type(f"{line1}\n{line2[:19]}3{line2[20:]}")
        expect(page.locator("#mrz-read .mrz-bad").first).to_contain_text(
            "date of birth fails: line 2, position 20 reads 3, it should be 4"
        )
        expect(page.locator("#mrz-read mark").first).to_have_text("3")
        page.screenshot(path=str(shots / "check-mrz.png"))
        page.fill("#mrz", ZONE)
        expect(page.locator("#mrz-read .mrz-good")).to_contain_text("every check digit is right")
        expect(page.locator("#name")).to_have_value("BENALI, KARIM")
        expect(page.locator("#dob")).to_have_value("1985-06-01")
        page.fill("#mrz", "")
        for field in ("#doc_number", "#doc_country", "#name", "#dob", "#nationality"):
            page.fill(field, "")
        page.fill("#name", "BENALI, Karim")
        page.fill("#dob", "1985-06-01")
        page.keyboard.press("Enter")  # the keyboard alone submits
        banner = page.locator(".banner")
        expect(banner).to_have_class("banner hit")
        expect(banner).to_contain_text("HIT · RED NOTICE")
        expect(banner).to_contain_text("detain")
        page.screenshot(path=str(shots / "check-hit.png"), full_page=True)
        page.fill("#name", "Zebulon Quarrington")
        page.fill("#dob", "")
        page.keyboard.press("Enter")
        expect(page.locator(".banner")).to_have_class("banner nohit")
        page.screenshot(path=str(shots / "check-no-hit.png"))
        ncb = chromium.new_context(viewport=TABLET).new_page()
        ncb.goto(f"{base}/web/login")
        ncb.fill("#username", "ncb.deu")
        ncb.fill("#password", PASSWORD)
        ncb.click("main button[type=submit]")
        expect(ncb.locator(".error")).to_contain_text("authenticator")
        log_in(ncb, base, "ncb.deu", secret)
        ncb.screenshot(path=str(shots / "home-ncb.png"))
    assert (shots / "check-hit.png").stat().st_size > 10_000
