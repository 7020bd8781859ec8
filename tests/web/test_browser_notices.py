"""A notice request in a real headless Chromium: the French NCB drafts a red notice
whose offence trips the Article 3 (neutrality) rule, and the page says so as the
officer types, before anything is submitted; rewording the offence turns the rule
to passed; the request is submitted, and the General Secretariat's reviewer finds
it in the review queue. Screenshots: notice-draft.png (the rule flagged),
notice-timeline.png, review-queue.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from concord.store import Store
from tests.conftest import World
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login
from tests.web.notices_kit import french_person, notice_count

NEUTRALITY = 'li.rule[data-rule="art3.offence_character"]'


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_rules_answer_as_the_ncb_types_then_the_reviewer_sees_the_request(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    person = french_person(world)
    ncb_secret = staff_login(store, world.ncb_a.principal)
    gs_secret = staff_login(store, world.gs.principal)
    shots = shots_dir(tmp_path)
    with served(store, tmp_path) as base:
        page = chromium.new_context(viewport=TABLET).new_page()
        log_in(page, base, "ncb.fra", ncb_secret)
        page.goto(f"{base}/web/notices/new")
        expect(page.locator("#purpose")).to_be_hidden()  # red notices' fields, once red
        page.select_option("#kind", "red")
        expect(page.locator("#purpose")).to_be_visible()
        page.select_option("#subject_person", str(person))
        page.select_option("#crime_programme", "organized_emerging_crime")
        page.fill("#title", "Lyon jeweller")
        page.fill("#summary", "Arrested at a rally in Lyon in March 2026.")
        page.fill("#offence_0_description", "membership of an opposition party")
        page.fill("#offence_0_law", "Code pénal art. 431-1")
        page.fill("#offence_0_penalty", "36")
        expect(page.locator("#offence_1_description")).to_be_visible()  # a row to add another
        page.select_option("#purpose", "prosecution")
        page.fill("#warrant_reference", "MA-2026-118")
        page.fill("#warrant_date", "2026-02-03")
        page.fill("#warrant_authority", "Tribunal judiciaire de Lyon")
        rule = page.locator(NEUTRALITY)
        expect(rule).to_have_class("rule flag")  # live: nothing submitted yet
        expect(rule).to_contain_text("Flagged for review")
        expect(rule.locator(".concerns a")).to_have_text("Offence 1: description")
        expect(page.locator("#offence_0_description")).to_have_class("concerned")
        assert page.url.endswith("/web/notices/new") and notice_count(store) == 0
        page.mouse.wheel(0, -10_000)  # the page's top, the rules beside the form
        page.screenshot(path=str(shots / "notice-draft.png"), full_page=True)
        page.fill("#offence_0_description", "armed robbery with a firearm")
        page.fill("#summary", "Armed robbery of a jewellery shop in Lyon; two employees injured.")
        expect(rule).to_have_class("rule pass")
        expect(page.locator("#compliance .outcome")).to_have_class("outcome outcome-pass")
        expect(page.locator("#offence_0_description")).not_to_have_class("concerned")
        page.click("button[value=submit]")
        expect(page.locator("main .ok")).to_contain_text("Submitted")
        expect(page.locator(".timeline")).to_contain_text("Submitted for review")
        notice_id = page.url.split("/web/notices/")[1].split("?")[0]
        page.screenshot(path=str(shots / "notice-timeline.png"), full_page=True)
        reviewer = chromium.new_context(viewport=TABLET).new_page()
        log_in(reviewer, base, "gs.lyon", gs_secret)
        reviewer.goto(f"{base}/web/review")
        entry = reviewer.locator(f"#notice-{notice_id}")
        expect(entry).to_contain_text("Julien Marchetti")
        expect(entry.locator("a.move-publish")).to_be_visible()
        reviewer.screenshot(path=str(shots / "review-queue.png"), full_page=True)
    assert (shots / "notice-draft.png").stat().st_size > 10_000
