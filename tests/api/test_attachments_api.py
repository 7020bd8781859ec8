"""Sealed attachments through the API: streamed in, carried by a signed message,
fetched whole by the parties only, refused past the limit without leaving a trace."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from concord.api import create_app
from concord.messaging.attachments import SealedAttachment, open_stream, seal_stream
from concord.messaging.envelope import Envelope, EnvelopeRefused, open_envelope, seal
from concord.messaging.keys import PrivateKeys
from concord.messaging.letter import AttachedFile, Letter
from concord.services import attachments
from concord.store import Store
from concord.store.tables import attachments as attachments_table
from concord.store.tables import audit_events
from tests.api.conftest import bearer
from tests.conftest import World

OCTETS = {"Content-Type": "application/octet-stream"}


def _sealed(data: bytes) -> tuple[bytes, SealedAttachment]:
    sink = io.BytesIO()
    sealed = seal_stream(io.BytesIO(data), sink)
    return sink.getvalue(), sealed


def _upload(client: TestClient, token: str, blob: bytes, **headers: str) -> Any:
    return client.post("/attachments", content=blob, headers={**bearer(token), **OCTETS, **headers})


def _message(
    ncbs: dict[str, PrivateKeys],
    message_id: str,
    to: list[str],
    files: list[tuple[str, SealedAttachment]],
) -> dict[str, Any]:
    letter = Letter(
        "Photos of the subject",
        "Attached: the passport scan and the face image.",
        [AttachedFile.of(name, "application/octet-stream", s) for name, s in files],
    )
    envelope = seal(
        ncbs["FRA"],
        [ncbs[c].public() for c in to],
        letter.to_bytes(),
        message_id=message_id,
        created="2026-11-23T21:00Z",
        attachments=[s for _, s in files],
    )
    return {"envelope": envelope.as_json(), "priority": "high"}


def test_attach_send_fetch_and_open(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys], store: Store
) -> None:
    scan = os.urandom(300_000)
    blob, sealed = _sealed(scan)
    first = _upload(client, world.ncb_a.token, blob, **{"X-Content-SHA256": sealed.sha256})
    assert first.status_code == 201, first.text
    assert first.json() == {"sha256": sealed.sha256, "size": sealed.size}
    assert _upload(client, world.ncb_a.token, blob).status_code == 201  # again: harmless
    with store.read() as conn:
        rows = conn.execute(select(func.count()).select_from(attachments_table)).scalar_one()
    assert rows == 1
    body = _message(ncbs, "fra-att-000001", ["DEU"], [("scan.jpg", sealed)])
    sent = client.post("/messages", json=body, headers=bearer(world.ncb_a.token))
    assert sent.status_code == 201, sent.text
    assert sent.json()["attachments"] == [{"sha256": sealed.sha256, "size": sealed.size}]
    # The recipient: the message, its letter, the file, checked against the signed header.
    got = client.get("/messages/fra-att-000001", headers=bearer(world.ncb_b.token)).json()
    envelope = Envelope.from_json(got["envelope"])
    letter = Letter.from_bytes(open_envelope(envelope, ncbs["DEU"], ncbs["FRA"].public()))
    (attached,) = letter.attachments
    assert (attached.sha256, attached.name) == (envelope.attachments[0][0], "scan.jpg")
    fetched = client.get(
        f"/messages/fra-att-000001/attachments/{attached.sha256}",
        headers=bearer(world.ncb_b.token),
    )
    assert fetched.status_code == 200
    assert fetched.headers["x-content-sha256"] == attached.sha256
    assert scan not in fetched.content  # the platform holds ciphertext only
    out = io.BytesIO()
    open_stream(io.BytesIO(fetched.content), out, attached.key, attached.sha256)
    assert out.getvalue() == scan
    # The sender may fetch its own; each fetch is audited.
    assert (
        client.get(
            f"/messages/fra-att-000001/attachments/{sealed.sha256}",
            headers=bearer(world.ncb_a.token),
        ).status_code
        == 200
    )
    store.audit.flush()
    with store.read() as conn:
        audited = conn.execute(
            select(func.count())
            .select_from(audit_events)
            .where(audit_events.c.action == "message.attachment")
        ).scalar_one()
    assert audited == 2


def test_no_one_else_fetches_an_attachment(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    blob, sealed = _sealed(b"confidential annex")
    assert _upload(client, world.ncb_a.token, blob).status_code == 201
    body = _message(ncbs, "fra-att-000002", ["DEU"], [("annex.pdf", sealed)])
    assert client.post("/messages", json=body, headers=bearer(world.ncb_a.token)).status_code == 201
    path = f"/messages/fra-att-000002/attachments/{sealed.sha256}"
    for token in (
        world.ncb_c.token,
        world.gs.token,
        world.ccf.token,
        world.frontline_b.token,
        world.partner_a.token,
        world.ncb_suspended.token,
    ):
        answer = client.get(path, headers=bearer(token))
        assert answer.status_code in (403, 404), answer.text
        assert blob not in answer.content
        message = client.get("/messages/fra-att-000002", headers=bearer(token))
        assert message.status_code in (403, 404)
        inbox = client.get("/messages?box=in", headers=bearer(token))
        assert inbox.status_code == 403 or inbox.json()["items"] == []
    # No other route serves it: not by its digest alone, not under another message.
    assert client.get(
        f"/attachments/{sealed.sha256}", headers=bearer(world.ncb_b.token)
    ).status_code in (404, 405)
    other = _message(ncbs, "fra-att-000003", ["USA"], [])
    assert (
        client.post("/messages", json=other, headers=bearer(world.ncb_a.token)).status_code == 201
    )
    via_other = client.get(
        f"/messages/fra-att-000003/attachments/{sealed.sha256}", headers=bearer(world.ncb_c.token)
    )
    assert via_other.status_code == 404
    assert client.get(path, headers={}).status_code == 401


def test_only_the_uploader_attaches_what_it_uploaded(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys]
) -> None:
    blob, sealed = _sealed(b"uploaded by DEU")
    assert _upload(client, world.ncb_b.token, blob).status_code == 201
    body = _message(ncbs, "fra-att-000004", ["USA"], [("x.bin", sealed)])
    refused = client.post("/messages", json=body, headers=bearer(world.ncb_a.token))
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "envelope.header.attachments"
    never = _message(ncbs, "fra-att-000005", ["USA"], [("y.bin", _sealed(b"never sent")[1])])
    answer = client.post("/messages", json=never, headers=bearer(world.ncb_a.token))
    assert answer.status_code == 422 and "upload it first" in answer.json()["error"]["message"]
    assert (
        client.get("/messages/fra-att-000004", headers=bearer(world.ncb_a.token)).status_code == 404
    )


def test_bad_uploads_are_refused_with_a_reason(client: TestClient, world: World) -> None:
    token = world.ncb_a.token
    wrong = _upload(client, token, b"sealed bytes", **{"X-Content-SHA256": "0" * 64})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "sha256"
    assert _upload(client, token, b"").status_code == 422
    as_json = client.post("/attachments", json={"a": 1}, headers=bearer(token))
    assert as_json.status_code == 422 and as_json.json()["error"]["field"] == "body"
    assert _upload(client, world.frontline_a.token, b"abc").status_code == 403
    assert client.post("/attachments", content=b"abc", headers=OCTETS).status_code == 401


@pytest.fixture
def small_client(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An API whose attachments are at most 2 KiB (so the limit is cheap to cross)."""
    monkeypatch.setattr(
        store, "settings", store.settings.model_copy(update={"attachment_max_bytes": 2048})
    )
    with TestClient(create_app(settings=store.settings, store=store)) as c:
        yield c


def _leftovers(store: Store) -> list[Path]:
    return [p for p in attachments.directory(store).rglob("*") if p.is_file()]


def test_over_the_limit_is_refused_and_nothing_kept(
    small_client: TestClient, world: World, store: Store
) -> None:
    limit = attachments.largest_upload(store)
    token = world.ncb_a.token
    by_header = _upload(small_client, token, b"x" * (limit + 1))
    assert by_header.status_code == 413
    streamed = small_client.post(
        "/attachments",
        content=iter([b"y" * 1000] * 5),  # chunked: no Content-Length to refuse early
        headers={**bearer(token), **OCTETS},
    )
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["error"]["code"] == "payload_too_large"
    assert _leftovers(store) == []
    at_limit = _upload(small_client, token, b"z" * limit)
    assert at_limit.status_code == 201
    assert len(_leftovers(store)) == 1


def test_unsent_uploads_are_purged_and_sent_ones_kept(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys], store: Store
) -> None:
    kept_blob, kept = _sealed(b"carried by a message")
    dropped_blob, dropped = _sealed(b"never carried")
    for blob in (kept_blob, dropped_blob):
        assert _upload(client, world.ncb_a.token, blob).status_code == 201
    body = _message(ncbs, "fra-att-000006", ["DEU"], [("a.txt", kept)])
    assert client.post("/messages", json=body, headers=bearer(world.ncb_a.token)).status_code == 201
    stray = attachments.directory(store) / "incoming" / "cut-off.part"
    stray.write_bytes(b"half an upload")
    os.utime(stray, (0, 0))
    assert attachments.purge_unsent(store) == 1  # only the half upload is a day old
    assert not stray.exists()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    assert attachments.purge_unsent(store, later) == 1  # the upload no message carries
    names = {p.name for p in _leftovers(store)}
    assert kept.sha256 in names and dropped.sha256 not in names
    path = f"/messages/fra-att-000006/attachments/{kept.sha256}"
    assert client.get(path, headers=bearer(world.ncb_b.token)).status_code == 200


def test_a_stored_attachment_changed_on_disk_is_refused_by_the_recipient(
    client: TestClient, world: World, ncbs: dict[str, PrivateKeys], store: Store
) -> None:
    blob, sealed = _sealed(b"original evidence" * 1000)
    assert _upload(client, world.ncb_a.token, blob).status_code == 201
    body = _message(ncbs, "fra-att-000007", ["DEU"], [("e.txt", sealed)])
    assert client.post("/messages", json=body, headers=bearer(world.ncb_a.token)).status_code == 201
    (on_disk,) = [p for p in _leftovers(store) if p.name == sealed.sha256]
    damaged = bytearray(on_disk.read_bytes())
    damaged[len(damaged) // 2] ^= 0x10
    on_disk.write_bytes(bytes(damaged))
    fetched = client.get(
        f"/messages/fra-att-000007/attachments/{sealed.sha256}", headers=bearer(world.ncb_b.token)
    ).content
    assert hashlib.sha256(fetched).hexdigest() != sealed.sha256
    with pytest.raises(EnvelopeRefused):
        open_stream(io.BytesIO(fetched), io.BytesIO(), sealed.key, sealed.sha256)


def test_a_country_cannot_fill_the_disk_with_uploads_it_never_sends(
    client: TestClient,
    world: World,
    ncbs: dict[str, PrivateKeys],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quota = store.settings.model_copy(update={"attachment_unsent_quota_bytes": 5000})
    monkeypatch.setattr(store, "settings", quota)
    first_blob, first = _sealed(os.urandom(3000))
    assert _upload(client, world.ncb_a.token, first_blob).status_code == 201
    over = _upload(client, world.ncb_a.token, _sealed(os.urandom(3000))[0])
    assert over.status_code == 413 and "more bytes before sending" in over.text
    assert _upload(client, world.ncb_b.token, _sealed(os.urandom(3000))[0]).status_code == 201
    body = _message(ncbs, "fra-att-000008", ["DEU"], [("a.bin", first)])
    assert client.post("/messages", json=body, headers=bearer(world.ncb_a.token)).status_code == 201
    again = _upload(client, world.ncb_a.token, _sealed(os.urandom(3000))[0])
    assert again.status_code == 201  # a sent file no longer counts
