"""User administration."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from concord.api.deps import PrincipalDep, SmallId, StoreDep
from concord.api.schemas import SecondFactorOut, UserCreate, UserOut
from concord.services import users

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create(body: UserCreate, principal: PrincipalDep, store: StoreDep) -> UserOut:
    view = users.create_user(
        store,
        principal,
        username=body.username,
        role=body.role,
        country=body.country,
        password=body.password,
        display_name=body.display_name,
    )
    return UserOut(**asdict(view))


@router.get("", response_model=list[UserOut])
def list_users(principal: PrincipalDep, store: StoreDep) -> list[UserOut]:
    return [UserOut(**asdict(v)) for v in users.list_users(store, principal)]


@router.get("/{user_id}", response_model=UserOut)
def get(user_id: SmallId, principal: PrincipalDep, store: StoreDep) -> UserOut:
    return UserOut(**asdict(users.get_user(store, principal, user_id)))


@router.post("/{user_id}/disable", response_model=UserOut)
def disable(user_id: SmallId, principal: PrincipalDep, store: StoreDep) -> UserOut:
    return UserOut(**asdict(users.set_active(store, principal, user_id, False)))


@router.post("/{user_id}/enable", response_model=UserOut)
def enable(user_id: SmallId, principal: PrincipalDep, store: StoreDep) -> UserOut:
    return UserOut(**asdict(users.set_active(store, principal, user_id, True)))


@router.post(
    "/{user_id}/second-factor",
    response_model=SecondFactorOut,
    status_code=status.HTTP_201_CREATED,
)
def enrol_second_factor(
    user_id: SmallId, principal: PrincipalDep, store: StoreDep
) -> SecondFactorOut:
    """Enrol (or replace) the account's authenticator; the secret is shown this once.
    NCB, General Secretariat and CCF staff cannot log in without it."""
    return SecondFactorOut(**users.enrol_second_factor(store, principal, user_id))
