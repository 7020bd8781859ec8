"""Secure messages through the API: stored sealed, delivered once, read by recipients only."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from concord.messaging import keys
from concord.messaging.envelope import Envelope, open_envelope, seal
from concord.messaging.keys import PrivateKeys
from concord.store.tables import audit_events
from tests.api.conftest import PASSPHRASE, bearer
from tests.conftest import World


def _envelope(
    ncbs: dict[str, PrivateKeys], message_id: str, to: list[str], text: bytes
) -> dict[str, Any]:
    recipients = [ncbs[c].public() for c in to]
    return seal(
        ncbs["FRA"], recipients, text, message_id=message_id, created="2026-11-23T19:45Z"
    ).as_json()


def test_send_deliver_read_and_retry(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    body = {
        "envelope": _envelope(
            ncbs, "fra-2026-000001", ["DEU"], b"HIT on red notice 42: please confirm"
        ),
        "priority": "urgent",
        "handling": ["police_use_only"],
        "links": [{"kind": "notice", "id": 42}],
    }
    sent = client.post("/messages", json=body, headers=bearer(world.ncb_a.token))
    assert sent.status_code == 201, sent.text
    assert sent.json()["receipts"] == [{"recipient": "DEU", "delivered_at": None, "read_at": None}]
    retry = client.post("/messages", json=body, headers=bearer(world.ncb_a.token))
    assert retry.status_code == 200  # the same envelope again: never a second copy
    world.store.audit.flush()
    with world.store.read() as conn:  # each post audited, the retry as one
        sends = conn.execute(
            select(audit_events.c.details).where(audit_events.c.action == "message.send")
        ).scalars()
        assert sorted(json.loads(d)["already_stored"] for d in sends) == [False, True]
    inbox = client.get("/messages?box=in", headers=bearer(world.ncb_b.token)).json()["items"]
    assert [m["message_id"] for m in inbox] == ["fra-2026-000001"]
    stored = Envelope.from_json(inbox[0]["envelope"])
    assert open_envelope(stored, ncbs["DEU"], ncbs["FRA"].public()).startswith(b"HIT on red")
    # The sender rereads its own letter with its copy; it is not a recipient.
    assert open_envelope(stored, ncbs["FRA"], ncbs["FRA"].public()).startswith(b"HIT on red")
    assert inbox[0]["recipients"] == ["DEU"]
    assert client.get("/messages?box=in", headers=bearer(world.ncb_a.token)).json()["items"] == []
    read = client.post("/messages/fra-2026-000001/read", headers=bearer(world.ncb_b.token))
    assert read.status_code == 200
    seen = client.get("/messages/fra-2026-000001", headers=bearer(world.ncb_a.token)).json()
    (receipt,) = seen["receipts"]
    assert receipt["delivered_at"] and receipt["read_at"]
    outbox = client.get("/messages?box=out", headers=bearer(world.ncb_a.token)).json()["items"]
    assert len(outbox) == 1 and outbox[0]["handling"] == ["police_use_only"]
    told = client.get("/events/stream?idle=0.3", headers=bearer(world.ncb_b.token)).text
    assert told.count("event: message.new") == 1  # posted twice, announced once
    receipts = client.get("/events/stream?idle=0.3", headers=bearer(world.ncb_a.token)).text
    assert "event: message.delivered" in receipts and "event: message.read" in receipts


def test_no_one_else_reads_it(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    body = {"envelope": _envelope(ncbs, "fra-2026-000002", ["DEU"], b"secret")}
    assert client.post("/messages", json=body, headers=bearer(world.ncb_a.token)).status_code == 201
    for token in (
        world.ncb_c.token,
        world.ccf.token,
        world.frontline_b.token,
        world.partner_a.token,
    ):
        answer = client.get("/messages/fra-2026-000002", headers=bearer(token))
        assert answer.status_code in (403, 404), answer.text
        listed = client.get("/messages?box=in", headers=bearer(token))
        assert listed.status_code == 403 or listed.json()["items"] == []
    denied = client.post("/messages/fra-2026-000002/read", headers=bearer(world.ncb_c.token))
    assert denied.status_code == 404
    assert (
        client.post("/messages/fra-2026-000002/read", headers=bearer(world.ncb_a.token)).status_code
        == 403
    )


def test_tampered_or_misaddressed_envelopes_are_refused(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys], tmp_path: Path
) -> None:
    token = world.ncb_a.token
    good = _envelope(ncbs, "fra-2026-000003", ["DEU"], b"text")
    flipped = json.loads(json.dumps(good))
    raw = bytearray(base64.b64decode(flipped["ciphertext"]))
    raw[5] ^= 1
    flipped["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    answer = client.post("/messages", json={"envelope": flipped}, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "envelope_refused"
    # In another country's name, or with a different envelope under a used id.
    as_deu = client.post("/messages", json={"envelope": good}, headers=bearer(world.ncb_b.token))
    assert as_deu.status_code == 403
    assert (
        client.post("/messages", json={"envelope": good}, headers=bearer(token)).status_code == 201
    )
    other = _envelope(ncbs, "fra-2026-000003", ["DEU"], b"other text")
    assert (
        client.post("/messages", json={"envelope": other}, headers=bearer(token)).status_code == 409
    )
    # Sealed for a key the recipient has replaced.
    stale = _envelope(ncbs, "fra-2026-000004", ["USA"], b"x")
    newer = keys.generate(tmp_path / "newer", "USA", PASSPHRASE)
    fresh = newer.public().as_json()
    assert client.post("/keys", json=fresh, headers=bearer(world.ncb_c.token)).status_code == 201
    refused = client.post("/messages", json={"envelope": stale}, headers=bearer(token))
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "recipients"
    # A sender's copy for a key other than the sender's current encryption key.
    fra = ncbs["FRA"]
    astray = PrivateKeys("FRA", fra.signing, ncbs["DEU"].encryption)  # signs as FRA
    wrong_copy = seal(
        astray, [ncbs["DEU"].public()], b"x", message_id="fra-2026-000005", created="2026-11-23"
    ).as_json()
    refused = client.post("/messages", json={"envelope": wrong_copy}, headers=bearer(token))
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "sender_copy"
    bad_id = _envelope(ncbs, "x", ["DEU"], b"x")
    assert (
        client.post("/messages", json={"envelope": bad_id}, headers=bearer(token)).status_code
        == 422
    )


def test_threads_answer_within_the_conversation(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    first = {"envelope": _envelope(ncbs, "fra-2026-000010", ["DEU"], b"question")}
    assert (
        client.post("/messages", json=first, headers=bearer(world.ncb_a.token)).status_code == 201
    )
    reply_envelope = seal(
        ncbs["DEU"], [ncbs["FRA"].public()], b"answer", message_id="deu-2026-000010", created="t"
    ).as_json()
    reply = {"envelope": reply_envelope, "thread_id": "fra-2026-000010"}
    assert (
        client.post("/messages", json=reply, headers=bearer(world.ncb_b.token)).status_code == 201
    )
    thread = client.get(
        "/messages?box=in&thread=fra-2026-000010", headers=bearer(world.ncb_a.token)
    )
    assert [m["message_id"] for m in thread.json()["items"]] == ["deu-2026-000010"]
    outsider_envelope = seal(
        ncbs["USA"], [ncbs["FRA"].public()], b"me too", message_id="usa-2026-000001", created="t"
    ).as_json()
    outsider = {"envelope": outsider_envelope, "thread_id": "fra-2026-000010"}
    answer = client.post("/messages", json=outsider, headers=bearer(world.ncb_c.token))
    assert answer.status_code == 404 and answer.json()["error"]["field"] == "thread_id"
