"""Person checks: scripts, spellings, orders, particles, dates, and common names."""

from __future__ import annotations

import pytest

from concord.errors import InvalidInput
from concord.matching.check import (
    HIT,
    NO_HIT,
    Candidate,
    Thresholds,
    check,
    person_facts,
    person_query,
)
from concord.matching.index import NameIndex

THRESHOLDS = Thresholds(hit=0.84, possible=0.7, floor=0.5)

PEOPLE = [
    ("ru-1", ["Щербаков Александр Иванович"], "1971-04-12", "RU", "M"),
    ("iq-1", ["محمد عبد الرحمن الجبوري"], "1965", "IQ", "M"),
    ("cn-1", ["毛泽东"], "1893-12-26", "CN", "M"),
    ("kr-1", ["김정은"], "1984-01-08", "KP", "M"),
    ("jp-1", ["やまだ たろう"], "1980-02-03", "JP", "M"),
    ("gr-1", ["Γεώργιος Παπαδόπουλος"], "1975", "GR", "M"),
    ("il-1", ["David Cohen", "דוד כהן"], "1969-09-09", "IL", "M"),
    ("ge-1", ["გიორგი ბერიძე"], "1988-05-05", "GE", "M"),
    ("am-1", ["Արամ Խաչատրյան"], "1990", "AM", "M"),
    ("in-1", ["रितु दाहाल"], "1991-01-28", "NP", "F"),
    ("th-1", ["สมชาย ใจดี"], "1977", "TH", "M"),
    ("nl-1", ["Johannes van der Berg"], "1958-03-01", "NL", "M"),
    ("us-1", ["William Jefferson Clinton"], "1946-08-19", "US", "M"),
    ("de-1", ["Hans-Peter Müller"], "1962-11-30", "DE", "M"),
    ("sa-1", ["Osama bin Mohammed bin Awad bin Laden"], "1957-03-10", "SA", "M"),
    ("es-1", ["María José García López"], "1983-07-14", "ES", "F"),
    ("ua-1", ["Олександр Ковальчук"], "1979-06-01", "UA", "M"),
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    idx = NameIndex()
    for key, names, dob, nationality, sex in PEOPLE:
        idx.add(key, names, person_facts(dob, nationality, sex))
    # common names: many people share them, with other dates of birth
    for n in range(40):
        idx.add(f"common-{n}", [f"John Smith {chr(65 + n % 26)}"[:-2]], person_facts(f"{1950 + n}"))
    return idx


def run(
    index: NameIndex, name: str, dob: str | None = None, nat: str | None = None
) -> list[Candidate]:
    return check(index, person_query(name, dob, nat), thresholds=THRESHOLDS)


def top(index: NameIndex, name: str, dob: str | None = None, nat: str | None = None) -> Candidate:
    found = run(index, name, dob, nat)
    assert found, f"nothing found for {name!r}"
    return found[0]


HITS = [
    # cross-script, both ways
    ("Aleksandr Shcherbakov", "ru-1"),
    ("SCHTSCHERBAKOW, Alexander", "ru-1"),
    ("Ščerbakov Aleksandr Ivanovič", "ru-1"),
    ("Muhammad Abd al-Rahman al-Jaburi", "iq-1"),
    ("Mohammed Abdulrahman Al Jabouri", "iq-1"),
    ("Mao Zedong", "cn-1"),
    ("MAO, Ze Dong", "cn-1"),
    ("Kim Jong Un", "kr-1"),
    ("Yamada Taro", "jp-1"),
    ("Georgios Papadopoulos", "gr-1"),
    ("Papadopoulos Georgios", "gr-1"),
    ("Giorgi Beridze", "ge-1"),
    ("Aram Khachatryan", "am-1"),
    ("Ritu Dahal", "in-1"),
    ("Somchai Jaidee", "th-1"),
    ("Oleksandr Kovalchuk", "ua-1"),
    ("Александр Ковальчук", "ua-1"),
    # Latin to other scripts
    ("Давид Коэн", "il-1"),
    ("Γεώργιος Παπαδόπουλος", "gr-1"),
    # particles, hyphens, spacing, nicknames, initials, typos, order
    ("Johannes Vandenberg", "nl-1"),
    ("BERG, Johannes van der", "nl-1"),
    ("Bill Clinton", "us-1"),
    ("W. J. Clinton", "us-1"),
    ("Hans Peter Mueller", "de-1"),
    ("Hanspeter Muller", "de-1"),
    ("Usama bin Ladin", "sa-1"),
    ("Maria Jose Garcia Lopez", "es-1"),
    ("GARCIA LOPEZ, Maria", "es-1"),
    ("Aleksandr Shcherbakvo", "ru-1"),
    ("Georgios Papadopolous", "gr-1"),
]


@pytest.mark.parametrize(("name", "expected"), HITS)
def test_found_across_scripts_spellings_and_orders(
    index: NameIndex, name: str, expected: str
) -> None:
    found = run(index, name)
    assert found and found[0].record.key == expected, [(c.record.key, c.score) for c in found]
    assert found[0].score >= THRESHOLDS.possible


def test_explanation_says_which_word_matched_which_and_how(index: NameIndex) -> None:
    best = top(index, "Mohammed Abdulrahman Al Jabouri", "1965", "IQ")
    text = "\n".join(best.explanation)
    assert "محمد" in text and "mohammed" in text
    assert "date of birth agrees" in text
    assert "nationality agrees" in text
    assert best.verdict == HIT


def test_full_name_with_full_date_is_a_hit(index: NameIndex) -> None:
    best = top(index, "Aleksandr Ivanovich Shcherbakov", "1971-04-12", "RU")
    assert best.record.key == "ru-1" and best.verdict == HIT and best.score > 0.95


def test_dates_of_birth_move_the_score(index: NameIndex) -> None:
    name = "Hans Mueller"
    none = top(index, name).score
    same = top(index, name, "1962-11-30").score
    partial = top(index, name, "1962").score
    year_off = top(index, name, "1963-11-30").score
    conflict = run(index, name, "1990-01-01")
    assert same > partial > none
    assert none > year_off > none - 0.1
    assert not conflict or conflict[0].score < none - 0.2


def test_swapped_day_and_month_cost_little(index: NameIndex) -> None:
    name = "Johannes van der Berg"
    none = top(index, name).score
    swapped = top(index, name, "1958-01-03").score
    conflict = run(index, name, "1985-06-07")
    assert none - 0.05 <= swapped < none
    assert not conflict or conflict[0].score < swapped


def test_a_single_shared_word_is_never_a_hit(index: NameIndex) -> None:
    for found in (run(index, "Papadopoulos"), run(index, "Clinton", "1946-08-19")):
        assert all(c.verdict != HIT for c in found)


def test_common_names_do_not_flood(index: NameIndex) -> None:
    found = run(index, "John Smith")
    assert len(found) <= 10
    assert all(c.verdict != HIT for c in found)
    # with the date of birth, one of them stands out
    dated = run(index, "John Smith", "1960")
    assert dated[0].record.key == "common-10" and dated[0].score > dated[1].score


def test_strangers_in_other_scripts_do_not_hit(index: NameIndex) -> None:
    for name in ("Иван Петров", "王伟", "Fatima Zahra Benali", "Νίκος Γεωργίου", "佐藤 花子"):
        assert all(c.verdict == NO_HIT or c.score < THRESHOLDS.hit for c in run(index, name))


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"name": ""}, "name", "empty"),
        ({"name": "   ,,, "}, "name", "no letters"),
        ({"name": "x" * 10_000}, "name", "longer than"),
        ({"name": "Ivan\x00Petrov"}, "name", "control character"),
        ({"name": "Ivan", "dob": "1990-02-30"}, "dob", "impossible"),
        ({"name": "Ivan", "dob": "2990"}, "dob", "future"),
        ({"name": "Ivan", "dob": "yesterday"}, "dob", "malformed"),
        ({"name": "Ivan", "nationality": "ZZ"}, "nationality", "unknown country"),
        ({"name": "Ivan", "sex": "Q"}, "sex", "M, F or X"),
    ],
)
def test_bad_input_names_the_field(fields: dict[str, str], field: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        person_query(**fields)
    assert err.value.field == field
    assert reason in err.value.message


def test_mixed_scripts_in_one_name_are_read_word_by_word(index: NameIndex) -> None:
    best = top(index, "Александр Shcherbakov")
    assert best.record.key == "ru-1"


def test_removed_and_replaced_records(index: NameIndex) -> None:
    idx = NameIndex()
    idx.add("a", ["Pavel Durov"], person_facts("1984"))
    assert run(idx, "Pavel Durov")[0].record.key == "a"
    idx.add("a", ["Nikolai Durov"], person_facts("1980"))
    assert [c.name for c in run(idx, "Pavel Durov")] != ["Pavel Durov"]
    assert idx.remove("a") and not run(idx, "Nikolai Durov")
    assert len(idx) == 0
