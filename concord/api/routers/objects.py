"""Object records: one collection per kind (documents, blank-ranges, vehicles, ...).

No postponed annotations here: each route's body type is built per kind at run time.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, status

from concord.api.deps import BigId, PrincipalDep, StoreDep
from concord.domain.countries import normalise_country
from concord.services import objects
from concord.store.kinds import OBJECT_KINDS, ObjectKind


def _router(kind: ObjectKind) -> APIRouter:
    router = APIRouter(prefix=f"/{kind.path}", tags=["objects"])
    fields = ", ".join(
        sorted((kind.csv_required | kind.csv_optional) - {"visibility", "visibility_countries"})
    )
    body_doc = f"A {kind.name} record. Fields: {fields}, access {{visibility, countries}}."
    RecordBody = Annotated[dict[str, Any], Body(description=body_doc)]

    @router.post("", status_code=status.HTTP_201_CREATED, summary=f"Report a {kind.name}")
    def create(body: RecordBody, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
        return objects.create(store, principal, kind, body)

    @router.get("", summary=f"List {kind.path} the caller may see")
    def list_records(
        principal: PrincipalDep,
        store: StoreDep,
        owner: Annotated[str | None, Query(min_length=2, max_length=3)] = None,
        cursor: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        review_due: Annotated[
            bool, Query(description="only records past their review date (out of checks)")
        ] = False,
    ) -> dict[str, Any]:
        owner_code = normalise_country(owner, "owner") if owner else None
        items, next_cursor = objects.list_page(
            store,
            principal,
            kind,
            owner=owner_code,
            after_id=cursor,
            limit=limit,
            review_due=review_due,
        )
        return {"items": items, "next_cursor": next_cursor}

    @router.get("/{record_id}", summary=f"Read a {kind.name}")
    def get(record_id: BigId, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
        return objects.get(store, principal, kind, record_id)

    @router.put("/{record_id}", summary=f"Replace a {kind.name} (owner's NCB)")
    def replace(
        record_id: BigId, body: RecordBody, principal: PrincipalDep, store: StoreDep
    ) -> dict[str, Any]:
        return objects.update(store, principal, kind, record_id, body)

    @router.delete(
        "/{record_id}", status_code=status.HTTP_204_NO_CONTENT, summary=f"Delete a {kind.name}"
    )
    def delete(record_id: BigId, principal: PrincipalDep, store: StoreDep) -> None:
        objects.delete(store, principal, kind, record_id)

    return router


routers = [_router(kind) for kind in OBJECT_KINDS]
