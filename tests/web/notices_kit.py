"""What the notices pages' tests share: a French person record, the form of a red
notice request that passes every rule, and the rows the store holds."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from concord.domain.persons import PersonInput
from concord.services import persons
from concord.store import Store
from concord.store.tables import notices
from tests.conftest import World


def french_person(world: World, name: str = "Julien Marchetti", dob: str = "1979-03-14") -> int:
    record = persons.create(
        world.store,
        world.ncb_a.principal,
        PersonInput.model_validate({"full_name": name, "dob": dob}),
    )
    return int(record["id"])


def red_form(person_id: int, **changes: str) -> dict[str, str]:
    """A red notice request as the form posts it, complete: every rule passes."""
    form = {
        "kind": "red",
        "subject_kind": "person",
        "subject_person": str(person_id),
        "crime_programme": "organized_emerging_crime",
        "title": "Armed robbery of a jeweller",
        "summary": "Armed robbery of a jewellery shop in Lyon; two employees injured.",
        "subject_description": "",
        "offence_0_description": "armed robbery",
        "offence_0_law": "Code pénal art. 311-8",
        "offence_0_penalty": "360",
        "offence_1_description": "",
        "offence_1_law": "",
        "offence_1_penalty": "",
        "purpose": "prosecution",
        "warrant_type": "arrest_warrant",
        "warrant_reference": "MA-2026-118",
        "warrant_date": "2026-02-03",
        "warrant_authority": "Tribunal judiciaire de Lyon",
        "remaining_sentence_months": "",
        "un_reference": "",
    }
    form.update(changes)
    return form


def notice_count(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(notices)).scalar_one())


def notice_row(store: Store, notice_id: int) -> dict[str, Any]:
    with store.read() as conn:
        row = conn.execute(select(notices).where(notices.c.id == notice_id)).mappings().one()
    return dict(row)


def rule_outcome(html: str, rule: str) -> str:
    """The outcome a page shows for one rule (pass, flag, fail)."""
    found = re.search(r'<li class="rule (\w+)" data-rule="' + re.escape(rule) + '"', html)
    assert found, f"rule {rule} not shown"
    return found.group(1)


def saved_id(location: str) -> int:
    found = re.fullmatch(r"/web/notices/(\d+)\?done=\w+", location)
    assert found, location
    return int(found.group(1))
