"""Usable at a counter and at a desk: every screen of every role, in a real Chromium at
tablet size, has text that stands out from its background even in bright light (WCAG
AAA contrast, 7:1), no sideways scrolling, a label on every field, and every control
reachable and visibly focused with the Tab key alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from concord.domain.enums import Role
from concord.store import Store
from concord.web.i18n import catalogue
from tests.conftest import PASSWORD, World, make_actor
from tests.wanted import publish_red_notice
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login

AUDIT = (Path(__file__).parent / "page_audit.js").read_text()
ZONE = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const shown = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
    || style.boxShadow !== "none";
  return {tag: el.tagName, text: (el.textContent || el.name || "").trim().slice(0, 30), shown};
}"""


def _menu(page: Page) -> list[str]:
    return [str(a.get_attribute("href")) for a in page.locator("nav.menu a").all()]


def _audit(page: Page, url: str) -> list[str]:
    """What is wrong with the screen at ``url`` (nothing, when it is usable)."""
    page.goto(url)
    found: dict[str, Any] = page.evaluate(AUDIT)
    problems = [f"{url}: low contrast {c}" for c in found["contrast"]]
    problems += [f"{url}: no key reaches {e}" for e in found["unreachable"]]
    problems += [f"{url}: no label on {e}" for e in found["unlabelled"]]
    if found["overflow"] > 0:
        problems.append(f"{url}: {found['overflow']} px wider than a tablet")
    page.locator("body").focus()
    for _ in range(min(int(found["focusable"]), 40)):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SHOWN)
        if focused and not focused["shown"]:
            problems.append(f"{url}: focus not visible on {focused['tag']} {focused['text']!r}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_screen_of_every_role_is_usable(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    publish_red_notice(world)
    make_actor(store, "border.cdg", Role.FRONTLINE, "FRA", PASSWORD)
    accounts = [
        ("border.cdg", None),
        ("ncb.deu", staff_login(store, world.ncb_b.principal)),
        ("gs.lyon", staff_login(store, world.gs.principal)),
        ("ccf.one", staff_login(store, world.ccf.principal)),
    ]
    problems: list[str] = []
    visited = 0
    with served(store, tmp_path) as base:
        for username, secret in accounts:
            page = chromium.new_context(viewport=TABLET).new_page()
            log_in(page, base, username, secret)
            screens = ["/web/home", *_menu(page)]
            for path in screens:
                problems += _audit(page, f"{base}{path}")
                visited += 1
            if username == "border.cdg":
                _in_arabic(page, base, shots_dir(tmp_path))
                problems += _audit(page, f"{base}/web/check")
            page.context.close()
    assert visited >= 12  # every role's menu was walked
    assert not problems, "\n".join(problems)


def _in_arabic(page: Page, base: str, shots: Path) -> None:
    """Chosen from the language menu with the keyboard: the page turns right to left,
    the machine-readable zone stays left to right (its '<' fillers must not flip)."""
    page.goto(f"{base}/web/check")
    page.focus("#lang")
    page.select_option("#lang", "ar")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("button.primary")).to_have_text(catalogue("ar")("check_button"))
    page.fill("#mrz", ZONE)
    assert page.eval_on_selector("#mrz", "el => getComputedStyle(el).direction") == "ltr"
    expect(page.locator("#mrz-read .mrz-good")).to_be_visible()
    page.screenshot(path=str(shots / "check-ar.png"))
