"""Public extracts of notices, without an account, in the public red-notice service's shape."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from concord.api.deps import StoreDep
from concord.domain.notices import NoticeKind
from concord.services import public_notices

router = APIRouter(prefix="/public", tags=["public"])


@router.get("/notices")
def list_public(
    store: StoreDep,
    name: Annotated[str | None, Query(max_length=100, description="family name contains")] = None,
    forename: Annotated[str | None, Query(max_length=100)] = None,
    nationality: Annotated[str | None, Query(max_length=3, description="ISO alpha-2")] = None,
    ageMin: Annotated[int | None, Query(ge=0, le=130)] = None,
    ageMax: Annotated[int | None, Query(ge=0, le=130)] = None,
    sexId: Annotated[str | None, Query(max_length=1, description="M, F or U")] = None,
    arrestWarrantCountryId: Annotated[str | None, Query(max_length=3)] = None,
    kind: NoticeKind | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    resultPerPage: Annotated[int, Query(ge=1, le=public_notices.MAX_PER_PAGE)] = 20,
) -> dict[str, Any]:
    """Published notices whose requester agreed to a public extract (UN notices always),
    newest first; the same parameters and answer as the public red-notice service."""
    query = public_notices.parse_query(
        {
            "name": name,
            "forename": forename,
            "nationality": nationality,
            "ageMin": ageMin,
            "ageMax": ageMax,
            "sexId": sexId,
            "arrestWarrantCountryId": arrestWarrantCountryId,
            "kind": kind.value if kind else None,
            "page": page,
            "resultPerPage": resultPerPage,
        }
    )
    return public_notices.search(store, query)


@router.get("/notices/{entity_id}")
def get_public(store: StoreDep, entity_id: Annotated[str, Path(max_length=30)]) -> dict[str, Any]:
    """One public extract, with its charges and the country of each warrant."""
    return public_notices.detail(store, entity_id)
