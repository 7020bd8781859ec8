"""Secure messages: sealed envelopes in, inbox and outbox, delivery and read receipts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import FileResponse

from concord.api.deps import PrincipalDep, StoreDep
from concord.services import attachments, messages
from concord.services.messages import SendInput

router = APIRouter(prefix="/messages", tags=["secure messages"])

MessageId = Annotated[str, Path(min_length=8, max_length=64)]
Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$")]


@router.post("", status_code=status.HTTP_201_CREATED)
def send(
    body: SendInput, principal: PrincipalDep, store: StoreDep, response: Response
) -> dict[str, Any]:
    """Send an envelope sealed on the sender's side (signed with its current key, sealed
    for each recipient's current key). The same envelope posted again answers 200 with
    the stored message: a retry never makes a second copy."""
    message, new = messages.send(store, principal, body)
    if not new:
        response.status_code = status.HTTP_200_OK
    return message


@router.get("")
def list_messages(
    principal: PrincipalDep,
    store: StoreDep,
    box: Annotated[str, Query(pattern="^(in|out)$")] = "in",
    thread: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The inbox (fetching records delivery) or the outbox, oldest first from ``cursor``."""
    items, next_cursor = messages.box(
        store, principal, which=box, after_id=cursor, limit=limit, thread_id=thread
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{message_id}")
def get(message_id: MessageId, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    return messages.get(store, principal, message_id)


@router.post("/{message_id}/read")
def mark_read(message_id: MessageId, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """The recipient's read receipt, seen by the sender."""
    return messages.mark_read(store, principal, message_id)


@router.get(
    "/{message_id}/attachments/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def attachment(
    message_id: MessageId, sha256: Sha256, principal: PrincipalDep, store: StoreDep
) -> FileResponse:
    """The sealed attachment, streamed, for the sender's and the recipients' staff only;
    the recipient checks its digest against the signed header and opens it with the
    key inside the message."""
    found = attachments.fetch(store, principal, message_id, sha256)
    return FileResponse(
        found.path,
        media_type="application/octet-stream",
        headers={"X-Content-SHA256": found.sha256, "Cache-Control": "no-store"},
    )
