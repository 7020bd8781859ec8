"""The web application's records pages (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/web", include_in_schema=False)
