"""Helpers of the browser tests: log in through the form (with the authenticator's
code for staff), where screenshots go, a live server on localhost."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
from playwright.sync_api import Page, expect

from concord.domain.principal import SYSTEM, Principal
from concord.services import users
from concord.store import Store
from tests.conftest import PASSWORD
from tests.live_server import live_server

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screens"
TABLET = {"width": 1024, "height": 768}


def shots_dir(tmp_path: Path) -> Path:
    """docs/screens/ with CONCORD_SCREENSHOTS=1 (the README shows them), else the test's."""
    where = DOCS if os.environ.get("CONCORD_SCREENSHOTS") == "1" else tmp_path / "screens"
    where.mkdir(parents=True, exist_ok=True)
    return where


def staff_login(store: Store, principal: Principal) -> str:
    """Give a staff account a password and an authenticator; returns its TOTP secret."""
    users.set_password(store, SYSTEM, principal.user_id, PASSWORD)
    return str(users.enrol_second_factor(store, SYSTEM, principal.user_id)["secret"])


def log_in(page: Page, base: str, username: str, secret: str | None = None) -> None:
    """Through the log-in form; ``secret`` is the authenticator's (staff)."""
    page.goto(f"{base}/web/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    if secret:
        page.fill("#otp", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")  # not the language menu's button
    expect(page.locator(".account strong")).to_have_text(username)


@contextmanager
def served(store: Store, tmp_path: Path, **extra: str) -> Iterator[str]:
    """A real ``concord serve`` on the store, addressed as localhost (a secure context,
    so the browser keeps the Secure cookies)."""
    with live_server(store, tmp_path, **extra) as base:
        yield base.replace("127.0.0.1", "localhost")
