"""Pure ASGI middleware: request body limit and Prometheus request metrics."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from concord.api.errors import error_response

REQUESTS = Counter(
    "concord_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "concord_http_request_seconds",
    "HTTP request latency",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413, by header and while streaming;
    ``larger`` names paths with a limit of their own (attachment uploads)."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None):
        self.app = app
        self.default_max = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger.get(scope.get("path", ""), self.default_max)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > max_bytes:
                    response = error_response(
                        413 if declared > 0 else 400,
                        "payload_too_large" if declared > 0 else "bad_request",
                        f"request body over {max_bytes} bytes"
                        if declared > 0
                        else "bad Content-Length",
                    )
                    await response(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise HTTPException(413, f"request body over {max_bytes} bytes")
            return message

        await self.app(scope, limited, send)


class Metrics:
    """Count and time requests by route template (not raw path: bounded labels).

    The labelled series are kept per (method, route, status): ``labels()``
    builds and looks up its key under a lock, a cost paid on every request.
    """

    MAX_SERIES = 10_000  # methods come from clients: stop keeping beyond this

    def __init__(self, app: ASGIApp):
        self.app = app
        self.series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", "unmatched")
            key = (scope["method"], template, status)
            series = self.series.get(key)
            if series is None:
                series = (REQUESTS.labels(key[0], template, str(status)), LATENCY.labels(template))
                if len(self.series) < self.MAX_SERIES:
                    self.series[key] = series
            series[0].inc()
            series[1].observe(time.perf_counter() - start)
