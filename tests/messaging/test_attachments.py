"""Attachments sealed in segments: they open whole, and any change is refused."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concord.messaging.attachments import (
    HEADER_BYTES,
    SEGMENT,
    open_stream,
    seal_stream,
    sealed_size,
)
from concord.messaging.envelope import EnvelopeRefused
from concord.messaging.letter import AttachedFile, Letter


def _seal(data: bytes) -> tuple[bytes, bytes, str]:
    sink = io.BytesIO()
    sealed = seal_stream(io.BytesIO(data), sink)
    assert sealed.size == len(sink.getvalue()) == sealed_size(len(data))
    assert sealed.plain_size == len(data)
    return sink.getvalue(), sealed.key, sealed.sha256


def _open(blob: bytes, key: bytes, sha256: str) -> bytes:
    out = io.BytesIO()
    assert open_stream(io.BytesIO(blob), out, key, sha256) == len(out.getvalue())
    return out.getvalue()


@pytest.mark.parametrize(
    "size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 3 * SEGMENT + 17]
)
def test_round_trip_at_every_segment_edge(size: int) -> None:
    data = os.urandom(size)
    blob, key, sha = _seal(data)
    assert data not in blob or size < 8  # a few bytes may occur by chance in random bytes
    assert _open(blob, key, sha) == data


def test_each_file_has_its_own_key_and_digest() -> None:
    data = b"scan of passport page 2" * 100
    first, second = _seal(data), _seal(data)
    assert first[1] != second[1] and first[2] != second[2]


@given(st.data())
def test_a_flipped_bit_anywhere_is_refused(data: st.DataObject) -> None:
    blob, key, sha = _seal(b"x" * (2 * SEGMENT + 100))
    position = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    damaged = bytearray(blob)
    damaged[position] ^= 1 << bit
    with pytest.raises(EnvelopeRefused):
        _open(bytes(damaged), key, sha)


def _segments(blob: bytes) -> tuple[bytes, list[bytes]]:
    head, rest = blob[:HEADER_BYTES], blob[HEADER_BYTES:]
    step = SEGMENT + 16
    return head, [rest[i : i + step] for i in range(0, len(rest), step)]


def test_segments_cut_dropped_or_swapped_are_refused() -> None:
    blob, key, _ = _seal(os.urandom(3 * SEGMENT + 5))
    head, parts = _segments(blob)
    assert len(parts) == 4
    for changed in (
        head + b"".join(parts[:3]),  # the last segment cut off
        head + parts[0] + parts[2] + parts[3],  # one dropped
        head + parts[1] + parts[0] + parts[2] + parts[3],  # two swapped
        head + parts[0] + parts[0] + parts[1] + parts[2] + parts[3],  # one repeated
    ):
        # Even with the digest of the changed file (a platform that lies), it fails.
        with pytest.raises(EnvelopeRefused, match="segment"):
            _open(changed, key, hashlib.sha256(changed).hexdigest())


def test_a_file_other_than_the_signed_one_is_refused() -> None:
    blob, key, _ = _seal(b"evidence")
    with pytest.raises(EnvelopeRefused, match="not the one signed"):
        _open(blob, key, "0" * 64)
    with pytest.raises(EnvelopeRefused, match="not a sealed attachment"):
        _open(b"GIF89a....", key, "0" * 64)
    with pytest.raises(EnvelopeRefused):
        _open(blob, os.urandom(32), "0" * 64)  # the wrong key


def test_letter_carries_subject_body_and_keys() -> None:
    sealed = seal_stream(io.BytesIO(b"photo"), io.BytesIO())
    letter = Letter(
        "HIT 42 — photos",
        "Тело сообщения",
        [AttachedFile.of("face.jpg", "image/jpeg", sealed)],
    )
    again = Letter.from_bytes(letter.to_bytes())
    assert again == letter
    assert again.attachments[0].key == sealed.key and again.attachments[0].size == 5
    assert Letter.from_bytes(b"plain text from an older client").body.startswith("plain")
    assert Letter.from_bytes(b'{"kind": "other"}').subject == ""
