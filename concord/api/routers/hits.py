"""The life of a hit: the owner's answer, the resolution, and the command centre."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from concord.api.deps import PrincipalDep, StoreDep
from concord.services import hit_workflow
from concord.services.hit_workflow import Answer, Resolution

router = APIRouter(tags=["hits"])

HitId = Annotated[int, Path(ge=1, le=2**62)]


@router.post("/hits/{hit_id}/answer")
def answer(hit_id: HitId, body: Answer, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """The owner country's NCB: ``confirmed`` (the same person or object) or ``not_same``."""
    return hit_workflow.answer(store, principal, hit_id, body)


@router.post("/hits/{hit_id}/resolve")
def resolve(
    hit_id: HitId, body: Resolution, principal: PrincipalDep, store: StoreDep
) -> dict[str, Any]:
    """Close a confirmed hit: located, arrested, seized or no action, with a note."""
    return hit_workflow.resolve(store, principal, hit_id, body)


@router.get("/command-centre/hits")
def command_centre(principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """Every open hit, missed deadlines first (the General Secretariat)."""
    return {"items": hit_workflow.command_centre(store, principal)}
