"""A published red notice about Karim Benali (Germany's), for tests whose checks must hit."""

from __future__ import annotations

from typing import Any

from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.services import notices, persons
from tests.conftest import World

RED_REQUEST: dict[str, Any] = {
    "kind": "red",
    "crime_programme": "counter_terrorism",
    "purpose": "prosecution",
    "offences": [{"description": "terrorism", "law": "StGB § 89a", "max_penalty_months": 120}],
    "warrant": {"reference": "W-1", "date": "2026-01-01", "authority": "BGH"},
}


def publish_red_notice(world: World) -> dict[str, Any]:
    """DEU records the person, asks for the notice, the General Secretariat publishes it."""
    record = persons.create(
        world.store,
        world.ncb_b.principal,
        PersonInput.model_validate({"full_name": "Karim Benali", "dob": "1985-06-01"}),
    )
    request = {**RED_REQUEST, "subject": {"kind": "person", "id": record["id"]}}
    notice = notices.create(world.store, world.ncb_b.principal, NoticeInput.model_validate(request))
    notices.move(world.store, world.ncb_b.principal, notice["id"], Move.SUBMIT)
    return notices.move(world.store, world.gs.principal, notice["id"], Move.PUBLISH)
