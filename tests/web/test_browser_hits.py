"""A hit's life in real browsers, live: a French border officer's check of a passport
zone hits Germany's red notice; Germany's NCB, logged in with the second factor in
another browser, sees the hit arrive in its queue without reloading and confirms it
in two clicks; the officer's page then says CONFIRMED, still without a reload. The
General Secretariat's command centre lists the missed deadline first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from concord.domain.enums import Role
from concord.identifiers.mrz_format import format_td3
from concord.services.hit_workflow import open_hit
from concord.store import Store
from tests.conftest import PASSWORD, World, make_actor
from tests.wanted import publish_red_notice
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login

# The passport of the red notice's subject (Karim Benali, born 1985-06-01).
ZONE = format_td3(
    document_code="P", issuing_state="FRA", surname="BENALI", given_names="KARIM",
    document_number="18FR00412", nationality="FRA", birth_date="850601", sex="M",
    expiry_date="310101",
)  # fmt: skip


def _missed_deadline(world: World) -> int:
    """A hit on a German car, found ten hours ago and never answered."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=10)
    with world.store.write() as conn:
        return open_hit(
            conn, world.store.settings, world.frontline_a.principal, kind="vehicle",
            record={"id": 99, "owner": "DEU"}, query={"vin": "WVWZZZ1JZXW000001"},
            notice=None, at=at,
        )  # fmt: skip


def _mark(page: Page) -> None:
    """A value that only survives as long as the page is not reloaded."""
    page.evaluate("window.concordTestMark = 'not reloaded'")


def _still_marked(page: Page) -> bool:
    return bool(page.evaluate("window.concordTestMark === 'not reloaded'"))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_hit_is_confirmed_live(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    publish_red_notice(world)
    missed = _missed_deadline(world)
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    ncb_secret = staff_login(store, world.ncb_b.principal)
    gs_secret = staff_login(store, world.gs.principal)
    shots = shots_dir(tmp_path)
    with served(store, tmp_path) as base:
        ncb = chromium.new_context(viewport=TABLET).new_page()
        log_in(ncb, base, "ncb.deu", ncb_secret)
        ncb.goto(f"{base}/web/hits")
        expect(ncb.locator(".live-state")).to_have_attribute("data-state", "open")
        expect(ncb.locator("#hits-ours tr[data-hit]")).to_have_count(1)
        _mark(ncb)

        officer = chromium.new_context(viewport=TABLET).new_page()
        log_in(officer, base, "border.cdg")
        officer.goto(f"{base}/web/check")
        officer.fill("#mrz", ZONE)
        officer.click("form.check button[type=submit]")
        expect(officer.locator(".banner")).to_have_class("banner hit")
        status = officer.locator(".hit-status").first
        expect(status).to_contain_text("Waiting for the owner country (DEU), answer due")
        _mark(officer)
        hit_id = status.get_attribute("data-hit-status")

        row = ncb.locator(f"#hit-{hit_id}")
        expect(row).to_be_visible()  # arrived by the event stream
        expect(ncb.locator("#hits-ours tr[data-hit]").first).to_have_id(f"hit-{missed}")
        expect(row.locator("button.confirm")).to_be_hidden()  # folded: two clicks
        row.locator("button.decide").click()
        expect(row.locator("button.deny")).to_be_visible()
        ncb.screenshot(path=str(shots / "hits-queue.png"), full_page=True)
        row.locator("button.confirm").click()
        expect(ncb.locator("#hits-said")).to_contain_text(f"Hit {hit_id} confirmed")
        expect(row.locator(".tag.status")).to_have_text("CONFIRMED")
        expect(row.locator("form.resolve select")).to_be_visible()

        expect(status).to_contain_text("CONFIRMED by DEU — act on the notice")
        expect(status).to_have_class("hit-status confirmed")
        officer.screenshot(path=str(shots / "check-hit-confirmed.png"), full_page=True)
        assert _still_marked(ncb) and _still_marked(officer)

        centre = chromium.new_context(viewport=TABLET).new_page()
        log_in(centre, base, "gs.lyon", gs_secret)
        centre.goto(f"{base}/web/command-centre")
        rows = centre.locator("#hits-centre tr[data-hit]")
        expect(rows).to_have_count(2)
        expect(rows.first).to_have_id(f"hit-{missed}")
        expect(rows.first.locator(".tag.late")).to_be_visible()
        expect(centre.locator(f"#hit-{hit_id} .tag.status")).to_have_text("CONFIRMED")
        centre.screenshot(path=str(shots / "command-centre.png"), full_page=True)
    for name in ("hits-queue.png", "check-hit-confirmed.png", "command-centre.png"):
        assert (shots / name).stat().st_size > 10_000
