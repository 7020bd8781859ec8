"""Argon2id password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from concord.errors import InvalidInput

_hasher = PasswordHasher()
MIN_LENGTH = 12
# Hash of a random password: verified against when the user does not exist,
# so that a log-in for an unknown name takes as long as for a known one.
_DUMMY = _hasher.hash("concord-timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"must be at least {MIN_LENGTH} characters", field="password")
    if len(password) > 1024:
        raise InvalidInput("must be at most 1024 characters", field="password")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
