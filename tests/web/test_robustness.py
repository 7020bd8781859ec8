"""No page answers a 500: every route of the web application, as every role, with
path parameters that do not exist or are not numbers, junk in the query string and
junk forms (carrying the session's CSRF token, so they reach the page's code)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from concord.api import create_app
from concord.web import routers
from tests.conftest import World
from tests.wanted import publish_red_notice
from tests.web.conftest import sign_in

ODD_VALUES = ("0", "-1", "abc", "99999999999999999999999", "%00", "x" * 300)
JUNK_QUERY = {"kind": "nonsense", "q": "' OR 1=1 --", "cursor": "not-a-cursor",
              "state": "??", "page": "-3", "before": "x", "since": "2026-13-45",
              "box": "elsewhere", "after": "-1", "lang": "zz"}  # fmt: skip
JUNK_FORM = {"kind": "spaceship", "full_name": "", "dob": "31/02/1999", "answer": "maybe",
             "resolution": "vanished", "role": "emperor", "country": "ZZZ", "status": "??",
             "reason": "", "visibility": "sideways", "countries": "XX YY",
             "offences-0-description": "x" * 5000, "number": "", "confirm": "yes"}  # fmt: skip
SKIP = {"/web/events", "/web/logout"}  # a stream (tested with its end); the end of the session


def _web_routes() -> list[Route]:
    return [
        r for router in routers() for r in router.routes
        if isinstance(r, Route) and r.path not in SKIP
    ]  # fmt: skip


def _paths(route: Route) -> list[str]:
    names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
    if not names:
        return [route.path]
    paths = []
    for value in ODD_VALUES:
        path = route.path
        for name in names:
            path = re.sub(r"{" + name + r"(?::\w+)?}", value, path)
        paths.append(path)
    return paths


@pytest.fixture
def web(world: World) -> Iterator[TestClient]:
    """Like the shared client, but a crash is answered 500 (and reported) instead of
    raised in the test, so one run lists every page that fails."""
    publish_red_notice(world)
    app = create_app(settings=world.store.settings, store=world.store)
    with TestClient(
        app, base_url="https://testserver", follow_redirects=False,
        raise_server_exceptions=False,
    ) as client:  # fmt: skip
        yield client


@pytest.mark.parametrize("role", ["frontline_a", "ncb_a", "gs", "ccf"])
def test_no_page_answers_a_server_error(web: TestClient, world: World, role: str) -> None:
    client = web
    csrf = sign_in(client, world.store, getattr(world, role).principal)
    failures = []
    tried = 0
    for route in _web_routes():
        for path in _paths(route):
            for method in sorted(route.methods or ()):
                if method == "HEAD":
                    continue
                if method == "GET":
                    answer = client.get(path, params=JUNK_QUERY)
                else:
                    answer = client.post(
                        path, data={**JUNK_FORM, "csrf": csrf}, headers={"X-CSRF-Token": csrf}
                    )
                tried += 1
                if answer.status_code >= 500:
                    failures.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
    assert tried > 100
    assert not failures, "\n".join(failures)
