"""A signed snapshot of match keys that a border post checks against with no network.

The file holds no identifier in clear: each match key (``D|DEU|C01X00T47``)
is stored as the first 8 bytes of HMAC-SHA256 under a key derived with scrypt
from a passphrase that travels separately from the file. A stolen laptop with
the file alone cannot tell whether any number is listed; with the passphrase
it can only ask the question the border post asks anyway. Stolen blank
ranges are expanded to every number they hold.

Layout: ``MAGIC``, a JSON header line (times, count, KDF parameters), the
sorted 8-byte hashes, then an Ed25519 signature by the platform over
everything before it. A check verifies the signature against the platform's
public key (held by the border post, never taken from the file) and refuses
an expired snapshot.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from concord.errors import InvalidInput

MAGIC = b"CONCORD-SNAPSHOT-1\n"
SIGNATURE_BYTES = 64
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class SnapshotRefused(InvalidInput):
    """A snapshot that must not be used: altered, not signed by the platform, or expired."""


def derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if len(passphrase) < 12:
        raise InvalidInput(
            "the snapshot passphrase must be at least 12 characters", field="passphrase"
        )
    return hashlib.scrypt(
        passphrase.encode(), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024, dklen=32
    )


def keyed_hash(key: bytes, match_key: str) -> int:
    digest = hmac.new(key, match_key.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def build(
    match_keys: Iterable[str],
    *,
    passphrase: str,
    signing_key: Ed25519PrivateKey,
    valid_for: dt.timedelta,
    scope: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The snapshot file's bytes."""
    now = now or dt.datetime.now(dt.UTC)
    salt = os.urandom(16)
    key = derive_key(passphrase, salt, **SCRYPT)
    hashes = np.unique(np.fromiter((keyed_hash(key, k) for k in match_keys), dtype=np.int64))
    header = {
        "version": 1,
        "created_at": now.isoformat(timespec="seconds"),
        "expires_at": (now + valid_for).isoformat(timespec="seconds"),
        "scope": scope,
        "count": int(hashes.size),
        "kdf": {"name": "scrypt", "salt": base64.b64encode(salt).decode(), **SCRYPT},
        "hash": "hmac-sha256, first 8 bytes, big-endian, sorted",
    }
    body = (
        MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + hashes.astype(">i8").tobytes()
    )
    return body + signing_key.sign(body)


@dataclass(frozen=True)
class Snapshot:
    header: dict[str, object]
    hashes: npt.NDArray[np.int64]
    key: bytes

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(str(self.header["expires_at"]))

    def possible_hit(self, match_key: str) -> bool:
        h = keyed_hash(self.key, match_key)
        i = int(self.hashes.searchsorted(h))
        return i < self.hashes.size and int(self.hashes[i]) == h


def open_snapshot(
    data: bytes, *, public_key: Ed25519PublicKey, passphrase: str, now: dt.datetime | None = None
) -> Snapshot:
    """Verify and open a snapshot, or raise SnapshotRefused saying why."""
    if len(data) < len(MAGIC) + SIGNATURE_BYTES or not data.startswith(MAGIC):
        raise SnapshotRefused("not a Concord snapshot file", field="file")
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        public_key.verify(signature, body)
    except InvalidSignature:
        raise SnapshotRefused(
            "the snapshot's signature does not verify: "
            "it was altered, or not signed by this platform",
            field="file",
        ) from None
    end = body.index(b"\n", len(MAGIC))
    header = json.loads(body[len(MAGIC) : end])
    now = now or dt.datetime.now(dt.UTC)
    expires = dt.datetime.fromisoformat(header["expires_at"])
    if now >= expires:
        raise SnapshotRefused(
            f"the snapshot expired at {header['expires_at']}: get a fresh one before relying on it",
            field="file",
        )
    raw = body[end + 1 :]
    hashes = np.frombuffer(raw, dtype=">i8").astype(np.int64)
    kdf = header["kdf"]
    key = derive_key(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
    return Snapshot(header, hashes, key)
