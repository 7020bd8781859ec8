"""Fixtures of the web application's tests: an HTTPS test client, a session opened
without the log-in form (argon2 and the authenticator are tested once, in
test_pages), and Debian's Chromium for the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from concord.api import create_app
from concord.domain.principal import Principal
from concord.store import Store
from concord.web import sessions

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def web(store: Store) -> Iterator[TestClient]:
    """An HTTPS client (Secure cookies are only sent over HTTPS), not following redirects."""
    app = create_app(settings=store.settings, store=store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def sign_in(client: TestClient, store: Store, principal: Principal) -> str:
    """Give ``client`` a live session of ``principal``; returns the session's CSRF token."""
    token, session = sessions.open_session(store, principal)
    client.cookies.set(sessions.COOKIE, token)
    return session.csrf


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()
