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


async def get_principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Resolved on the event loop: the token cache answers without I/O nearly always.

    A cache miss reads the database once per token every few seconds; running
    that inline costs less than sending every request through the thread pool.
    """
    if credentials is None:
        raise Unauthenticated("missing bearer token")
    return auth.resolve(store, credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
