"""Public extracts: only consented published notices, the public service's query and
shape, and loading files in that shape again and again with the same result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.errors import InvalidInput, NotFound
from concord.services import notices, persons, public_notices
from concord.services.public_notices_import import import_public_notices
from concord.store import Store

DEU = Principal(1, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
GS = Principal(2, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)
RED: dict[str, Any] = {
    "kind": "red",
    "crime_programme": "organized_emerging_crime",
    "purpose": "prosecution",
    "offences": [{"description": "armed robbery", "law": "StGB § 250", "max_penalty_months": 180}],
    "warrant": {"reference": "W-1", "date": "2026-01-05", "authority": "AG Köln"},
}


def _wanted(store: Store, public: bool, **person: Any) -> int:
    record = persons.create(store, DEU, PersonInput.model_validate(person))
    request = {**RED, "public_extract": public, "subject": {"kind": "person", "id": record["id"]}}
    notice_id = int(notices.create(store, DEU, NoticeInput.model_validate(request))["id"])
    notices.move(store, DEU, notice_id, Move.SUBMIT)
    notices.move(store, GS, notice_id, Move.PUBLISH)
    return notice_id


def _search(store: Store, **params: Any) -> dict[str, Any]:
    return public_notices.search(store, public_notices.parse_query(params))


def test_only_consented_published_notices_are_public(store: Store) -> None:
    shown = _wanted(
        store, True, given_names="Jürgen", family_names="Müller", dob="1970-05-12",
        nationalities=["DE"], sex="M",
    )  # fmt: skip
    _wanted(store, False, given_names="Hans", family_names="Geheim", dob="1980-01-01")
    answer = _search(store)
    assert answer["total"] == 1
    (extract,) = answer["_embedded"]["notices"]
    assert extract["name"] == "MÜLLER" and extract["forename"] == "JÜRGEN"
    assert extract["date_of_birth"] == "1970/05/12" and extract["nationalities"] == ["DE"]
    entity = extract["entity_id"]
    assert entity.endswith(f"/{shown}")
    detail = public_notices.detail(store, entity.replace("/", "-"))
    assert detail["arrest_warrants"] == [{"charge": "armed robbery", "issuing_country_id": "DE"}]
    assert detail["sex_id"] == "M"
    notices.move(store, DEU, shown, Move.WITHDRAW, reason="arrested")
    assert _search(store)["total"] == 0
    with pytest.raises(NotFound):
        public_notices.detail(store, entity)


def test_the_public_query_parameters(store: Store) -> None:
    _wanted(store, True, given_names="Jürgen", family_names="Müller", dob="1970-05-12",
            nationalities=["DE"], sex="M")  # fmt: skip
    _wanted(store, True, given_names="Ana", family_names="Silva", dob="1995", sex="F",
            nationalities=["BR"])  # fmt: skip
    names = lambda **p: [n["name"] for n in _search(store, **p)["_embedded"]["notices"]]  # noqa: E731
    assert names(name="mull") == ["MÜLLER"] and names(forename="JURG") == ["MÜLLER"]
    assert names(nationality="BR") == ["SILVA"] and names(sexId="F") == ["SILVA"]
    assert names(ageMax=40) == ["SILVA"] and names(ageMin=50) == ["MÜLLER"]
    assert names(arrestWarrantCountryId="DE") == ["SILVA", "MÜLLER"]
    assert names(arrestWarrantCountryId="FR") == []
    page = _search(store, resultPerPage=1, page=2)
    assert page["total"] == 2 and len(page["_embedded"]["notices"]) == 1
    assert "next" not in page["_links"] and "page=1" in page["_links"]["first"]["href"]
    for params, field in (({"sexId": "Q"}, "sexId"), ({"nationality": "QQ"}, "nationality"),
                          ({"ageMin": 50, "ageMax": 20}, "ageMin")):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            public_notices.parse_query(params)
        assert refused.value.field == field


PUBLIC_FILE = {
    "total": 2,
    "_embedded": {
        "notices": [
            {
                "entity_id": "2019/40512",
                "forename": "IVAN",
                "name": "PETROV",
                "date_of_birth": "1981/03/14",
                "nationalities": ["RU"],
                "sex_id": "M",
                "arrest_warrants": [
                    {"charge": "Fraud on a large scale", "issuing_country_id": "RU"}
                ],
            },
            {
                "entity_id": "2021/1",
                "forename": "X",
                "name": "Y",
                "arrest_warrants": [{"charge": "theft", "issuing_country_id": "ZZ"}],
            },
        ]
    },
}


def test_importing_public_files_is_idempotent(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "red.json"
    source.write_text(json.dumps(PUBLIC_FILE), encoding="utf-8")
    first = import_public_notices(store, source)
    assert first.written == 1 and first.unchanged == 0
    assert first.rejected == [
        ("record 2", "arrest_warrants[0].issuing_country_id", first.rejected[0][2])
    ]
    again = import_public_notices(store, source)
    assert again.written == 0 and again.unchanged == 1
    (extract,) = _search(store)["_embedded"]["notices"]
    assert (extract["name"], extract["forename"]) == ("PETROV", "IVAN")
    detail = public_notices.detail(store, extract["entity_id"])
    assert detail["arrest_warrants"][0] == {
        "charge": "Fraud on a large scale",
        "issuing_country_id": "RU",
    }
    changed = json.loads(json.dumps(PUBLIC_FILE))
    changed["_embedded"]["notices"][0]["arrest_warrants"][0]["charge"] = "Fraud; money laundering"
    lines = tmp_path / "red.jsonl"
    lines.write_text(json.dumps(changed["_embedded"]["notices"][0]) + "\n", encoding="utf-8")
    assert import_public_notices(store, lines).written == 1
    assert _search(store)["total"] == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"entity_id": "1"}\n{oops\n', encoding="utf-8")
    rejected = import_public_notices(store, bad).rejected
    assert [(where, field) for where, field, _ in rejected] == [
        ("line 1", "arrest_warrants"),
        ("line 2", "file"),
    ]
    with pytest.raises(InvalidInput):
        import_public_notices(store, tmp_path / "missing.json")
