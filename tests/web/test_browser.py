"""The web application in a real headless Chromium (Debian's, through Playwright):
an officer logs in and a check hits a red notice; an NCB officer logs in with the
authenticator's code. With CONCORD_SCREENSHOTS=1 the screens are saved to
docs/screens/ (the README shows them); otherwise to the test's folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from concord.domain.enums import Role
from concord.domain.principal import SYSTEM
from concord.services import users
from concord.store import Store
from tests.conftest import PASSWORD, World, make_actor
from tests.live_server import live_server
from tests.wanted import publish_red_notice

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screens"


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def _shots(tmp_path: Path) -> Path:
    where = DOCS if os.environ.get("CONCORD_SCREENSHOTS") == "1" else tmp_path / "screens"
    where.mkdir(parents=True, exist_ok=True)
    return where


def _log_in(page: Page, base: str, username: str, otp: str = "") -> None:
    page.goto(f"{base}/web/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    if otp:
        page.fill("#otp", otp)
    page.click("button[type=submit]")
    expect(page.locator(".account strong")).to_have_text(username)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_check_that_hits_and_a_log_in_with_the_second_factor(
    store: Store, world: World, browser: Browser, tmp_path: Path
) -> None:
    publish_red_notice(world)
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    secret = users.enrol_second_factor(store, SYSTEM, world.ncb_b.principal.user_id)["secret"]
    users.set_password(store, SYSTEM, world.ncb_b.principal.user_id, PASSWORD)
    shots = _shots(tmp_path)
    with live_server(store, tmp_path) as base_ip:
        base = base_ip.replace("127.0.0.1", "localhost")  # a secure context for its cookies
        officer = browser.new_context(viewport={"width": 1024, "height": 768})
        page = officer.new_page()
        page.goto(f"{base}/web/login")
        page.screenshot(path=str(shots / "login.png"))
        _log_in(page, base, "border.cdg")
        page.goto(f"{base}/web/check")
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
        ncb = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        ncb.goto(f"{base}/web/login")
        ncb.fill("#username", "ncb.deu")
        ncb.fill("#password", PASSWORD)
        ncb.click("button[type=submit]")
        expect(ncb.locator(".error")).to_contain_text("authenticator")
        _log_in(ncb, base, "ncb.deu", pyotp.TOTP(secret).now())
        ncb.screenshot(path=str(shots / "home-ncb.png"))
    assert (shots / "check-hit.png").stat().st_size > 10_000
