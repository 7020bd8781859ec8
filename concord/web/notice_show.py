"""How the notices pages show what the services answer: the rules' results with the
form fields they concern, the subjects' names, the moves a viewer may make.

Nothing here decides: which moves are shown follows the domain's table of moves,
and the service checks every move again when it is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from concord.domain.enums import Role
from concord.domain.notices import TRANSITIONS, Move, NoticeState, may_move
from concord.domain.principal import Principal
from concord.errors import ConcordError
from concord.services import persons, records
from concord.store import Store
from concord.store.tables import persons as persons_table
from concord.web.i18n import Catalogue
from concord.web.notice_form import form_field

OUTCOMES = ("pass", "flag", "fail")
# Moves offered as buttons on a notice's page (submitting is the form's own button;
# expiry is the clock's).
OFFERED = (
    Move.PUBLISH, Move.REFUSE, Move.REQUEST_INFO, Move.CLEAR, Move.SUSPEND, Move.RESUME,
    Move.RENEW, Move.WITHDRAW, Move.CANCEL,
)  # fmt: skip
PICKER_SIZE = 200  # own person records offered in the subject select


def field_label(name: str, t: Catalogue) -> str:
    """The label of a form field, as the form shows it."""
    if name.startswith("offence_"):
        _, row, part = name.split("_", 2)
        return t(f"notices_field_offence_{part}", n=int(row) + 1)
    return t(f"notices_field_{name}")


def results(
    report: dict[str, Any] | None,
    t: Catalogue,
    rows: list[int] | None = None,
    subject_field: str = "subject_person",
) -> list[dict[str, Any]]:
    """Each rule's result with the form fields it concerns (for a rule not passed)."""
    out: list[dict[str, Any]] = []
    for result in (report or {}).get("results", []):
        fields: list[str] = []
        if result["outcome"] != "pass":
            for evidence in result.get("evidence", []):
                name = form_field(str(evidence), rows or [], subject_field)
                if name and name not in fields:
                    fields.append(name)
        out.append({
            "rule": result["rule"],
            "name": result["name"],
            "outcome": result["outcome"] if result["outcome"] in OUTCOMES else "fail",
            "message": result["message"],
            "evidence": list(result.get("evidence", [])) if result["outcome"] != "pass" else [],
            "fields": [{"id": f, "label": field_label(f, t)} for f in fields],
        })  # fmt: skip
    return out


def subject_names(
    store: Store, principal: Principal, items: Iterable[dict[str, Any]]
) -> dict[int, str]:
    """Names of the person records the notices are about, read in one audited listing
    (a record the viewer may not see, or deleted, keeps its number only)."""
    ids = sorted({int(n["subject"]["id"]) for n in items if n["subject"]["kind"] == "person"})
    names: dict[int, str] = {}
    page_max = store.settings.page_size_max
    for start in range(0, len(ids), page_max):
        chunk = ids[start : start + page_max]
        try:
            rows, _ = records.list_page(
                store, principal, persons.KIND, persons_table,
                limit=len(chunk), where=[persons_table.c.id.in_(chunk)],
            )  # fmt: skip
        except ConcordError:
            continue
        for row in rows:
            label = str(row.get("display_name") or row.get("full_name") or "")
            names[int(row["id"])] = f"{label} ({row['dob']})" if row.get("dob") else label
    return names


def own_persons(store: Store, principal: Principal) -> list[dict[str, Any]]:
    """The requester's person records to choose the subject from, by name."""
    if principal.role is not Role.NCB:
        return []
    found, _ = persons.list_page(
        store, principal, owner=principal.country,
        limit=min(PICKER_SIZE, store.settings.page_size_max),
    )  # fmt: skip
    return sorted(found, key=lambda p: (str(p.get("display_name") or ""), int(p["id"])))


def moves_for(principal: Principal, notice: dict[str, Any]) -> list[str]:
    """The moves this viewer may make on the notice in its present state."""
    state = NoticeState(notice["state"])
    offered: list[str] = []
    for move in OFFERED:
        if state not in TRANSITIONS[move].sources:
            continue
        if not may_move(principal.role, principal.country, notice["owner"], move):
            continue
        review = (notice.get("compliance") or {}).get("review")
        if move is Move.CLEAR and review != "pending":
            continue
        offered.append(move.value)
    return offered


def needs_reason(move: str) -> bool:
    return TRANSITIONS[Move(move)].needs_reason
