"""Person checks: one person, a batch, and a yente-compatible ``/match`` endpoint."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from concord.api.deps import PrincipalDep
from concord.errors import InvalidInput
from concord.services.person_checks import PersonChecker
from concord.services.yente import match_queries

router = APIRouter(tags=["person checks"])


def _checker(request: Request) -> PersonChecker:
    checker: PersonChecker = request.app.state.person_checker
    return checker


@router.post("/checks/persons")
async def check_person(
    principal: PrincipalDep, request: Request, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Check one person: ``name`` (any script; or ``given_names`` and ``family_names``),
    optional ``dob`` (YYYY, YYYY-MM or YYYY-MM-DD), ``nationality`` (ISO 3166) and ``sex``;
    or ``mrz``, a machine-readable zone whose person fields are checked (the answer then
    says what was read and which check digit, if any, failed).

    Answers the verdict of the best candidate and up to 10 candidates the caller may
    see, best first, each with its score, verdict and explanation.
    """
    return await run_in_threadpool(_checker(request).check_one, principal, body)


@router.post("/checks/persons/batch")
async def check_persons(
    principal: PrincipalDep, request: Request, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Check up to 1,000 persons ``{"items": [...]}``; a bad row carries its own error."""
    items = body.get("items")
    if not isinstance(items, list):
        raise InvalidInput("must be a list of persons", field="items")
    return {"results": await run_in_threadpool(_checker(request).check_many, principal, items)}


@router.post("/match/{dataset}")
async def match(
    principal: PrincipalDep,
    request: Request,
    body: Annotated[dict[str, Any], Body()],
    dataset: Annotated[str, Path(max_length=100)],
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    threshold: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> dict[str, Any]:
    """OpenSanctions yente's ``/match``: FollowTheMoney ``Person`` queries in, yente's
    answer shape out, so tools built for yente can screen against Concord."""
    checker = _checker(request)
    return await run_in_threadpool(
        match_queries, checker, principal, body, dataset, limit, threshold
    )
