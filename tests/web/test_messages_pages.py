"""The secure messages pages and the JSON endpoints their scripts call: a session of
NCB or General Secretariat staff, the CSRF header on every script request, the
same services as the API (another country's message does not exist for it; a bad
or tampered envelope is a 422 naming the field), never a 500 on bad input."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from concord.domain.enums import Role
from concord.messaging import keys
from concord.messaging.attachments import SealedAttachment, seal_stream
from concord.messaging.envelope import seal
from concord.messaging.keys import PrivateKeys
from concord.messaging.letter import AttachedFile, Letter
from concord.services import key_directory, messages
from concord.services.messages import SendInput
from concord.store import Store
from tests.conftest import World, make_actor
from tests.web.conftest import sign_in

PASSPHRASE = "a passphrase long enough"


@pytest.fixture
def ncbs(world: World, tmp_path: Path) -> dict[str, PrivateKeys]:
    """FRA, DEU and USA with keys made on their side and registered in the directory."""
    made = {}
    for actor in (world.ncb_a, world.ncb_b, world.ncb_c):
        country = actor.principal.country
        made[country] = keys.generate(tmp_path / country, country, PASSPHRASE)
        key_directory.register(world.store, actor.principal, made[country].public().as_json())
    return made


def _sealed_file(data: bytes) -> tuple[SealedAttachment, bytes]:
    sink = io.BytesIO()
    sealed = seal_stream(io.BytesIO(data), sink)
    return sealed, sink.getvalue()


def _envelope(
    ncbs: dict[str, PrivateKeys],
    message_id: str,
    to: list[str],
    *,
    sender: str = "FRA",
    files: list[tuple[str, SealedAttachment]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    letter = Letter(
        "Red notice 42", "Please confirm.", [AttachedFile.of(n, "text/plain", s) for n, s in files]
    )
    return seal(
        ncbs[sender],
        [ncbs[c].public() for c in to],
        letter.to_bytes(),
        message_id=message_id,
        created="2026-11-23T19:45:00+00:00",
        attachments=[s for _, s in files],
    ).as_json()


def _headers(csrf: str) -> dict[str, str]:
    return {"X-CSRF-Token": csrf, "Accept": "application/json"}


def test_the_pages_admit_ncb_and_gs_staff_only(web: TestClient, world: World) -> None:
    assert web.get("/web/messages").headers["location"] == "/web/login"
    answer = web.post("/web/messages/send", json={}, headers={"Accept": "application/json"})
    assert answer.status_code == 401  # a script without a session: told, not redirected
    officer = make_actor(world.store, "border.cdg", Role.FRONTLINE, "FRA")
    sign_in(web, world.store, officer.principal)
    assert web.get("/web/messages").status_code == 403
    assert web.get("/web/messages/new").status_code == 403
    sign_in(web, world.store, world.gs.principal)
    page = web.get("/web/messages")
    assert page.status_code == 200 and 'id="messages-keys"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_script_requests_need_the_session_token(
    web: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    body = {"envelope": _envelope(ncbs, "fra-web-000001", ["DEU"])}
    for headers in ({"Accept": "application/json"}, _headers("not-the-token")):
        assert web.post("/web/messages/send", json=body, headers=headers).status_code == 403
        assert web.get("/web/messages/keys", headers=headers).status_code == 403
        upload = web.post(
            "/web/messages/attachments",
            content=b"x",
            headers={**headers, "Content-Type": "application/octet-stream"},
        )
        assert upload.status_code == 403
    assert web.post("/web/messages/send", json=body, headers=_headers(csrf)).status_code == 201
    directory = web.get("/web/messages/keys", headers=_headers(csrf)).json()["items"]
    assert [k["country"] for k in directory] == ["DEU", "FRA", "USA"]
    history = web.get("/web/messages/keys/DEU", headers=_headers(csrf)).json()["items"]
    assert history[0]["signing_fingerprint"] == ncbs["DEU"].public().signing_fingerprint
    assert web.get("/web/messages/keys/ZZZ", headers=_headers(csrf)).status_code in (404, 422)


def test_send_an_attachment_read_it_and_receipts(
    web: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    store = world.store
    csrf = sign_in(web, store, world.ncb_a.principal)
    sealed, ciphertext = _sealed_file(b"witness statement\n" * 5000)
    octets = {**_headers(csrf), "Content-Type": "application/octet-stream"}
    stored = web.post(
        "/web/messages/attachments",
        content=ciphertext,
        headers={**octets, "X-Content-SHA256": sealed.sha256},
    )
    assert stored.status_code == 201 and stored.json() == {
        "sha256": sealed.sha256,
        "size": sealed.size,
    }
    body = {
        "envelope": _envelope(ncbs, "fra-web-000002", ["DEU"], files=[("statement.txt", sealed)]),
        "priority": "urgent",
        "handling": ["police_use_only"],
    }
    sent = web.post("/web/messages/send", json=body, headers=_headers(csrf))
    assert sent.status_code == 201, sent.text
    assert sent.json()["attachments"] == [{"sha256": sealed.sha256, "size": sealed.size}]
    again = web.post("/web/messages/send", json=body, headers=_headers(csrf))
    assert again.status_code == 200  # the same envelope: the stored message, not a copy
    outbox = web.get("/web/messages?box=out")
    assert outbox.status_code == 200 and "fra-web-000002" in outbox.text
    assert "Not yet delivered to DEU" in web.get("/web/messages/fra-web-000002").text

    csrf_b = sign_in(web, store, world.ncb_b.principal)
    inbox = web.get("/web/messages")
    assert inbox.status_code == 200
    assert 'class="message unread" data-message-id="fra-web-000002"' in inbox.text
    carried = re.search(
        r'<script type="application/json" id="messages-envelopes">(.*?)</script>', inbox.text
    )
    assert carried and json.loads(carried.group(1))["fra-web-000002"] == body["envelope"]
    thread = web.get("/web/messages/fra-web-000002")
    assert thread.status_code == 200 and 'data-unread="1"' in thread.text
    assert "Delivered to DEU at" in thread.text  # the recipient's visit records delivery
    fetched = web.get(
        f"/web/messages/fra-web-000002/attachments/{sealed.sha256}", headers=_headers(csrf_b)
    )
    assert fetched.status_code == 200 and fetched.content == ciphertext
    read = web.post("/web/messages/fra-web-000002/read", headers=_headers(csrf_b))
    assert read.status_code == 200
    (receipt,) = read.json()["receipts"]
    assert receipt["recipient"] == "DEU" and receipt["read_at"]
    reply = web.get("/web/messages/new?reply=fra-web-000002")
    assert reply.status_code == 200
    assert 'id="to-FRA" checked' in reply.text and 'data-thread="fra-web-000002"' in reply.text

    csrf_c = sign_in(web, store, world.ncb_c.principal)  # USA is no party to it
    assert web.get("/web/messages/fra-web-000002").status_code == 404
    assert web.get("/web/messages/new?reply=fra-web-000002").status_code == 404
    path = f"/web/messages/fra-web-000002/attachments/{sealed.sha256}"
    assert web.get(path, headers=_headers(csrf_c)).status_code == 404
    assert (
        web.post("/web/messages/fra-web-000002/read", headers=_headers(csrf_c)).status_code == 404
    )
    assert "fra-web-000002" not in web.get("/web/messages").text


def test_bad_envelopes_and_uploads_are_422_at_their_field(
    web: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    csrf = sign_in(web, world.store, world.ncb_a.principal)
    headers = _headers(csrf)

    def send(body: object, raw: bytes | None = None) -> tuple[int, str | None]:
        if raw is not None:
            answer = web.post(
                "/web/messages/send",
                content=raw,
                headers={**headers, "Content-Type": "application/json"},
            )
        else:
            answer = web.post("/web/messages/send", json=body, headers=headers)
        return answer.status_code, answer.json().get("field")

    good = _envelope(ncbs, "fra-web-000003", ["DEU"])
    assert send(None, raw=b"{not json") == (422, "body")
    assert send({"envelope": {"version": 2}}) == (422, "envelope")
    assert send({"envelope": good, "priority": "whenever"}) == (422, "priority")
    assert send({"envelope": good, "colour": "red"}) == (422, "colour")
    assert send({"envelope": good, "thread_id": "t" * 65}) == (422, "thread_id")
    assert send(["not", "an", "object"])[0] == 422
    tampered = json.loads(json.dumps(good))
    tampered["header"]["created"] = "2026-11-24T00:00:00+00:00"
    assert send({"envelope": tampered}) == (422, "signature")
    damaged = {**good, "ciphertext": "***"}
    assert send({"envelope": damaged}) == (422, "envelope")
    bad_id = _envelope(ncbs, "short", ["DEU"])
    assert send({"envelope": bad_id}) == (422, "envelope.header.message_id")
    sealed, _ = _sealed_file(b"never uploaded")
    unsent = _envelope(ncbs, "fra-web-000004", ["DEU"], files=[("x.txt", sealed)])
    assert send({"envelope": unsent}) == (422, "envelope.header.attachments")
    forged = _envelope(ncbs, "deu-web-000005", ["USA"], sender="DEU")
    assert send({"envelope": forged}) == (403, "sender")
    assert send({"envelope": good, "thread_id": "no-such-thread"}) == (404, "thread_id")

    octets = {**headers, "Content-Type": "application/octet-stream"}
    wrong_type = web.post(
        "/web/messages/attachments", content=b"x", headers={**headers, "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 422 and wrong_type.json()["field"] == "body"
    announced = web.post(
        "/web/messages/attachments", content=b"x", headers={**octets, "X-Content-SHA256": "0" * 64}
    )
    assert announced.status_code == 422 and announced.json()["field"] == "sha256"
    not_hex = web.post(
        "/web/messages/attachments", content=b"x", headers={**octets, "X-Content-SHA256": "zz"}
    )
    assert not_hex.status_code == 422 and not_hex.json()["field"] == "sha256"
    empty = web.post("/web/messages/attachments", content=b"", headers=octets)
    assert empty.status_code == 422 and empty.json()["field"] == "attachment"
    assert web.get("/web/messages?box=nonsense").status_code == 200
    assert web.get("/web/messages/new?reply=" + "x" * 80).status_code == 422


def test_a_message_sent_through_the_services_is_in_the_thread(
    web: TestClient, world: World, ncbs: dict[str, PrivateKeys], store: Store
) -> None:
    first = _envelope(ncbs, "fra-web-000010", ["DEU", "USA"])
    messages.send(store, world.ncb_a.principal, SendInput(envelope=first))
    answer = seal(
        ncbs["DEU"],
        [ncbs["FRA"].public(), ncbs["USA"].public()],
        b"confirmed",
        message_id="deu-web-000011",
        created="2026-11-23T20:00:00+00:00",
    ).as_json()
    messages.send(
        store, world.ncb_b.principal, SendInput(envelope=answer, thread_id="fra-web-000010")
    )
    sign_in(web, store, world.ncb_c.principal)
    inbox = web.get("/web/messages").text
    assert inbox.count('<section class="thread"') == 1  # both in one conversation
    assert "Conversation with DEU, FRA" in inbox
    thread = web.get("/web/messages/deu-web-000011").text
    ids = re.findall(r'<article class="letter[^"]*" id="m-([^"]+)"', thread)
    assert ids == ["fra-web-000010", "deu-web-000011"]
    assert 'data-chosen="1"' in thread.split('id="m-deu-web-000011"')[1][:400]
