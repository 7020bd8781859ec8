"""Sealed attachments: the ciphertext an NCB uploads before the message that carries it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from starlette.concurrency import run_in_threadpool

from concord.api.deps import PrincipalDep, StoreDep
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.services import attachments
from concord.store import Store

router = APIRouter(prefix="/attachments", tags=["secure messages"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def upload(
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    content_sha256: Annotated[
        str | None, Header(alias="X-Content-SHA256", pattern="^[0-9a-f]{64}$")
    ] = None,
) -> dict[str, Any]:
    """Upload one attachment sealed on the sender's side (the raw ciphertext as the body,
    streamed to disk, at most the sealed size of a 50 MB file). Answers its SHA-256
    and size, which the sender then signs in the message's header. ``X-Content-SHA256``,
    when sent, is checked against what arrived. Uploading the same file again is
    harmless; only the uploading country can attach it to a message."""
    return await receive(request, store, principal, content_sha256)


async def receive(
    request: Request, store: Store, principal: Principal, announced: str | None
) -> dict[str, Any]:
    """Stream the request's body, a sealed file, into the attachments folder (the API's
    upload and the web application's): the partial file removed on any failure."""
    if request.headers.get("content-type", "application/octet-stream").split(";")[0] not in (
        "application/octet-stream",
    ):
        raise InvalidInput("send the sealed file as application/octet-stream", field="body")
    upload = await run_in_threadpool(attachments.begin, store, principal)
    try:
        async for chunk in request.stream():
            upload.write(chunk)  # raises past the limit, the partial file removed
    except BaseException:
        upload.discard()
        raise
    return await run_in_threadpool(attachments.finish, store, principal, upload, announced)
