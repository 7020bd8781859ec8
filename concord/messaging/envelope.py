"""Sealed envelopes: signed by the sender, readable only by each named recipient.

The content is encrypted once (ChaCha20-Poly1305 under a random key, the header
as associated data); the key is then wrapped for each recipient with a fresh
X25519 exchange against the recipient's public key, through HKDF-SHA256 bound to
the message id and both public keys. The key is wrapped the same way once more
for the sender's own encryption key (the *sender's copy*, ``sender_copy``), so the
sender can reread what it sent; this makes the sender no recipient (``recipients``
are the keys of ``wrapped`` alone, and the platform delivers to them only). The
sender signs, with Ed25519, the header and the digests of the content, of every
wrapped key and of the sender's copy, so nothing in an envelope can change
unnoticed: a flipped bit in the content, a wrapped key, the sender's copy, the
header or the signature is refused. The platform stores envelopes and can verify
who sent them, but holds no key that opens them.

The sender's copy is optional (envelopes sealed before it existed have none, and
are still version 1): it enters the signed bytes only when present, so an older
envelope verifies byte for byte as it did, and only its recipients open it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from concord.errors import ConcordError, InvalidInput
from concord.messaging.keys import PrivateKeys, PublicKeys, fingerprint, raw

VERSION = 1
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_WRAP_NONCE = bytes(12)  # each wrapping key is used once: a fixed nonce is safe


class Blob(Protocol):
    """A sealed attachment as the header names it (``attachments.SealedAttachment``)."""

    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...


class EnvelopeRefused(ConcordError):
    """An envelope that must not be trusted: tampered, from an unknown key, or not for us."""

    status = 422
    code = "envelope_refused"


@dataclass(frozen=True, slots=True)
class Envelope:
    header: dict[str, Any]  # message id, sender, its key, recipients, created
    ciphertext: bytes
    wrapped: dict[str, dict[str, str]]  # recipient country -> key fingerprint, ephemeral, key
    signature: bytes
    sender_copy: dict[str, str] | None = None  # the key wrapped for the sender itself

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": VERSION,
            "header": self.header,
            "ciphertext": _b64(self.ciphertext),
            "wrapped": self.wrapped,
            "signature": _b64(self.signature),
        }
        if self.sender_copy is not None:
            out["sender_copy"] = self.sender_copy
        return out

    @classmethod
    def from_json(cls, data: object) -> Envelope:
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise InvalidInput("not a version 1 envelope", field="envelope")
        header, wrapped = data.get("header"), data.get("wrapped")
        if not isinstance(header, dict) or not isinstance(wrapped, dict):
            raise InvalidInput("header and wrapped keys are objects", field="envelope")
        sender_copy = data.get("sender_copy")
        if "sender_copy" in data and not (
            isinstance(sender_copy, dict) and all(isinstance(v, str) for v in sender_copy.values())
        ):
            raise InvalidInput("the sender's copy is an object of text", field="sender_copy")
        return cls(
            header,
            _unb64(data.get("ciphertext")),
            wrapped,
            _unb64(data.get("signature")),
            sender_copy,
        )

    @property
    def sender(self) -> str:
        return str(self.header["sender"])

    @property
    def recipients(self) -> list[str]:
        return sorted(self.wrapped)

    @property
    def attachments(self) -> list[tuple[str, int]]:
        """(SHA-256, size) of each sealed attachment, as signed in the header."""
        listed = self.header.get("attachments", [])
        if not isinstance(listed, list):
            raise InvalidInput("a list of attachments", field="envelope.header.attachments")
        out = []
        for item in listed:
            entry = item if isinstance(item, dict) else {}
            sha, size = entry.get("sha256"), entry.get("size")
            if not isinstance(sha, str) or not _SHA256.match(sha):
                raise InvalidInput("a SHA-256 in hex", field="envelope.header.attachments.sha256")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise InvalidInput("a size in bytes", field="envelope.header.attachments.size")
            out.append((sha, size))
        return out


def seal(
    sender: PrivateKeys,
    recipients: list[PublicKeys],
    content: bytes,
    *,
    message_id: str,
    created: str,
    attachments: Sequence[Blob] = (),
) -> Envelope:
    """Encrypt ``content`` for each recipient, and for the sender's own encryption key
    (the sender's copy), and sign the whole, with the digest of each attachment
    sealed beforehand (``attachments.seal_stream``)."""
    if not recipients:
        raise InvalidInput("at least one recipient", field="recipients")
    header: dict[str, Any] = {
        "message_id": message_id,
        "sender": sender.country,
        "sender_key": fingerprint(raw(sender.signing.public_key())),
        "recipients": sorted(r.country for r in recipients),
        "created": created,
    }
    if attachments:
        header["attachments"] = [{"sha256": a.sha256, "size": a.size} for a in attachments]
    content_key = ChaCha20Poly1305.generate_key()
    nonce = os.urandom(12)
    ciphertext = nonce + ChaCha20Poly1305(content_key).encrypt(nonce, content, _canonical(header))
    wrapped = {r.country: _wrap(content_key, r, message_id) for r in recipients}
    sender_copy = _wrap(content_key, sender.public(), message_id)
    signature = sender.signing.sign(_signed_bytes(header, ciphertext, wrapped, sender_copy))
    return Envelope(header, ciphertext, wrapped, signature, sender_copy)


def verify(envelope: Envelope, sender_keys: PublicKeys | None) -> None:
    """Check the sender's signature over everything; refuse an unknown or wrong key."""
    if sender_keys is None or sender_keys.country != envelope.sender:
        raise EnvelopeRefused(f"no key known for sender {envelope.sender!r}", field="sender")
    if envelope.header.get("sender_key") != sender_keys.signing_fingerprint:
        raise EnvelopeRefused("signed with a key the directory does not hold", field="sender_key")
    if sorted(envelope.header.get("recipients") or []) != envelope.recipients:
        raise EnvelopeRefused("the recipients do not match the signed header", field="recipients")
    try:
        sender_keys.signing.verify(
            envelope.signature,
            _signed_bytes(
                envelope.header, envelope.ciphertext, envelope.wrapped, envelope.sender_copy
            ),
        )
    except InvalidSignature:
        raise EnvelopeRefused("the signature does not match: tampered", field="signature") from None


def open_envelope(
    envelope: Envelope, recipient: PrivateKeys, sender_keys: PublicKeys | None
) -> bytes:
    """Verify, then decrypt for ``recipient`` (the sender itself: with its copy); any
    failure refuses the whole envelope."""
    verify(envelope, sender_keys)
    if recipient.country == envelope.sender and envelope.sender_copy is not None:
        entry: dict[str, str] | None = envelope.sender_copy
    else:
        entry = envelope.wrapped.get(recipient.country)
    if entry is None and recipient.country == envelope.sender:
        raise EnvelopeRefused(
            "sealed without a sender's copy: only the recipients can open it",
            field="sender_copy",
        )
    if entry is None:
        raise EnvelopeRefused("this envelope is not addressed to you", field="recipients")
    own = fingerprint(raw(recipient.encryption.public_key()))
    if entry.get("key") != own:
        raise EnvelopeRefused("sealed for another of your keys", field="key")
    try:
        content_key = _unwrap(entry, recipient.encryption, envelope.header["message_id"])
        nonce, body = envelope.ciphertext[:12], envelope.ciphertext[12:]
        return ChaCha20Poly1305(content_key).decrypt(nonce, body, _canonical(envelope.header))
    except (InvalidTag, ValueError):
        raise EnvelopeRefused(
            "the content cannot be opened: tampered", field="ciphertext"
        ) from None


def _wrap(content_key: bytes, recipient: PublicKeys, message_id: str) -> dict[str, str]:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw(ephemeral.public_key())
    recipient_public = raw(recipient.encryption)
    shared = ephemeral.exchange(recipient.encryption)
    key = _kdf(shared, message_id, ephemeral_public, recipient_public)
    return {
        "key": fingerprint(recipient_public),
        "ephemeral": _b64(ephemeral_public),
        "wrapped": _b64(ChaCha20Poly1305(key).encrypt(_WRAP_NONCE, content_key, None)),
    }


def _unwrap(entry: dict[str, str], private: X25519PrivateKey, message_id: str) -> bytes:
    ephemeral_public = _unb64(entry.get("ephemeral"))
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _kdf(shared, message_id, ephemeral_public, raw(private.public_key()))
    return ChaCha20Poly1305(key).decrypt(_WRAP_NONCE, _unb64(entry.get("wrapped")), None)


def _kdf(shared: bytes, message_id: str, ephemeral: bytes, recipient: bytes) -> bytes:
    info = b"concord message key v1|" + message_id.encode() + b"|" + ephemeral + recipient
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _signed_bytes(
    header: dict[str, Any],
    ciphertext: bytes,
    wrapped: dict[str, dict[str, str]],
    sender_copy: dict[str, str] | None = None,
) -> bytes:
    """The canonical {header, SHA-256 of the ciphertext, wrapped}, with ``sender_copy``
    only when there is one: an envelope sealed without it signs the same bytes as
    before the sender's copy existed."""
    digest: dict[str, Any] = {
        "header": header,
        "ciphertext": hashlib.sha256(ciphertext).hexdigest(),
        "wrapped": {k: wrapped[k] for k in sorted(wrapped)},
    }
    if sender_copy is not None:
        digest["sender_copy"] = sender_copy
    return _canonical(digest)


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(value: object) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except ValueError:
        raise EnvelopeRefused("a field is not base64: damaged", field="envelope") from None
