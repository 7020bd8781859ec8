"""Envelopes: only recipients (and the sender, with its copy) open them, and any flipped
bit is refused; one sealed before the sender's copy existed still verifies."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.errors import InvalidInput
from concord.messaging import keys
from concord.messaging.envelope import Envelope, EnvelopeRefused, open_envelope, seal, verify
from concord.messaging.keys import PrivateKeys, PublicKeys

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def ncbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PrivateKeys]:
    directory = tmp_path_factory.mktemp("keys")
    return {c: keys.generate(directory / c, c, PASSPHRASE) for c in ("FRA", "DEU", "USA", "BRA")}


def _sealed(ncbs: dict[str, PrivateKeys], content: bytes = b"Subject: HIT 42") -> Envelope:
    recipients = [ncbs["DEU"].public(), ncbs["USA"].public()]
    return seal(ncbs["FRA"], recipients, content, message_id="m-1", created="2026-11-23T19:30Z")


def _sealed_the_old_way(ncbs: dict[str, PrivateKeys], content: bytes = b"Old: HIT 7") -> Envelope:
    """An envelope as sealed before the sender's copy existed: no ``sender_copy``, and
    the signature over {header, ciphertext digest, wrapped} alone, made here
    independently of the module's ``_signed_bytes``."""
    made = _sealed(ncbs, content)
    signed = {
        "header": made.header,
        "ciphertext": hashlib.sha256(made.ciphertext).hexdigest(),
        "wrapped": made.wrapped,
    }
    canonical = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    signature = ncbs["FRA"].signing.sign(canonical.encode())
    return Envelope(made.header, made.ciphertext, made.wrapped, signature)


def test_each_recipient_opens_it_and_no_one_else(ncbs: dict[str, PrivateKeys]) -> None:
    envelope = _sealed(ncbs)
    sender = ncbs["FRA"].public()
    for country in ("DEU", "USA"):
        assert open_envelope(envelope, ncbs[country], sender) == b"Subject: HIT 42"
    with pytest.raises(EnvelopeRefused) as refused:
        open_envelope(envelope, ncbs["BRA"], sender)
    assert refused.value.field == "recipients"
    assert b"HIT 42" not in json.dumps(envelope.as_json()).encode()  # stored unreadable


def test_the_sender_opens_its_own_copy_and_is_no_recipient(ncbs: dict[str, PrivateKeys]) -> None:
    envelope = _sealed(ncbs)
    sender = ncbs["FRA"].public()
    assert open_envelope(envelope, ncbs["FRA"], sender) == b"Subject: HIT 42"
    assert envelope.recipients == ["DEU", "USA"] == envelope.header["recipients"]
    assert "FRA" not in envelope.wrapped
    assert envelope.sender_copy is not None
    assert envelope.sender_copy["key"] == sender.encryption_fingerprint
    stored = json.loads(json.dumps(envelope.as_json()))
    assert stored["version"] == 1 and "sender_copy" in stored
    again = Envelope.from_json(stored)
    assert again == envelope and again.as_json() == envelope.as_json()
    assert open_envelope(again, ncbs["FRA"], sender) == b"Subject: HIT 42"
    dropped = copy.deepcopy(stored)
    del dropped["sender_copy"]  # the copy is signed: it cannot be stripped unnoticed either
    with pytest.raises(EnvelopeRefused) as refused:
        verify(Envelope.from_json(dropped), sender)
    assert refused.value.field == "signature"
    for bad in (None, "x", ["key"], {"key": 5}):
        with pytest.raises(InvalidInput) as invalid:
            Envelope.from_json({**stored, "sender_copy": bad})
        assert invalid.value.field == "sender_copy"


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_flipped_bit_in_the_sender_copy_is_refused(
    ncbs: dict[str, PrivateKeys], data: st.DataObject
) -> None:
    stored = _sealed(ncbs, os.urandom(64)).as_json()
    field = data.draw(st.sampled_from(["ephemeral", "wrapped"]))
    damaged = copy.deepcopy(stored)
    damaged["sender_copy"][field] = _flip(damaged["sender_copy"][field], data)
    for reader in ("FRA", "DEU"):
        with pytest.raises(EnvelopeRefused) as refused:
            open_envelope(Envelope.from_json(damaged), ncbs[reader], ncbs["FRA"].public())
        assert refused.value.field == "signature"


def test_an_envelope_sealed_without_a_sender_copy_still_verifies_and_opens(
    ncbs: dict[str, PrivateKeys],
) -> None:
    old = _sealed_the_old_way(ncbs)
    stored = json.loads(json.dumps(old.as_json()))
    assert "sender_copy" not in stored and stored["version"] == 1
    envelope = Envelope.from_json(stored)
    assert envelope.sender_copy is None and envelope.recipients == ["DEU", "USA"]
    sender = ncbs["FRA"].public()
    verify(envelope, sender)
    for country in ("DEU", "USA"):
        assert open_envelope(envelope, ncbs[country], sender) == b"Old: HIT 7"
    with pytest.raises(EnvelopeRefused) as refused:
        open_envelope(envelope, ncbs["FRA"], sender)  # only its recipients, as before
    assert refused.value.field == "sender_copy"
    grafted = {**stored, "sender_copy": _sealed(ncbs).as_json()["sender_copy"]}
    with pytest.raises(EnvelopeRefused):  # a copy added afterwards breaks the signature
        verify(Envelope.from_json(grafted), sender)


def test_an_unknown_or_wrong_sender_key_is_refused(ncbs: dict[str, PrivateKeys]) -> None:
    envelope = _sealed(ncbs)
    with pytest.raises(EnvelopeRefused):
        verify(envelope, None)
    impostor = PublicKeys(
        "FRA", ncbs["DEU"].signing.public_key(), ncbs["DEU"].encryption.public_key()
    )
    with pytest.raises(EnvelopeRefused) as refused:
        verify(envelope, impostor)
    assert refused.value.field == "sender_key"


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_flipped_bit_anywhere_is_refused(
    ncbs: dict[str, PrivateKeys], data: st.DataObject
) -> None:
    stored = _sealed(ncbs, os.urandom(64)).as_json()
    part = data.draw(st.sampled_from(["ciphertext", "signature", "wrapped", "header"]))
    damaged = copy.deepcopy(stored)
    if part in ("ciphertext", "signature"):
        damaged[part] = _flip(damaged[part], data)
    elif part == "wrapped":
        field = data.draw(st.sampled_from(["ephemeral", "wrapped"]))
        damaged["wrapped"]["DEU"][field] = _flip(damaged["wrapped"]["DEU"][field], data)
    else:
        damaged["header"]["created"] = "2026-11-24T00:00Z"
    with pytest.raises(EnvelopeRefused):
        open_envelope(Envelope.from_json(damaged), ncbs["DEU"], ncbs["FRA"].public())


def _flip(value: str, data: st.DataObject) -> str:
    raw = bytearray(base64.b64decode(value))
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    return base64.b64encode(bytes(raw)).decode()


def test_keys_are_written_protected_and_read_back(tmp_path: Path) -> None:
    made = keys.generate(tmp_path, "NGA", PASSPHRASE)
    assert (tmp_path / "NGA.signing.pem").stat().st_mode & 0o077 == 0
    assert b"ENCRYPTED" in (tmp_path / "NGA.signing.pem").read_bytes()
    loaded = keys.load(tmp_path, "NGA", PASSPHRASE)
    assert loaded.public().as_json() == made.public().as_json()
    published = json.loads((tmp_path / "NGA.public.json").read_text())
    assert PublicKeys.from_json(published).as_json() == published
    with pytest.raises(InvalidInput) as wrong:
        keys.load(tmp_path, "NGA", "not the passphrase")
    assert wrong.value.field == "passphrase"
    with pytest.raises(InvalidInput):
        keys.generate(tmp_path, "NGA", PASSPHRASE)  # never overwritten
    with pytest.raises(InvalidInput) as short:
        keys.generate(tmp_path / "x", "BRA", "short")
    assert short.value.field == "passphrase"
    for bad, field in (
        ({**published, "signing_key": "!!"}, "signing_key"),
        ({**published, "encryption_key": base64.b64encode(b"x" * 31).decode()}, "encryption_key"),
        ({**published, "country": 5}, "country"),
    ):
        with pytest.raises(InvalidInput) as refused:
            PublicKeys.from_json(bad)
        assert refused.value.field == field
