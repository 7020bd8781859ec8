"""Reusable ``Annotated`` dependencies: the store and the authenticated principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from concord.domain.principal import Principal
from concord.errors import Unauthenticated
from concord.services import auth
from concord.store import Store

_bearer = HTTPBearer(auto_error=False, description="An API token from POST /auth/token")


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header, parsed as ``HTTPBearer`` does.

    The checks lane reads the header without FastAPI; a test holds the two equal.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if not scheme or not token or scheme.lower() != "bearer":
        return None
    return token


def principal_of(store: Store, token: str | None) -> Principal:
    """The principal of a bearer token (cached by ``auth.resolve``), or Unauthenticated."""
    if token is None:
        raise Unauthenticated("missing bearer token")
    return auth.resolve(store, token)


async def principal_awaited(store: Store, token: str | None) -> Principal:
    """``principal_of`` for the event loop: a cache hit inline, a miss in a worker thread.

    A miss reads the database once per token every few seconds; that read
    must not hold up the loop's other requests while it waits on the disk.
    """
    if token is None:
        raise Unauthenticated("missing bearer token")
    principal = auth.cached(store, token)
    if principal is None:
        principal = await run_in_threadpool(auth.resolve, store, token)
    return principal


async def get_principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The request's principal (see ``principal_awaited``)."""
    return await principal_awaited(store, None if credentials is None else credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]

# Ids in paths, bounded by their columns: past the range is a 422 naming the
# parameter, never a database overflow (a 500 on PostgreSQL).
SmallId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # users, tokens (INTEGER)
BigId = Annotated[int, Path(ge=1, le=2**62)]  # records, hits (BIGINT)
