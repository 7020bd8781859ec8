"""The General Secretariat's pages on both stores: the members list and a change of
status (reason, confirmation, CSRF), and the audit log under its chain's verification,
which turns to BROKEN once a row is altered behind the application's back."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from concord.audit import AuditEvent
from concord.domain.enums import MembershipStatus
from concord.services import members
from concord.store.tables import audit_events
from tests.conftest import World
from tests.web.conftest import sign_in


def test_the_members_page_lists_status_and_region(web: TestClient, world: World) -> None:
    sign_in(web, world.store, world.gs.principal)
    page = web.get("/web/members")
    assert page.status_code == 200
    row = page.text.split('<tr id="FRA">', 1)[1].split("</tr>", 1)[0]
    assert "France" in row and "member" in row and "Europe" in row
    venezuela = page.text.split('<tr id="VEN">', 1)[1].split("</tr>", 1)[0]
    assert "suspended" in venezuela and "Americas" in venezuela
    suspended = web.get("/web/members?status=suspended")
    assert '<tr id="VEN">' in suspended.text and '<tr id="FRA">' not in suspended.text
    bad = web.get("/web/members?status=expelled")
    assert bad.status_code == 422 and "unknown status" in bad.text


def test_the_gs_changes_a_status_with_a_reason(web: TestClient, world: World) -> None:
    store = world.store
    csrf = sign_in(web, store, world.gs.principal)
    form = web.get("/web/members/USA")
    assert form.status_code == 200 and 'action="/web/members/USA"' in form.text
    change = {"csrf": csrf, "status": "suspended", "reason": "", "confirm": "yes"}
    answer = web.post("/web/members/USA", data=change)
    assert answer.status_code == 422 and 'id="reason-error"' in answer.text
    answer = web.post("/web/members/USA", data={**change, "reason": "dues", "confirm": ""})
    assert answer.status_code == 422 and 'id="confirm-error"' in answer.text
    forged = web.post("/web/members/USA", data={**change, "reason": "dues", "csrf": "x"})
    assert forged.status_code == 403
    assert members.get_country(store, world.gs.principal, "USA")["status"] == "member"
    done = web.post("/web/members/USA", data={**change, "reason": "unpaid dues since 2024"})
    assert done.status_code == 303
    listed = web.get(done.headers["location"])
    assert "United States is now: suspended" in listed.text
    assert members.get_country(store, world.gs.principal, "USA")["status"] == "suspended"
    store.audit.flush()
    with store.read() as conn:
        details = (
            conn.execute(
                select(audit_events.c.details).where(audit_events.c.action == "member.status")
            )
            .scalars()
            .all()
        )
    assert {"old": "member", "new": "suspended", "reason": "unpaid dues since 2024"} in [
        json.loads(d) for d in details
    ]


def test_an_unknown_status_is_refused_at_its_field(web: TestClient, world: World) -> None:
    csrf = sign_in(web, world.store, world.gs.principal)
    change = {"csrf": csrf, "status": "expelled", "reason": "x", "confirm": "yes"}
    answer = web.post("/web/members/USA", data=change)
    assert answer.status_code == 422 and 'id="status-error"' in answer.text
    assert web.post("/web/members/XPO", data={**change, "status": "suspended"}).status_code == 422


def test_only_the_gs_administers_members(web: TestClient, world: World) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    assert web.get("/web/members").status_code == 403
    change = {"csrf": csrf, "status": "suspended", "reason": "x", "confirm": "yes"}
    assert web.post("/web/members/DEU", data=change).status_code == 403
    status = members.get_country(world.store, world.gs.principal, "DEU")["status"]
    assert status == MembershipStatus.MEMBER.value


def test_the_audit_log_is_verified_then_broken_when_tampered(web: TestClient, world: World) -> None:
    store = world.store
    sign_in(web, store, world.ccf.principal)
    page = web.get("/web/audit")
    assert page.status_code == 200
    assert 'class="chain verified"' in page.text and "CHAIN VERIFIED" in page.text
    seqs = [int(s) for s in re.findall(r"<tr>\s*<td>(\d+)</td>", page.text)]
    assert seqs and seqs == sorted(seqs, reverse=True)  # newest first
    with store.write() as conn:
        conn.execute(
            update(audit_events)
            .where(audit_events.c.seq == 3)
            .values(details=json.dumps({"forged": True}))
        )
    page = web.get("/web/audit")
    assert 'class="chain broken"' in page.text and "CHAIN BROKEN at event 3" in page.text


def _events(html: str) -> list[str]:
    body = html.split('id="events"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)[1:]  # past the header


def test_the_audit_log_filters_and_pages(web: TestClient, world: World) -> None:
    store = world.store
    sign_in(web, store, world.gs.principal)
    for code in ("USA", "DEU"):
        members.set_status(store, world.gs.principal, code, "suspended", reason="test")
    for n in range(60):  # more than a page
        store.audit.emit(AuditEvent.of(world.ncb_a.principal, "test.filler", n=n))
    page = web.get("/web/audit", params={"action": "member.status", "actor": "gs.lyon"})
    assert page.status_code == 200 and len(_events(page.text)) == 3  # VEN, USA, DEU
    french = _events(web.get("/web/audit", params={"country": "fr"}).text)
    assert len(french) == 50 and all(", FRA)" in row for row in french)
    assert "No event matches." in web.get("/web/audit", params={"since": "2999-01-01"}).text
    bad = web.get("/web/audit", params={"since": "yesterday", "country": "ZZZ"})
    assert bad.status_code == 422 and 'id="f-since-error"' in bad.text
    reversed_range = web.get("/web/audit", params={"since": "2026-02-02", "until": "2026-02-01"})
    assert reversed_range.status_code == 422 and "ends before it starts" in reversed_range.text
    first = web.get("/web/audit", params={"action": "test.filler"}).text
    older = re.search(r'href="/web/audit\?([^"]*before=(\d+))"', first)
    assert older, "no link to the older events"
    second = web.get(f"/web/audit?{older.group(1).replace('&amp;', '&')}").text
    seqs = [int(s) for s in re.findall(r"<tr>\s*<td>(\d+)</td>", second)]
    assert len(seqs) == 10 and max(seqs) < int(older.group(2))
    assert "Newest events" in second


def test_the_audit_log_is_for_the_gs_and_the_ccf(web: TestClient, world: World) -> None:
    sign_in(web, world.store, world.ncb_a.principal)
    assert web.get("/web/audit").status_code == 403
