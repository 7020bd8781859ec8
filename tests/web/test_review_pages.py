"""The review queue: the General Secretariat sees the requests waiting for it, oldest
first (or most urgent first), each with the rules' verdict, and decides through the
service after a confirmation; the CCF sees the queue without deciding; nobody else
sees it. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from concord.domain.notices import Move, NoticeInput
from concord.services import notices
from tests.conftest import World
from tests.web.conftest import sign_in
from tests.web.notices_kit import french_person, notice_row, rule_outcome

RED: dict[str, object] = {
    "kind": "red",
    "crime_programme": "organized_emerging_crime",
    "purpose": "prosecution",
    "offences": [{"description": "armed robbery", "law": "CP 311-8", "max_penalty_months": 360}],
    "warrant": {"reference": "MA-1", "date": "2026-02-03", "authority": "TJ Lyon"},
}


def _submitted(world: World, person: int, **changes: object) -> int:
    """A French request, submitted through the service."""
    data = {**RED, "subject": {"kind": "person", "id": person}, **changes}
    created = notices.create(world.store, world.ncb_a.principal, NoticeInput.model_validate(data))
    notices.move(world.store, world.ncb_a.principal, int(created["id"]), Move.SUBMIT)
    return int(created["id"])


def _queue_order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="queued" id="notice-(\d+)">', html)]


def test_the_queue_is_oldest_first_with_the_rules_verdict(web: TestClient, world: World) -> None:
    first = _submitted(world, french_person(world, "Anne Leroy", "1980-01-01"))
    flagged = _submitted(
        world,
        french_person(world, "Marc Olivier", "1975-05-05"),
        summary="Charged with sedition after the riots; a shop was burnt.",
    )
    urgent = _submitted(world, french_person(world, "Luc Perrin", "1990-09-09"), urgent=True)
    csrf = sign_in(web, world.store, world.gs.principal)
    queue = web.get("/web/review")
    assert queue.status_code == 200
    assert _queue_order(queue.text) == [first, flagged, urgent]
    assert "Anne Leroy (1980-01-01)" in queue.text
    entry = queue.text.split(f'id="notice-{flagged}"')[1].split("</article>")[0]
    assert rule_outcome(entry, "art3.offence_character") == "flag"
    assert "Flagged for review" in entry and "sedition" in entry
    urgent_first = web.get("/web/review?order=urgent")
    assert _queue_order(urgent_first.text)[0] == urgent  # the service's order
    for move in ("publish", "refuse", "request_info", "cancel"):
        assert f'href="/web/notices/{first}/move/{move}?back=review"' in queue.text
    assert "/move/withdraw" not in queue.text  # the owner's move, not the reviewer's
    page = web.get(f"/web/notices/{flagged}")  # the notice's own page: the evidence too
    assert rule_outcome(page.text, "art3.offence_character") == "flag"
    assert re.search(r'<ul class="evidence"><li>summary: [^<]*sedition', page.text)
    assert "No listed term was found in subject_description." in page.text  # passed, said why
    assert csrf


def test_the_reviewer_refuses_and_asks_for_more_with_a_reason(
    web: TestClient, world: World
) -> None:
    refused = _submitted(world, french_person(world, "Anne Leroy", "1980-01-01"))
    asked = _submitted(world, french_person(world, "Marc Olivier", "1975-05-05"))
    csrf = sign_in(web, world.store, world.gs.principal)
    answer = web.post(
        f"/web/notices/{refused}/move/refuse", data={"csrf": csrf, "back": "review", "reason": ""}
    )
    assert answer.status_code == 422 and 'id="reason-error"' in answer.text
    assert notice_row(world.store, refused)["state"] == "under_review"
    answer = web.post(
        f"/web/notices/{refused}/move/refuse",
        data={"csrf": csrf, "back": "review", "reason": "no link to an ordinary crime"},
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/web/review")
    answer = web.post(
        f"/web/notices/{asked}/move/request_info",
        data={"csrf": csrf, "back": "review", "reason": "send the warrant's copy"},
    )
    assert answer.status_code == 303
    assert notice_row(world.store, refused)["state"] == "refused"
    assert notice_row(world.store, asked)["state"] == "more_info_requested"
    assert _queue_order(web.get("/web/review").text) == []
    assert "Nothing waits for review." in web.get("/web/review").text
    sign_in(web, world.store, world.ncb_a.principal)
    page = web.get(f"/web/notices/{asked}")  # back with its requester, to edit and submit
    assert page.status_code == 200 and 'id="notice-form"' in page.text
    assert "send the warrant&#39;s copy" in page.text and "More information requested" in page.text
    page = web.get(f"/web/notices/{refused}")
    assert "no link to an ordinary crime" in page.text and 'id="notice-form"' not in page.text


def test_the_ccf_sees_the_queue_without_deciding(web: TestClient, world: World) -> None:
    waiting = _submitted(world, french_person(world))
    sign_in(web, world.store, world.ccf.principal)
    queue = web.get("/web/review")
    assert queue.status_code == 200 and _queue_order(queue.text) == [waiting]
    assert "/move/" not in queue.text and "the CCF sees the queue" in queue.text
    assert web.get(f"/web/notices/{waiting}/move/publish").status_code == 403


def test_only_the_oversight_sees_the_queue(web: TestClient, world: World) -> None:
    _submitted(world, french_person(world))
    for actor in (world.ncb_a, world.frontline_a):
        sign_in(web, world.store, actor.principal)
        assert web.get("/web/review").status_code == 403
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    waiting = _submitted(world, french_person(world, "Anne Leroy", "1980-01-01"))
    answer = web.post(f"/web/notices/{waiting}/move/publish", data={"csrf": csrf})
    assert answer.status_code == 403  # the service refuses: publishing is the GS's
    assert notice_row(world.store, waiting)["state"] == "under_review"
