"""Reusable ``Annotated`` dependencies: the store and the authenticated principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


async def get_principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Resolved on the event loop: the token cache answers without I/O nearly always.

    A cache miss reads the database once per token every few seconds; running
    that inline costs less than sending every request through the thread pool.
    """
    return principal_of(store, None if credentials is None else credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
