"""The notices pages: the request form and its live compliance verdict (the rules the
service runs at submission), saving and submitting through the service, a notice's
page with its timeline and the owner's moves, the country boundary (another NCB
gets 404, as in the API), the CSRF token, and bad input refused at its field with
nothing written. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from concord.domain.notices import Move, NoticeState
from concord.services import notices
from tests.conftest import World
from tests.web.conftest import sign_in
from tests.web.notices_kit import (
    french_person,
    notice_count,
    notice_row,
    red_form,
    rule_outcome,
    saved_id,
)

NEUTRALITY = "art3.offence_character"


def _live(web: TestClient, csrf: str | None, form: dict[str, str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"Accept": "application/json"}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    answer = web.post("/web/notices/compliance", data=form, headers=headers)
    return answer.status_code, answer.json()


def _rule(answer: dict, rule: str) -> dict:  # type: ignore[type-arg]
    found = [r for r in answer["results"] if r["rule"] == rule]
    assert found, f"rule {rule} not in the answer"
    return found[0]


def _submit_new(web: TestClient, csrf: str, form: dict[str, str]) -> int:
    answer = web.post("/web/notices/new", data={**form, "csrf": csrf, "action": "submit"})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("?done=submit")
    return saved_id(answer.headers["location"])


def test_the_live_verdict_flags_a_political_offence_and_passes_an_ordinary_crime(
    web: TestClient, world: World
) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    political = red_form(person, offence_0_description="membership of an opposition party")
    status, answer = _live(web, csrf, political)
    assert status == 200
    neutrality = _rule(answer, NEUTRALITY)
    assert neutrality["outcome"] == "flag"
    assert "political opposition" in neutrality["message"]
    assert {"id": "offence_0_description", "label": "Offence 1: description"} in neutrality[
        "fields"
    ]
    assert answer["outcome"] == "flag"
    military = red_form(person, summary="He deserted; charged with desertion from his unit.")
    assert _rule(_live(web, csrf, military)[1], NEUTRALITY)["outcome"] == "flag"
    status, answer = _live(web, csrf, red_form(person))
    assert status == 200 and answer["outcome"] == "pass"
    assert _rule(answer, NEUTRALITY) == {
        **_rule(answer, NEUTRALITY),
        "outcome": "pass",
        "fields": [],
    }
    assert {r["outcome"] for r in answer["results"]} == {"pass"}
    assert notice_count(world.store) == 0  # the live verdict writes nothing


def test_the_live_verdict_names_failing_rules_and_unfinished_fields(
    web: TestClient, world: World
) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    status, answer = _live(web, csrf, red_form(person, warrant_reference="", offence_0_penalty="6"))
    assert status == 200 and answer["outcome"] == "fail"
    judicial = _rule(answer, "red.judicial_data")
    assert judicial["outcome"] == "fail"
    assert [f["id"] for f in judicial["fields"]] == ["warrant_reference"]
    threshold = _rule(answer, "red.penalty_threshold")
    assert threshold["outcome"] == "fail" and threshold["fields"][0]["id"] == "offence_0_penalty"
    status, answer = _live(web, csrf, red_form(person, subject_person="", offence_0_penalty="ten"))
    assert status == 422 and answer["results"] == []
    assert {e["id"] for e in answer["errors"]} == {"subject_person", "offence_0_penalty"}


def test_the_live_verdict_needs_the_token_and_an_ncb(web: TestClient, world: World) -> None:
    person = french_person(world)
    sign_in(web, world.store, world.ncb_a.principal)
    status, answer = _live(web, None, red_form(person))
    assert status == 403 and "expired" in answer["error"]
    status, _ = _live(web, "not-the-token", red_form(person))
    assert status == 403
    gs_csrf = sign_in(web, world.store, world.gs.principal)
    status, answer = _live(web, gs_csrf, red_form(person))
    assert status == 403


def test_another_countrys_record_cannot_be_the_subject(web: TestClient, world: World) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_b.principal)
    status, answer = _live(web, csrf, red_form(person))
    assert status in (403, 404)
    assert [e["id"] for e in answer["errors"]] == ["subject_person"]


def test_without_a_script_the_check_button_shows_the_same_verdict(
    web: TestClient, world: World
) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    page = web.get("/web/notices/new")
    assert page.status_code == 200
    assert f'<option value="{person}"' in page.text and "Julien Marchetti" in page.text
    assert '<script src="/web/static/notices.js" defer></script>' in page.text
    political = red_form(person, offence_0_description="illegal demonstration")
    answer = web.post("/web/notices/new", data={**political, "csrf": csrf, "action": "check"})
    assert answer.status_code == 200
    assert rule_outcome(answer.text, NEUTRALITY) == "flag"
    assert rule_outcome(answer.text, "red.judicial_data") == "pass"
    assert 'href="#offence_0_description"' in answer.text
    assert 'value="illegal demonstration"' in answer.text  # the form comes back as typed
    assert notice_count(world.store) == 0


def test_save_a_draft_then_edit_it(web: TestClient, world: World) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    incomplete = red_form(person, warrant_reference="", purpose="")
    answer = web.post("/web/notices/new", data={**incomplete, "csrf": csrf, "action": "save"})
    assert answer.status_code == 303  # a draft may be incomplete
    notice_id = saved_id(answer.headers["location"])
    page = web.get(answer.headers["location"])
    assert page.status_code == 200 and "The draft is saved." in page.text
    assert rule_outcome(page.text, "red.judicial_data") == "fail"
    assert "Drafted" in page.text and "ncb.fra" in page.text  # the timeline
    fixed = red_form(person, title="Robbery, second version")
    answer = web.post(f"/web/notices/{notice_id}", data={**fixed, "csrf": csrf, "action": "save"})
    assert answer.status_code == 303
    row = notice_row(world.store, notice_id)
    assert row["state"] == "draft" and row["body"]["title"] == "Robbery, second version"
    assert row["body"]["warrant"]["reference"] == "MA-2026-118"


def test_bad_input_is_refused_at_its_field_and_nothing_is_written(
    web: TestClient, world: World
) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    for change, field in (
        ({"offence_0_penalty": "ten"}, "offence_0_penalty"),
        ({"warrant_date": "2026-13-40"}, "warrant_date"),
        ({"kind": "scarlet"}, "kind"),
        ({"subject_person": ""}, "subject_person"),
        ({"offence_0_description": "", "offence_0_law": "Code pénal"}, "offence_0_description"),
    ):
        for action in ("save", "submit"):
            answer = web.post(
                "/web/notices/new",
                data={**red_form(person, **change), "csrf": csrf, "action": action},
            )
            assert answer.status_code == 422, (change, action)
            assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', answer.text), field
            assert f'id="{field}-error"' in answer.text
    assert notice_count(world.store) == 0


def test_a_request_failing_the_rules_is_not_submitted_nor_saved(
    web: TestClient, world: World
) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    failing = red_form(person, offence_0_penalty="6")
    answer = web.post("/web/notices/new", data={**failing, "csrf": csrf, "action": "submit"})
    assert answer.status_code == 422
    assert rule_outcome(answer.text, "red.penalty_threshold") == "fail"
    assert "nothing was saved" in answer.text
    assert notice_count(world.store) == 0


def test_forms_need_the_sessions_token(web: TestClient, world: World) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    answer = web.post("/web/notices/new", data={**red_form(person), "action": "save"})
    assert answer.status_code == 403 and "expired" in answer.text
    answer = web.post(
        "/web/notices/new", data={**red_form(person), "action": "save", "csrf": "forged"}
    )
    assert answer.status_code == 403
    assert notice_count(world.store) == 0
    notice_id = _submit_new(web, csrf, red_form(person))
    sign_in(web, world.store, world.gs.principal)
    answer = web.post(f"/web/notices/{notice_id}/move/publish", data={"csrf": csrf})
    assert answer.status_code == 403  # the NCB's token is not the reviewer's
    assert notice_row(world.store, notice_id)["state"] == "under_review"


def test_another_ncb_can_neither_open_nor_act_on_a_draft(web: TestClient, world: World) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    answer = web.post("/web/notices/new", data={**red_form(person), "csrf": csrf, "action": "save"})
    notice_id = saved_id(answer.headers["location"])
    before = notice_row(world.store, notice_id)
    german = sign_in(web, world.store, world.ncb_b.principal)
    assert web.get(f"/web/notices/{notice_id}").status_code == 404
    assert "Notice not found" in web.get(f"/web/notices/{notice_id}").text
    for action in ("save", "submit"):
        answer = web.post(
            f"/web/notices/{notice_id}",
            data={**red_form(person, title="hijacked"), "csrf": german, "action": action},
        )
        assert answer.status_code == 404
    answer = web.post(
        f"/web/notices/{notice_id}/move/withdraw", data={"csrf": german, "reason": "mine now"}
    )
    assert answer.status_code == 404
    assert web.get(f"/web/notices/{notice_id}/move/withdraw").status_code == 404
    listing = web.get("/web/notices")
    assert listing.status_code == 200 and f'href="/web/notices/{notice_id}"' not in listing.text
    after = notice_row(world.store, notice_id)
    assert after["version"] == before["version"] and after["body"] == before["body"]
    assert web.get("/web/notices/999999").status_code == 404
    assert web.get("/web/notices/abc").status_code == 404


def test_submit_review_publish_then_the_owner_sees_it_published(
    web: TestClient, world: World
) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    notice_id = _submit_new(web, csrf, red_form(person))
    page = web.get(f"/web/notices/{notice_id}?done=submit")
    assert "Submitted: the request waits" in page.text
    assert "Submitted for review" in page.text  # the timeline
    gs_csrf = sign_in(web, world.store, world.gs.principal)
    queue = web.get("/web/review")
    assert queue.status_code == 200 and f'id="notice-{notice_id}"' in queue.text
    assert f'href="/web/notices/{notice_id}/move/publish?back=review"' in queue.text
    confirm = web.get(f"/web/notices/{notice_id}/move/publish?back=review")
    assert confirm.status_code == 200 and 'name="back" value="review"' in confirm.text
    answer = web.post(
        f"/web/notices/{notice_id}/move/publish", data={"csrf": gs_csrf, "back": "review"}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/web/review?done=publish&id={notice_id}"
    queue = web.get(answer.headers["location"])
    assert "Published." in queue.text and f'id="notice-{notice_id}"' not in queue.text
    sign_in(web, world.store, world.ncb_a.principal)
    listing = web.get("/web/notices?state=published")
    assert f'href="/web/notices/{notice_id}"' in listing.text and "Julien Marchetti" in listing.text
    assert "state-published" in listing.text
    assert f'href="/web/notices/{notice_id}"' not in web.get("/web/notices?state=draft").text
    page = web.get(f"/web/notices/{notice_id}")
    assert "state-published" in page.text and "gs.lyon (XPO)" in page.text
    assert f'href="/web/notices/{notice_id}/move/suspend"' in page.text
    assert f'href="/web/notices/{notice_id}/move/withdraw"' in page.text
    assert "/move/publish" not in page.text  # the reviewer's moves are not the owner's


def test_the_owner_suspends_then_withdraws_with_reasons(web: TestClient, world: World) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    notice_id = _submit_new(web, csrf, red_form(person))
    notices.move(world.store, world.gs.principal, notice_id, Move.PUBLISH)
    confirm = web.get(f"/web/notices/{notice_id}/move/suspend")
    assert confirm.status_code == 200 and 'id="until"' in confirm.text
    answer = web.post(f"/web/notices/{notice_id}/move/suspend", data={"csrf": csrf, "reason": " "})
    assert answer.status_code == 422
    assert re.search(r'id="reason"[^>]*aria-invalid="true"', answer.text)
    answer = web.post(
        f"/web/notices/{notice_id}/move/suspend",
        data={"csrf": csrf, "reason": "surveillance operation", "until": "1999-01-01"},
    )
    assert answer.status_code == 422 and 'id="until-error"' in answer.text
    assert notice_row(world.store, notice_id)["state"] == NoticeState.PUBLISHED.value
    answer = web.post(
        f"/web/notices/{notice_id}/move/suspend",
        data={"csrf": csrf, "reason": "surveillance operation"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/web/notices/{notice_id}?done=suspend"
    assert notice_row(world.store, notice_id)["state"] == NoticeState.SUSPENDED.value
    page = web.get(answer.headers["location"])
    assert "Suspended." in page.text and "surveillance operation" in page.text
    assert f"/web/notices/{notice_id}/move/resume" in page.text
    answer = web.post(
        f"/web/notices/{notice_id}/move/withdraw",
        data={"csrf": csrf, "reason": "the subject was arrested"},
    )
    assert answer.status_code == 303
    assert notice_row(world.store, notice_id)["state"] == NoticeState.WITHDRAWN.value
    page = web.get(f"/web/notices/{notice_id}")
    assert "the subject was arrested" in page.text and "Withdrawn" in page.text
    assert "/move/" not in page.text  # nothing more to do on a withdrawn notice
    answer = web.post(
        f"/web/notices/{notice_id}/move/resume", data={"csrf": csrf, "reason": "again"}
    )
    assert answer.status_code == 409  # the service refuses a move from the wrong state


def test_who_sees_the_pages(web: TestClient, world: World) -> None:
    person = french_person(world)
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    notice_id = _submit_new(web, csrf, red_form(person))
    sign_in(web, world.store, world.frontline_a.principal)
    assert web.get("/web/notices").status_code == 403
    assert web.get(f"/web/notices/{notice_id}").status_code == 403
    sign_in(web, world.store, world.gs.principal)
    assert web.get("/web/notices/new").status_code == 403
    listing = web.get("/web/notices")
    assert listing.status_code == 200 and f'href="/web/notices/{notice_id}"' in listing.text
    assert web.get("/web/notices?state=nonsense").status_code == 422
    page = web.get(f"/web/notices/{notice_id}")
    assert page.status_code == 200 and "/move/publish" in page.text
    assert 'data-rule="identity.minimum"' in page.text  # the verdict kept at submission
    sign_in(web, world.store, world.ccf.principal)
    page = web.get(f"/web/notices/{notice_id}")
    assert page.status_code == 200 and "/move/" not in page.text
    web.cookies.clear()
    assert web.get("/web/notices").status_code == 303


def test_every_label_the_pages_compose_is_in_the_catalogue() -> None:
    from concord.domain.notices import Move as Moves
    from concord.domain.notices import NoticeState as States
    from concord.web.i18n import catalogue
    from concord.web.notice_form import SUBJECT_KINDS, TEXT_FIELDS
    from concord.web.notices import DONE

    texts = catalogue("en").texts
    keys = {f"notices_done_{d}" for d in DONE}
    keys |= {f"notices_state_{s.value}" for s in States}
    keys |= {f"notices_event_{m.value}" for m in Moves}
    keys |= {f"notices_field_{f}" for f in (*TEXT_FIELDS, "urgent", "public_extract")}
    keys |= {f"notices_subject_kind_{k}" for k in SUBJECT_KINDS}
    assert sorted(keys - set(texts)) == []
