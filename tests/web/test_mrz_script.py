"""The check screen's script reads a zone as the server does (concord/identifiers/mrz.py):
run in a real Chromium on zones of every format the platform writes, it finds the same
fields and the same check digits, and points at the one that fails."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from concord.identifiers.mrz import parse_mrz
from concord.identifiers.mrz_format import format_td1, format_td2, format_td3
from concord.web.common import STATIC

pytestmark = pytest.mark.slow
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    page = chromium.new_page()
    page.set_content("<!doctype html><p>zone reader</p>")
    page.add_script_tag(path=str(STATIC / "mrz.js"))
    yield page
    page.close()


def _zone(rng: random.Random, shape: Any) -> str:
    digits = "0123456789"
    number = "".join(rng.choice(LETTERS + digits) for _ in range(rng.choice((6, 8, 9, 11))))
    if shape is format_td3:
        number = number[:9]
    words = ["".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 9))) for _ in range(3)]
    return str(
        shape(
            document_code=rng.choice(("P", "ID", "I", "AC")) if shape is not format_td3 else "P",
            issuing_state=rng.choice(("FRA", "DEU", "NGA", "D", "UTO")),
            surname=words[0],
            given_names=" ".join(words[1:]),
            document_number=number,
            nationality=rng.choice(("FRA", "BRA", "XXA")),
            birth_date=_date(rng, 0, 99),
            sex=rng.choice("MF<"),
            expiry_date=_date(rng, 25, 40),
        )
    )


def _date(rng: random.Random, first_year: int, last_year: int) -> str:
    return (
        f"{rng.randint(first_year, last_year):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    )


def _read(page: Page, zone: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("zone => window.concordMrz.read(zone)", zone)
    return result


def test_the_script_reads_what_the_server_reads(page: Page) -> None:
    rng = random.Random(7)
    for _ in range(60):
        shape = rng.choice((format_td1, format_td2, format_td3))
        zone = _zone(rng, shape)
        server = parse_mrz(zone)
        script = _read(page, zone)
        assert script["format"] == server.format, zone
        assert script["fields"]["doc_number"] == server.document_number, zone
        assert script["fields"]["doc_country"] == server.issuing_state, zone
        assert script["fields"]["nationality"] == server.nationality, zone
        assert script["fields"]["dob"] == (server.birth_date_iso or ""), zone
        given = server.secondary_identifier
        assert script["fields"]["name"] == (
            f"{server.primary_identifier}, {given}" if given else server.primary_identifier
        )
        expected = {(c.name, c.line, c.position, c.expected, c.ok) for c in server.checks}
        found = {
            (c["name"], c["line"], c["position"], c["expected"], c["ok"]) for c in script["checks"]
        }
        assert found == expected, zone


def test_a_broken_check_digit_is_pointed_at(page: Page) -> None:
    zone = format_td3(
        document_code="P", issuing_state="UTO", surname="ERIKSSON", given_names="ANNA MARIA",
        document_number="L898902C3", nationality="UTO", birth_date="740812", sex="F",
        expiry_date="340415",
    )  # fmt: skip
    line1, line2 = zone.split("\n")
    broken = line2[:19] + str((int(line2[19]) + 1) % 10) + line2[20:]  # the birth date's digit
    server = {(c.name, c.position) for c in parse_mrz(f"{line1}\n{broken}").failed()}
    script = _read(page, f"{line1}\n{broken}")
    failed = {(c["name"], c["position"]) for c in script["checks"] if not c["ok"]}
    assert ("birth_date", 20) in failed and failed == server
    one_line = _read(page, (line1 + line2).lower())  # pasted as one line, in lower case
    assert one_line["format"] == "TD3" and all(c["ok"] for c in one_line["checks"])
    half = _read(page, line1)
    assert "format" not in half and half["incomplete"]  # waits for the second line
    bad = _read(page, line1 + "\n" + line2[:5] + "$" + line2[6:])
    assert bad["problem"]["line"] == 2 and bad["problem"]["position"] == 6
