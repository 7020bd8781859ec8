"""An NCB's two key pairs: Ed25519 to sign what it sends, X25519 to open what it receives.

The private keys are made and kept on the NCB's side (``concord keys generate``),
written encrypted under a passphrase with mode 600; only the public keys travel,
in a small JSON file the NCB registers in the platform's directory. A key is
named by its fingerprint (the first 16 bytes of the SHA-256 of its raw public
bytes, in hex), which every envelope carries.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from concord.errors import InvalidInput

MIN_PASSPHRASE = 12


def raw(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PublicKeys:
    """What the directory holds of an NCB: its two public keys."""

    country: str
    signing: Ed25519PublicKey
    encryption: X25519PublicKey

    @property
    def signing_fingerprint(self) -> str:
        return fingerprint(raw(self.signing))

    @property
    def encryption_fingerprint(self) -> str:
        return fingerprint(raw(self.encryption))

    def as_json(self) -> dict[str, str]:
        return {
            "country": self.country,
            "signing_key": base64.b64encode(raw(self.signing)).decode(),
            "encryption_key": base64.b64encode(raw(self.encryption)).decode(),
            "signing_fingerprint": self.signing_fingerprint,
            "encryption_fingerprint": self.encryption_fingerprint,
        }

    @classmethod
    def from_json(cls, data: object) -> PublicKeys:
        """Public keys as registered; each field checked and named when wrong."""
        if not isinstance(data, dict):
            raise InvalidInput("must be an object", field="keys")
        country = data.get("country")
        if not isinstance(country, str) or len(country) != 3:
            raise InvalidInput("a country code (alpha-3)", field="country")
        return cls(
            country.upper(),
            Ed25519PublicKey.from_public_bytes(_raw_field(data, "signing_key")),
            X25519PublicKey.from_public_bytes(_raw_field(data, "encryption_key")),
        )


def _raw_field(data: dict[str, object], name: str) -> bytes:
    value = data.get(name)
    try:
        decoded = base64.b64decode(str(value), validate=True)
    except ValueError:
        raise InvalidInput("must be base64", field=name) from None
    if len(decoded) != 32:
        raise InvalidInput("must be a 32-byte public key", field=name)
    return decoded


@dataclass(frozen=True, slots=True)
class PrivateKeys:
    country: str
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    def public(self) -> PublicKeys:
        return PublicKeys(self.country, self.signing.public_key(), self.encryption.public_key())


def generate(directory: Path, country: str, passphrase: str) -> PrivateKeys:
    """Make both key pairs; write the private keys encrypted (mode 600) and the public
    ones as ``<country>.public.json``. Refuses to overwrite keys already there."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"at least {MIN_PASSPHRASE} characters", field="passphrase")
    keys = PrivateKeys(country, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    directory.mkdir(parents=True, exist_ok=True)
    paths = _paths(directory, country)
    if any(p.exists() for p in paths.values()):
        raise InvalidInput(f"keys for {country} already exist in {directory}", field="directory")
    protection = serialization.BestAvailableEncryption(passphrase.encode())
    for name, key in (("signing", keys.signing), ("encryption", keys.encryption)):
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection
        )
        fd = os.open(paths[name], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    paths["public"].write_text(json.dumps(keys.public().as_json(), indent=2) + "\n")
    return keys


def load(directory: Path, country: str, passphrase: str) -> PrivateKeys:
    paths = _paths(directory, country)
    signing = _load_private(paths["signing"], passphrase)
    encryption = _load_private(paths["encryption"], passphrase)
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(encryption, X25519PrivateKey):
        raise InvalidInput("the key files hold the wrong kinds of key", field="directory")
    return PrivateKeys(country, signing, encryption)


def _load_private(path: Path, passphrase: str) -> object:
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=passphrase.encode())
    except FileNotFoundError:
        raise InvalidInput(f"no key file {path}", field="directory") from None
    except (TypeError, ValueError):
        raise InvalidInput("wrong passphrase or damaged key file", field="passphrase") from None


def _paths(directory: Path, country: str) -> dict[str, Path]:
    return {
        "signing": directory / f"{country}.signing.pem",
        "encryption": directory / f"{country}.encryption.pem",
        "public": directory / f"{country}.public.json",
    }
