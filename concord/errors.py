"""Error classes that carry their HTTP status and a machine-readable code.

Services raise these; the API maps them to ``{"error": {code, message, field}}``
in one place and the CLI maps them to a message and exit code 2.
"""

from __future__ import annotations

from typing import Any


class ConcordError(Exception):
    """Base error: an HTTP status, a stable code, a human message, the field at fault."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details  # more the caller can act on (a compliance report, say)
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidInput(ConcordError):
    status = 422
    code = "invalid"


class Unauthenticated(ConcordError):
    status = 401
    code = "unauthenticated"


class Forbidden(ConcordError):
    status = 403
    code = "forbidden"


class NotFound(ConcordError):
    status = 404
    code = "not_found"


class Conflict(ConcordError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ConcordError):
    status = 413
    code = "payload_too_large"
