"""Health and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from concord import __version__
from concord.api.deps import StoreDep
from concord.api.errors import error_response
from concord.api.schemas import Health

router = APIRouter(tags=["system"])


@router.get("/health", response_model=Health)
def health(store: StoreDep) -> Response | Health:
    try:
        with store.read() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return error_response(503, "unavailable", "database does not answer")
    return Health(status="ok", database="ok", version=__version__)


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
