"""Attachments sealed on the sender's side, in segments, so 50 MB never sits in memory.

Each attachment gets its own random key (carried inside the message's encrypted
content, so only recipients learn it). The file is cut into 64 KiB segments, each
sealed with ChaCha20-Poly1305 under a nonce made of a random prefix, the segment's
number and a last-segment flag: a segment moved, dropped, repeated or cut short,
or a flipped bit anywhere, fails to open. The platform stores the ciphertext and
names it by its SHA-256, which the sender also signs in the envelope's header.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from concord.messaging.envelope import EnvelopeRefused

MAGIC = b"CCA1"
SEGMENT = 64 * 1024
_TAG = 16
_PREFIX = 7
HEADER_BYTES = len(MAGIC) + _PREFIX


def sealed_size(plain_size: int) -> int:
    """Bytes of ciphertext for ``plain_size`` bytes of file (an empty file: one empty segment)."""
    segments = max(1, -(-plain_size // SEGMENT))
    return HEADER_BYTES + plain_size + segments * _TAG


@dataclass(frozen=True, slots=True)
class SealedAttachment:
    """What the sender keeps to describe one sealed file: the key goes into the
    encrypted content, the digest and size into the signed header."""

    key: bytes
    sha256: str  # of the ciphertext: the platform's name for it
    size: int  # of the ciphertext
    plain_size: int


def seal_stream(source: BinaryIO, sink: BinaryIO) -> SealedAttachment:
    """Encrypt ``source`` into ``sink`` segment by segment."""
    key = ChaCha20Poly1305.generate_key()
    aead = ChaCha20Poly1305(key)
    prefix = os.urandom(_PREFIX)
    digest = hashlib.sha256()
    written = plain = 0

    def put(data: bytes) -> None:
        nonlocal written
        sink.write(data)
        digest.update(data)
        written += len(data)

    put(MAGIC + prefix)
    counter = 0
    chunk = source.read(SEGMENT)
    while True:
        following = source.read(SEGMENT) if len(chunk) == SEGMENT else b""
        last = not following
        put(aead.encrypt(_nonce(prefix, counter, last), chunk, None))
        plain += len(chunk)
        if last:
            break
        chunk, counter = following, counter + 1
    return SealedAttachment(key, digest.hexdigest(), written, plain)


def open_stream(source: BinaryIO, sink: BinaryIO, key: bytes, sha256: str) -> int:
    """Decrypt ``source`` into ``sink``; refuse a file whose digest is not the signed one
    or whose segments do not open. Returns the plaintext size. On refusal ``sink``
    may hold a prefix: write to a temporary file and keep it only on success."""
    digest = hashlib.sha256()
    head = source.read(HEADER_BYTES)
    digest.update(head)
    if len(head) != HEADER_BYTES or not head.startswith(MAGIC):
        raise EnvelopeRefused("not a sealed attachment", field="attachment")
    prefix = head[len(MAGIC) :]
    aead = ChaCha20Poly1305(key)
    counter = plain = 0
    chunk = source.read(SEGMENT + _TAG)
    while True:
        digest.update(chunk)
        following = source.read(SEGMENT + _TAG) if len(chunk) == SEGMENT + _TAG else b""
        last = not following
        try:
            data = aead.decrypt(_nonce(prefix, counter, last), chunk, None)
        except InvalidTag:
            raise EnvelopeRefused(
                f"segment {counter} cannot be opened: tampered or cut short", field="attachment"
            ) from None
        sink.write(data)
        plain += len(data)
        if last:
            break
        chunk, counter = following, counter + 1
    if digest.hexdigest() != sha256:
        raise EnvelopeRefused("the attachment is not the one signed", field="attachment")
    return plain


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
