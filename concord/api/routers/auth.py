"""Log-in and the caller's own tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from concord.api.deps import PrincipalDep, SmallId, StoreDep
from concord.api.schemas import LoginRequest, Me, TokenCreate, TokenInfo, TokenIssued
from concord.policy import Action, TokenRef, ensure
from concord.services import auth
from concord.store import users_repo

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenIssued, status_code=status.HTTP_201_CREATED)
def login(body: LoginRequest, store: StoreDep) -> TokenIssued:
    """Exchange a username and password (and, for NCB, General Secretariat and CCF
    staff, the authenticator's current code as ``otp``) for a bearer token (shown once)."""
    token_id, token, expires = auth.login(
        store, body.username, body.password, otp=body.otp, label=body.label, ttl_days=body.ttl_days
    )
    return TokenIssued(token=token, token_id=token_id, expires_at=expires)


@router.get("/me", response_model=Me)
def me(principal: PrincipalDep) -> Me:
    return Me(
        user_id=principal.user_id,
        username=principal.username,
        role=principal.role.value,
        country=principal.country,
        country_status=principal.country_status.value,
    )


@router.post("/tokens", response_model=TokenIssued, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenCreate, principal: PrincipalDep, store: StoreDep) -> TokenIssued:
    """A further token for the caller (for example, for a kiosk or a script)."""
    token_id, token, expires = auth.issue_token(
        store, principal, principal.user_id, label=body.label, ttl_days=body.ttl_days
    )
    return TokenIssued(token=token, token_id=token_id, expires_at=expires)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(principal: PrincipalDep, store: StoreDep) -> list[TokenInfo]:
    ensure(principal, Action.LIST, TokenRef(principal.user_id, principal.country, principal.role))
    with store.read() as conn:
        rows = users_repo.tokens_of(conn, principal.user_id)
    return [TokenInfo.model_validate(dict(r)) for r in rows]


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(token_id: SmallId, principal: PrincipalDep, store: StoreDep) -> None:
    auth.revoke_token(store, principal, token_id)
