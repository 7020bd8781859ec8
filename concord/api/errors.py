"""Every error leaves as ``{"error": {"code", "message", "field"}}`` with a 4xx status.

One place maps Concord errors, request-validation errors and HTTP errors; an
unexpected exception becomes a bare 500 without a traceback (and is logged).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from concord.domain.validation import field_path
from concord.errors import ConcordError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: dict[str, Any] | None = None,
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    error: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def concord_error_response(exc: ConcordError) -> JSONResponse:
    """A service error as the API answers it (shared by the handler and the checks lane)."""
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.details)


def _validation_message(err: dict[str, object]) -> tuple[str, str]:
    kind = str(err.get("type", ""))
    message = str(err.get("msg", "invalid"))
    if kind == "json_invalid":
        return "malformed_json", "request body is not valid JSON"
    if kind == "extra_forbidden":
        return "unknown_field", "unknown field"
    if kind == "missing":
        return "missing", "field required"
    return "invalid", message.removeprefix("Value error, ")


def install(app: FastAPI) -> None:
    @app.exception_handler(ConcordError)
    async def _concord(_: Request, exc: ConcordError) -> JSONResponse:
        return concord_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0]
        loc = tuple(p for p in err.get("loc", ()) if p not in ("body", "query", "path", "header"))
        code, message = _validation_message(err)
        return error_response(422, code, message, field_path(loc) or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, detail)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "internal error; it has been logged")
