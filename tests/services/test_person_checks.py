"""Person checks from a zone, and `concord check persons` over a file, on both stores."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import Move, NoticeInput
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.identifiers.mrz_format import format_td3
from concord.index.names import PersonNameIndex
from concord.services import notices, persons
from concord.services.person_checks import PersonChecker
from concord.settings import Settings
from concord.store import Store
from concord.store.tables import audit_events

DEU = Principal(0, "ncb", Role.NCB, "DEU", MembershipStatus.MEMBER)
OFFICER = Principal(0, "officer", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)
GS = Principal(0, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)


def _zone(**changes: str) -> str:
    fields = {
        "document_code": "P",
        "issuing_state": "D",
        "surname": "SCHERBAKOV",
        "given_names": "ALEKSANDR IVANOVICH",
        "document_number": "C01X00T47",
        "nationality": "D",
        "birth_date": "710412",
        "sex": "M",
        "expiry_date": "310101",
        **changes,
    }
    return format_td3(**fields)


def _checker(store: Store) -> PersonChecker:
    """A DEU record, checkable as the subject of a published blue notice."""
    record = persons.create(
        store,
        DEU,
        PersonInput.model_validate(
            {
                "full_name": "Щербаков Александр Иванович",
                "dob": "1971-04-12",
                "nationalities": ["DE", "RU"],
                "sex": "M",
            }
        ),
    )
    request = {
        "kind": "blue",
        "crime_programme": "organized_emerging_crime",
        "subject": {"kind": "person", "id": record["id"]},
    }
    notice = notices.create(store, DEU, NoticeInput.model_validate(request))
    notices.move(store, DEU, notice["id"], Move.SUBMIT)
    notices.move(store, GS, notice["id"], Move.PUBLISH)
    index = PersonNameIndex(store)
    index.load()
    return PersonChecker(store, index, Settings(env="test"))


def test_a_zone_is_checked_by_its_person_fields(store: Store) -> None:
    answer = _checker(store).check_one(OFFICER, {"mrz": _zone(), "qid": "gate 4"})
    assert answer["verdict"] == "hit"
    assert answer["candidates"][0]["display_name"] == "Щербаков Александр Иванович"
    zone = answer["mrz"]
    assert zone["valid"] and zone["failed_checks"] == []
    assert zone["checked"] == {
        "name": "ALEKSANDR IVANOVICH SCHERBAKOV",
        "dob": "1971-04-12",
        "nationality": ["DEU"],
        "sex": "M",
    }


def test_a_misread_check_digit_still_checks_and_says_which(store: Store) -> None:
    lines = _zone().split("\n")
    damaged = lines[0] + "\n" + lines[1][:9] + "0" + lines[1][10:]  # the number's digit
    if damaged == _zone():
        damaged = lines[0] + "\n" + lines[1][:9] + "1" + lines[1][10:]
    answer = _checker(store).check_one(OFFICER, {"mrz": damaged})
    assert answer["verdict"] == "hit"
    assert not answer["mrz"]["valid"]
    assert "document_number" in [c["check"] for c in answer["mrz"]["failed_checks"]]


def test_a_zone_without_a_country_or_full_date_keeps_what_it_has(store: Store) -> None:
    zone = _zone(nationality="XXA", birth_date="71<<<<")
    answer = _checker(store).check_one(OFFICER, {"mrz": zone})
    checked = answer["mrz"]["checked"]
    assert checked["nationality"] == [] and checked["dob"] == "1971"
    assert answer["verdict"] == "hit"


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"mrz": "P<D<<"}, "mrz"),
        ({"mrz": 12}, "mrz"),
        ({"mrz": _zone(), "name": "Somebody"}, "name"),
        ({"mrz": _zone(), "dob": "1971"}, "dob"),
    ],
)
def test_a_bad_zone_is_refused_naming_the_field(
    store: Store, item: dict[str, object], field: str
) -> None:
    checker = _checker(store)
    with pytest.raises(InvalidInput) as refused:
        checker.check_one(OFFICER, item)
    assert refused.value.field == field
    answers = checker.check_many(OFFICER, [{"name": "Anna"}, item])
    assert answers[1]["error"]["field"] == f"items[1].{field}"


def _cli(store: Store, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONCORD_DATABASE_URL": store.url, "CONCORD_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "concord", "check", "persons", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_persons_answers_every_row_in_order_and_audits(store: Store, tmp_path: Path) -> None:
    _checker(store)  # writes the record
    source = tmp_path / "q.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["qid", "name", "dob", "nationality", "sex", "mrz"])
        writer.writerow(["latin", "SHCHERBAKOV, Aleksandr", "1971-04-12", "RU", "M", ""])
        writer.writerow(["nobody", "Maria Fernanda Oliveira", "", "", "", ""])
        writer.writerow(["bad-date", "Aleksandr Shcherbakov", "1971-13-01", "", "", ""])
        writer.writerow(["zone", "", "", "", "", _zone()])
    out = tmp_path / "r.jsonl"
    done = _cli(store, tmp_path, str(source), "--country", "FRA", "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["qid"] for line in lines] == ["latin", "nobody", "bad-date", "zone"]
    assert lines[0]["verdict"] == "hit" and lines[0]["hits"][0]["owner"] == "DEU"
    assert lines[1]["verdict"] != "hit"
    assert (
        lines[2]["error"]["field"] == "dob"
        and lines[2]["error"]["line"] == 4
        and lines[2]["hits"] == []
    )
    assert lines[3]["verdict"] == "hit"
    assert "2 hit(s), 1 refused" in done.stderr
    store.audit.flush()
    with store.read() as conn:
        actions = conn.execute(select(audit_events.c.action, audit_events.c.actor)).all()
    assert ("check.person.batch", "cli:frontline:FRA") in actions


def test_check_persons_refuses_a_bad_file_with_exit_2(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "q.csv"
    source.write_text("qid,name,height\n1,Anna,170\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    for args in (
        [str(source), "--country", "FRA", "--out", str(out)],
        [str(tmp_path / "missing.csv"), "--country", "FRA", "--out", str(out)],
        [str(source), "--country", "QQ", "--out", str(out)],
    ):
        done = _cli(store, tmp_path, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert not out.exists()
