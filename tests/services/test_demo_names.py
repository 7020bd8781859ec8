"""The passport spellings the demo types: ICAO's Cyrillic table and ELOT's Greek one."""

from __future__ import annotations

import pytest

from concord.identifiers.mrz import parse_mrz
from concord.services.demo_names import _zone, passport_spelling


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [
        ("Александр", "Щербаков", ("ALEKSANDR", "SHCHERBAKOV")),
        ("Юлия", "Ющенко", ("IULIIA", "IUSHCHENKO")),
        ("Ольга", "Ґалаґан", ("OLGA", "GALAGAN")),
        ("Μαύρος", "Πιπερίδη", ("MAVROS", "PIPERIDI")),
        ("Łukasz", "Wróbel-Nowak", ("LUKASZ", "WROBEL-NOWAK")),
        ("민준", "김", ("MINJUN", "GIM")),
    ],
)
def test_passport_spelling(given: str, family: str, expected: tuple[str, str]) -> None:
    assert passport_spelling(given, family) == expected


def test_the_zone_printed_for_a_person_reads_back() -> None:
    zone = _zone(7, "DEU", ["RUS"], "1971-04-12", "M", "ALEKSANDR", "SHCHERBAKOV-OGLY")
    read = parse_mrz(zone.replace(" ", "\n"))
    assert read.valid and read.issuing_state == "D" and read.nationality == "RUS"
    assert (read.primary_identifier, read.secondary_identifier) == ("SHCHERBAKOV OGLY", "ALEKSANDR")
    assert read.birth_date_iso == "1971-04-12"
