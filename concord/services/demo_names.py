"""Names in the demo data that a frontline officer finds in another script or spelling.

The officer has what the passport prints: the Latin spelling of the zone, family
name first, without diacritics. For Cyrillic names the demo spells them with
the passport table of ICAO Doc 9303 (Part 3, section 6: ``Щ`` → ``SHCH``, ``Ю`` →
``IU``) and Greek ones with ELOT 743, neither of them the romanisation the index
uses, so a hit shows the check bridging two spellings, not repeating its own.
Every example printed was checked through the same service an officer uses, and
only real hits are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

import icu
from sqlalchemy import select

from concord.domain.notices import NoticeState
from concord.domain.principal import Principal
from concord.identifiers.mrz_format import format_td3
from concord.index.names import PersonNameIndex
from concord.matching.transliterate import main_script
from concord.services.person_checks import PersonChecker
from concord.settings import Settings
from concord.store import Store
from concord.store.tables import notices, persons

# Doc 9303 Part 3, table of Cyrillic transliteration (Russian and Ukrainian letters).
_ICAO_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Е": "E", "Ё": "E",
    "Є": "IE", "Ж": "ZH", "З": "Z", "И": "I", "І": "I", "Ї": "I", "Й": "I", "К": "K",
    "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T",
    "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH",
    "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}  # fmt: skip
_TO_PASSPORT = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Upper")
# Greek passports follow ELOT 743, which UNGEGN's table is ("Μαύρος" → "MAVROS").
_GREEK_TO_PASSPORT = icu.Transliterator.createInstance("Greek-Latin/UNGEGN; Latin-ASCII; Upper")
# Scripts whose generated people make good examples. Arabic and Hebrew are left to the
# featured people below: written without vowels, a machine romanisation ("WQNYN") is not
# what a passport prints ("VAKNIN"); nor is an Indic one that keeps every inherent vowel
# ("TALUKADARA" for "TALUKDAR"), nor ICU's Thai ("NIL WRRN" for "NINLAWAN"), nor Japanese
# kanji read as Chinese ("GANG TIAN" for "OKADA").
_WANTED_SCRIPTS = ("Cyrillic", "Greek", "Han", "Hangul", "Georgian", "Armenian", "Latin")


@dataclass(frozen=True, slots=True)
class FeaturedPerson:
    """A person of the demo whose passport spelling is known, not generated."""

    owner: str
    reference: str
    full_name: str
    dob: str
    nationality: str
    sex: str
    typed: str  # as the passport's zone prints the name, family name first


# Records of several countries, written in their own scripts; typed as passports spell them.
FEATURED: tuple[FeaturedPerson, ...] = (
    FeaturedPerson("USA", "DEMO-FEATURED-1", "محمد عبد الرحمن الجبوري", "1979-03-02", "IQ", "M",
                   "AL JABOURI, MOHAMMED ABDULRAHMAN"),
    FeaturedPerson("DEU", "DEMO-FEATURED-2", "יוסף וקנין", "1984-11-23", "IL", "M",
                   "VAKNIN, YOSEF"),
    FeaturedPerson("FRA", "DEMO-FEATURED-3", "رضا حسینی", "1990-07-14", "IR", "M",
                   "HOSSEINI, REZA"),
    FeaturedPerson("JPN", "DEMO-FEATURED-4", "田中 宏", "1968-01-30", "JP", "M",
                   "TANAKA, HIROSHI"),
    FeaturedPerson("BRA", "DEMO-FEATURED-5", "Щербаков Александр Иванович", "1971-04-12", "RU",
                   "M", "SCHTSCHERBAKOW, ALEXANDER"),
    FeaturedPerson("NGA", "DEMO-FEATURED-6", "Σωκράτης Οικονόμου", "1959-09-09", "GR", "M",
                   "OIKONOMOU, SOKRATIS"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NameExample:
    typed: str  # what the officer typed, as the passport prints it
    found: str  # the record's name as its owner wrote it
    owner: str
    score: float
    zone: str  # the passport zone of the same person, for an MRZ check


def passport_spelling(given: str, family: str) -> tuple[str, str]:
    """(given names, family name) in the Latin capitals of a passport's zone."""
    return _latin(given), _latin(family)


def _latin(text: str) -> str:
    script = main_script(text)
    if script == "Cyrillic":
        text = "".join(_ICAO_CYRILLIC.get(ch, ch) for ch in text.upper())
    rules = _GREEK_TO_PASSPORT if script == "Greek" else _TO_PASSPORT
    return " ".join(rules.transliterate(text).replace("'", "").split())


def cross_script_examples(
    store: Store, officer: Principal, settings: Settings, *, limit: int = 12
) -> list[NameExample]:
    """The featured people, then one generated person per script, each found from its
    passport spelling; only those that the check really hits are returned."""
    index = PersonNameIndex(store)
    index.load()
    checker = PersonChecker(store, index, settings)
    seen: set[str] = set()
    examples: list[NameExample] = []
    for person in FEATURED:
        answer = checker.check_one(
            officer, {"name": person.typed, "dob": person.dob}, record_hits=False
        )
        best = answer["candidates"][0] if answer["candidates"] else None
        if (
            answer["verdict"] == "hit"
            and best is not None
            and best["display_name"] == person.full_name
        ):
            family, given = (part.strip() for part in person.typed.split(",", 1))
            zone = _zone(
                best["id"],
                person.owner,
                best["nationalities"],
                person.dob,
                person.sex,
                given,
                family,
            )
            examples.append(
                NameExample(person.typed, person.full_name, person.owner, best["score"], zone)
            )
    with store.read() as conn:
        rows = conn.execute(
            select(
                persons.c.id,
                persons.c.owner,
                persons.c.display_name,
                persons.c.given_names,
                persons.c.family_names,
                persons.c.dob,
                persons.c.sex,
                persons.c.nationalities,
            )
            .where(
                persons.c.visibility == "all",
                persons.c.given_names.is_not(None),
                # only the subject of a published notice answers a check
                persons.c.id.in_(
                    select(notices.c.subject_id).where(
                        notices.c.state == NoticeState.PUBLISHED.value,
                        notices.c.subject_kind == "person",
                    )
                ),
            )
            .order_by(persons.c.id)
        ).all()
    for row in _owners_in_turn(rows):
        script = main_script(row.family_names or "")
        if script not in _WANTED_SCRIPTS or script in seen or len(examples) >= limit:
            continue
        if script == "Latin" and row.family_names.isascii():
            continue  # a plain Latin name shows nothing about spellings
        if script == "Han" and "JPN" in row.nationalities:
            continue
        given, family = passport_spelling(row.given_names, row.family_names)
        typed = f"{family}, {given}"
        answer = checker.check_one(officer, {"name": typed, "dob": row.dob}, record_hits=False)
        best = answer["candidates"][0] if answer["candidates"] else None
        if answer["verdict"] != "hit" or best is None or best["id"] != row.id:
            continue
        seen.add(script)
        examples.append(
            NameExample(
                typed,
                row.display_name,
                row.owner,
                best["score"],
                _zone(row.id, row.owner, row.nationalities, row.dob, row.sex, given, family),
            )
        )
    return examples


def _zone(
    number: int,
    owner: str,
    nationalities: list[str],
    dob: str | None,
    sex: str | None,
    given: str,
    family: str,
) -> str:
    """A passport zone for the person, as the owner country would issue it."""
    birth = dob[2:4] + dob[5:7] + dob[8:10] if dob and len(dob) == 10 else "<<<<<<"
    return format_td3(
        document_code="P",
        issuing_state=_icao(owner),
        surname=_zone_name(family),
        given_names=_zone_name(given),
        document_number=f"DM{number:07d}",
        nationality=_icao(nationalities[0] if nationalities else owner),
        birth_date=birth,
        sex=sex or "<",
        expiry_date="310101",
    ).replace("\n", " ")


def _icao(code: str) -> str:
    return "D" if code == "DEU" else code


def _zone_name(text: str) -> str:
    return " ".join("".join(c if "A" <= c <= "Z" else " " for c in text).split())


def _owners_in_turn(rows: Sequence[Any]) -> list[Any]:
    """The rows with their owners taking turns, so the examples come from several countries."""
    by_owner: dict[str, list[Any]] = {}
    for row in rows:
        by_owner.setdefault(row.owner, []).append(row)
    turns = zip_longest(*by_owner.values())
    return [row for turn in turns for row in turn if row is not None]
