"""A small world whose hits were made by real checks, for the statistics, dashboard and
browser tests: checks by France (6 rows), Germany (1) and the USA (1); four hits
(a red notice's, a yellow notice's, a stolen passport's and a stolen car's), three of
them confirmed by their owners and the red notice's resolved as an arrest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.index.identifiers import IdentifierIndex
from concord.index.names import PersonNameIndex
from concord.services import hit_workflow, notices, objects, persons
from concord.services.checks import Checker
from concord.services.hit_workflow import Answer, Resolution
from concord.services.person_checks import PersonChecker
from concord.store.kinds import DOCUMENT, VEHICLE
from tests.conftest import World
from tests.wanted import publish_red_notice

DOC = {"number": "C01X00T47", "issuing_country": "FRA"}
VIN = "1M8GDM9AXKP042788"


@dataclass
class Made:
    wanted: int  # the red notice's hit (confirmed, then resolved: arrested)
    missing: int  # the yellow notice's hit (confirmed)
    document: int  # FRA's stolen passport hit by a German officer (confirmed)
    vehicle: int  # USA's car, hit by a US NCB officer (left new)


def _yellow(world: World) -> None:
    """DEU's missing person, published without a crime programme."""
    record = persons.create(
        world.store,
        world.ncb_b.principal,
        PersonInput.model_validate({"full_name": "Lena Vogelsang", "dob": "2009-03-14"}),
    )
    body: dict[str, Any] = {"kind": "yellow", "subject": {"kind": "person", "id": record["id"]}}
    notice = notices.create(world.store, world.ncb_b.principal, NoticeInput.model_validate(body))
    notices.move(world.store, world.ncb_b.principal, notice["id"], Move.SUBMIT)
    notices.move(world.store, world.gs.principal, notice["id"], Move.PUBLISH)


def make_results(world: World) -> Made:
    """The checks and hits above, made in ``world``."""
    store = world.store
    publish_red_notice(world)
    _yellow(world)
    objects.create(store, world.ncb_a.principal, DOCUMENT, {**DOC, "status": "stolen"})
    objects.create(store, world.ncb_c.principal, VEHICLE, {"vin": VIN, "status": "stolen"})
    names = PersonNameIndex(store)
    names.load()
    index = IdentifierIndex(store)
    index.load()
    people = PersonChecker(store, names, store.settings)
    things = Checker(store, index)
    fra, deu = world.frontline_a.principal, world.frontline_b.principal
    wanted = people.check_one(fra, {"name": "BENALI, Karim", "dob": "1985-06-01"})["hit_id"]
    missing = people.check_one(fra, {"name": "Lena Vogelsang", "dob": "2009-03-14"})["hit_id"]
    clean = {"document": {"number": "X1234567", "issuing_country": "FRA"}}
    assert things.check_one(fra, clean)["hit"] is False
    batch = [{"document": {"number": f"Y000{n}", "issuing_country": "ESP"}} for n in range(3)]
    assert not any(a["hit"] for a in things.check_many(fra, batch))
    document = things.check_one(deu, {"document": DOC})["matches"][0]["hit_id"]
    vehicle = things.check_one(world.ncb_c.principal, {"vin": VIN})
    made = Made(wanted, missing, document, vehicle["matches"][0]["hit_id"])
    owner_deu, owner_fra = world.ncb_b.principal, world.ncb_a.principal
    for hit_id, owner in ((wanted, owner_deu), (missing, owner_deu), (document, owner_fra)):
        hit_workflow.answer(store, owner, hit_id, Answer(answer="confirmed"))
    hit_workflow.resolve(
        store, owner_fra, wanted, Resolution(resolution="arrested", note="held at the border")
    )
    return made
