"""Webhooks for national systems."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from concord.api.deps import PrincipalDep, StoreDep
from concord.services import webhooks
from concord.services.webhooks import WebhookInput

router = APIRouter(prefix="/webhooks", tags=["events"])


@router.post("", status_code=status.HTTP_201_CREATED)
def register(body: WebhookInput, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """Register an endpoint for the caller's country's events (``kinds`` to choose some).
    The answer holds the HMAC secret, once: requests carry ``X-Concord-Signature:
    sha256=<HMAC-SHA256 of the body>`` and an ``Idempotency-Key``."""
    return webhooks.register(store, principal, body)


@router.delete("/{hook_id}", status_code=status.HTTP_204_NO_CONTENT)
def disable(
    hook_id: Annotated[int, Path(ge=1, le=2**62)], principal: PrincipalDep, store: StoreDep
) -> None:
    webhooks.disable(store, principal, hook_id)
