"""The hits pages: an NCB's queue of hits on its own data (and no one else's), the
answer and the resolution through plain forms and through the page's script, the
command centre's missed deadlines first, the check screen's status of a hit for the
officer who checked, and the session's event stream."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from concord.api import create_app, event_stream
from concord.domain.principal import Principal
from concord.services import hits as hits_service
from concord.services.hit_workflow import open_hit
from concord.store import Store
from concord.web import live
from tests.conftest import World
from tests.wanted import publish_red_notice
from tests.web.conftest import sign_in
from tests.web.forms import csrf_of

VIN = "1M8GDM9AXKP042788"


def _hit(
    store: Store,
    checker: Principal,
    owner: str,
    *,
    minutes_ago: float = 0,
    notice_kind: str | None = None,
    vin: str = VIN,
) -> int:
    """A vehicle hit of ``checker``'s check on a record of ``owner``, found
    ``minutes_ago`` (past its deadline when that is longer than the deadline)."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    notice = {"id": 1, "kind": notice_kind} if notice_kind else None
    with store.write() as conn:
        return open_hit(
            conn, store.settings, checker, kind="vehicle", record={"id": 7, "owner": owner},
            query={"qid": None, "vin": vin}, notice=notice, at=at,
        )  # fmt: skip


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="hit-(\d+)"', html)]


def _tbody(html: str, body_id: str) -> str:
    found = re.search(rf'<tbody id="{body_id}">(.*?)</tbody>', html, re.S)
    assert found, f"no {body_id}"
    return found.group(1)


def _status(world: World, hit_id: int) -> str:
    return str(hits_service.get_hit(world.store, world.gs.principal, hit_id)["status"])


def test_the_queue_shows_the_ncbs_own_hits_only(web: TestClient, world: World) -> None:
    on_fra = _hit(world.store, world.frontline_b.principal, "FRA")  # DEU checked a FRA car
    on_deu = _hit(world.store, world.frontline_a.principal, "DEU", vin="WVWZZZ1JZXW000001")
    elsewhere = _hit(world.store, world.ncb_c.principal, "DEU", vin="JH4KA7650MC000000")
    sign_in(web, world.store, world.ncb_a.principal)
    page = web.get("/web/hits")
    assert page.status_code == 200
    assert _rows(_tbody(page.text, "hits-ours")) == [on_fra]
    assert _rows(_tbody(page.text, "hits-by-us")) == [on_deu]  # FRA's officer checked it
    assert f"hit-{elsewhere}" not in page.text
    assert "DEU" in _tbody(page.text, "hits-ours") and f"vin {VIN}" in page.text
    assert f'action="/web/hits/{on_fra}/answer"' in page.text
    assert f'action="/web/hits/{on_deu}/answer"' not in page.text  # DEU answers that one
    rows = web.get("/web/hits/rows")
    assert rows.status_code == 200 and _rows(rows.text) == [on_fra, on_deu]
    assert "<html" not in rows.text  # a fragment the page swaps in


def test_missed_deadlines_come_first_and_are_marked(web: TestClient, world: World) -> None:
    fresh = _hit(world.store, world.frontline_b.principal, "FRA")
    overdue = _hit(world.store, world.frontline_b.principal, "FRA", minutes_ago=600, vin="X1")
    sign_in(web, world.store, world.ncb_a.principal)
    ours = _tbody(web.get("/web/hits").text, "hits-ours")
    assert _rows(ours) == [overdue, fresh]
    late_row = re.search(rf'<tr id="hit-{overdue}".*?</tr>', ours, re.S)
    fresh_row = re.search(rf'<tr id="hit-{fresh}".*?</tr>', ours, re.S)
    assert late_row and 'class="tag late"' in late_row.group(0)
    assert fresh_row and 'class="tag late"' not in fresh_row.group(0)


def test_the_queue_is_the_ncbs(web: TestClient, world: World) -> None:
    assert web.get("/web/hits").status_code == 303  # no session: to the log-in page
    sign_in(web, world.store, world.frontline_a.principal)
    assert web.get("/web/hits").status_code == 403
    assert web.get("/web/hits/rows").status_code == 403
    assert web.get("/web/command-centre").status_code == 403
    sign_in(web, world.store, world.ncb_suspended.principal)  # a suspended member's NCB
    refused = web.get("/web/hits")
    assert refused.status_code == 403 and "not allowed to see hits" in refused.text
    assert web.get("/web/hits/rows").status_code == 403


def test_answering_with_the_plain_form(web: TestClient, world: World) -> None:
    hit_id = _hit(world.store, world.frontline_b.principal, "FRA")
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    refused = web.post(f"/web/hits/{hit_id}/answer", data={"answer": "confirmed"})
    assert refused.status_code == 403 and _status(world, hit_id) == "new"  # no token
    wrong = web.post(f"/web/hits/{hit_id}/answer", data={"answer": "maybe", "csrf": csrf})
    assert wrong.status_code == 422 and "answer" in wrong.text
    done = web.post(f"/web/hits/{hit_id}/answer", data={"answer": "confirmed", "csrf": csrf})
    assert done.status_code == 303
    assert done.headers["location"] == f"/web/hits?hit={hit_id}&done=confirmed"
    assert _status(world, hit_id) == "confirmed"
    back = web.get(done.headers["location"])
    assert f"Hit {hit_id} confirmed" in back.text
    assert f'action="/web/hits/{hit_id}/resolve"' in back.text  # one form per confirmed row
    again = web.post(f"/web/hits/{hit_id}/answer", data={"answer": "not_same", "csrf": csrf})
    assert again.status_code == 409 and "confirmed already" in again.text
    no_note = {"resolution": "arrested", "note": "", "csrf": csrf}
    missing = web.post(f"/web/hits/{hit_id}/resolve", data=no_note)
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.text
    resolved = web.post(f"/web/hits/{hit_id}/resolve", data={**no_note, "note": "in custody"})
    assert resolved.status_code == 303 and _status(world, hit_id) == "resolved"


def test_answering_from_the_script(web: TestClient, world: World) -> None:
    hit_id = _hit(world.store, world.frontline_b.principal, "FRA")
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    url = f"/web/hits/{hit_id}/answer"
    forged = web.post(url, data={"answer": "not_same"}, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403 and "error" in forged.json()
    done = web.post(url, data={"answer": "not_same"}, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200
    assert done.json()["status"] == "not_same" and str(hit_id) in done.json()["message"]
    assert _status(world, hit_id) == "not_same"
    late = web.post(f"/web/hits/{hit_id}/resolve", data={"resolution": "seized", "note": "x"},
                    headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert late.status_code == 409 and late.json()["field"] == "status"


def test_another_countrys_hit_is_refused_never_a_500(web: TestClient, world: World) -> None:
    on_deu = _hit(world.store, world.frontline_b.principal, "DEU")  # not FRA's at all
    by_fra = _hit(world.store, world.frontline_a.principal, "DEU", vin="X2")  # FRA checked
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    for hit_id, status in ((on_deu, 404), (by_fra, 403), (10**9, 404)):
        answered = web.post(
            f"/web/hits/{hit_id}/answer", data={"answer": "confirmed", "csrf": csrf}
        )
        assert answered.status_code == status, answered.text
        scripted = web.post(
            f"/web/hits/{hit_id}/answer", data={"answer": "confirmed"},
            headers={"X-CSRF-Token": csrf},
        )  # fmt: skip
        assert scripted.status_code == status
    assert _status(world, on_deu) == _status(world, by_fra) == "new"
    assert web.get(f"/web/hits/{on_deu}/status").status_code == 404
    assert web.post("/web/hits/0/answer", data={"csrf": csrf}).status_code == 422


def test_the_command_centre_lists_missed_deadlines_first(web: TestClient, world: World) -> None:
    soon = _hit(world.store, world.frontline_a.principal, "DEU")
    missed = _hit(world.store, world.frontline_b.principal, "FRA", minutes_ago=600, vin="X3")
    urgent = _hit(world.store, world.frontline_a.principal, "USA", notice_kind="red", vin="X4")
    sign_in(web, world.store, world.gs.principal)
    page = web.get("/web/command-centre")
    assert page.status_code == 200
    order = _rows(page.text)
    assert order[0] == missed and set(order) == {soon, missed, urgent}
    assert order.index(urgent) < order.index(soon)  # nearer deadline (minutes, not an hour)
    assert page.text.count('class="tag late"') == 1
    assert _rows(web.get("/web/command-centre/rows").text) == order
    sign_in(web, world.store, world.ncb_a.principal)
    assert web.get("/web/command-centre").status_code == 403


def test_the_officer_follows_the_hit_of_their_check(web: TestClient, world: World) -> None:
    hit_id = _hit(world.store, world.frontline_a.principal, "DEU", notice_kind="red")
    sign_in(web, world.store, world.frontline_a.principal)
    waiting = web.get(f"/web/hits/{hit_id}/status").json()
    assert waiting["tone"] == "waiting" and "owner country (DEU), answer due" in waiting["text"]
    csrf = sign_in(web, world.store, world.ncb_b.principal)
    web.post(f"/web/hits/{hit_id}/answer", data={"answer": "confirmed", "csrf": csrf})
    sign_in(web, world.store, world.frontline_a.principal)
    confirmed = web.get(f"/web/hits/{hit_id}/status").json()
    assert confirmed["tone"] == "confirmed"
    assert confirmed["text"].startswith("CONFIRMED by DEU")
    sign_in(web, world.store, world.frontline_b.principal)  # another officer
    assert web.get(f"/web/hits/{hit_id}/status").status_code == 404
    sign_in(web, world.store, world.ncb_c.principal)  # a third country
    assert web.get(f"/web/hits/{hit_id}/status").status_code == 404
    sign_in(web, world.store, world.ccf.principal)  # no check screen
    assert web.get(f"/web/hits/{hit_id}/status").status_code == 403


def test_not_the_same_is_said_to_the_officer(web: TestClient, world: World) -> None:
    hit_id = _hit(world.store, world.frontline_a.principal, "DEU")
    csrf = sign_in(web, world.store, world.ncb_b.principal)
    web.post(f"/web/hits/{hit_id}/answer", data={"answer": "not_same", "csrf": csrf})
    sign_in(web, world.store, world.frontline_a.principal)
    line = web.get(f"/web/hits/{hit_id}/status").json()
    assert line["tone"] == "not-same" and line["text"].startswith("NOT THE SAME")


def test_the_check_screen_follows_each_recorded_hit(world: World) -> None:
    """The hit's status line is on the check screen with the scripts that keep it
    current; a check without a hit opens no stream."""
    publish_red_notice(world)  # before the app starts: its name index loads it
    app = create_app(settings=world.store.settings, store=world.store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        sign_in(browser, world.store, world.frontline_a.principal)
        csrf = csrf_of(browser.get("/web/check").text)
        hit = browser.post("/web/check", data={"csrf": csrf, "name": "BENALI, Karim",
                                               "dob": "1985-06-01"})  # fmt: skip
        assert hit.status_code == 200
        ids = re.findall(r'data-hit-status="(\d+)"', hit.text)
        assert len(ids) == 1 and "Waiting for the owner country" in hit.text
        assert '<script src="/web/static/hits.js" defer>' in hit.text
        assert '<script src="/web/static/live.js" defer>' in hit.text
        line = browser.get(f"/web/hits/{ids[0]}/status").json()
        assert line["owner"] == "DEU" and line["tone"] == "waiting"
        clean = browser.post("/web/check", data={"csrf": csrf, "name": "Zebulon Quarrington"})
        assert clean.status_code == 200 and "live.js" not in clean.text
        assert "data-hit-status" not in clean.text


def _events(web: TestClient, query: str = "", **headers: str) -> list[dict[str, Any]]:
    """The events a stream sends until it has been quiet for a moment."""
    sep = "&" if query else ""
    response = web.get(f"/web/events?{query}{sep}idle=0.4", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    found = []
    for block in response.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in lines:
            event = json.loads(lines["data"])
            assert int(lines["id"]) == event["id"] and "event" not in lines
            found.append(event)
    return found


def test_the_session_stream_tells_of_a_new_hit(web: TestClient, world: World) -> None:
    sign_in(web, world.store, world.ncb_a.principal)
    assert _events(web) == []  # from now on: nothing older is replayed
    hit_id = _hit(world.store, world.frontline_b.principal, "FRA")
    news = _events(web, "after=0")
    assert [(e["kind"], e["hit_id"], e["owner"]) for e in news] == [("hit.new", hit_id, "FRA")]
    assert _events(web, **{"Last-Event-ID": str(news[-1]["id"])}) == []  # resumed
    sign_in(web, world.store, world.frontline_b.principal)  # the officer who checked
    assert [e["hit_id"] for e in _events(web, "after=0")] == [hit_id]
    sign_in(web, world.store, world.ncb_c.principal)  # a third country: nothing
    assert _events(web, "after=0") == []


def test_the_stream_is_for_live_sessions_only(web: TestClient, world: World) -> None:
    assert web.get("/web/events?idle=0.2").status_code == 401  # the browser stops retrying
    sign_in(web, world.store, world.ccf.principal)
    assert web.get("/web/events?idle=0.2").status_code == 403  # no stream for the CCF


def test_the_stream_ends_with_the_session(
    web: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-checked as it runs: once the session is closed, the stream stops (and would
    without ``idle``), never telling a closed session's browser of a new hit."""
    sign_in(web, world.store, world.ncb_a.principal)
    monkeypatch.setattr(event_stream, "RECHECK_SECONDS", 0.0)
    checks = {"n": 0}
    real = live.require

    async def closes_after_the_first(request: Any, *roles: Any, **how: Any) -> Any:
        checks["n"] += 1
        if checks["n"] > 1:
            _hit(world.store, world.frontline_b.principal, "FRA")  # too late to be told
            raise live.LoginRequired
        return await real(request, *roles, **how)

    monkeypatch.setattr(live, "require", closes_after_the_first)
    response = web.get("/web/events")  # no idle: only the session's end stops it
    assert response.status_code == 200 and "data:" not in response.text
    assert checks["n"] == 2
