"""Synthetic stolen and lost documents, vehicles and firearms for the demo and benchmarks.

Document numbers follow the shape each issuing state really uses (letters and
digits in the right places), so a demo or a benchmark exercises the same keys
and the same normalisation as real data would.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Iterator
from typing import Any

from concord.domain import fields
from concord.domain.objects import validate_document

# issuing state -> pattern: A = letter, 9 = digit, anything else literal
DOCUMENT_SHAPES = {
    "FRA": "99AA99999",
    "DEU": "CAAAAAAAA",
    "USA": "999999999",
    "GBR": "999999999",
    "ITA": "AA9999999",
    "ESP": "AAA999999",
    "NLD": "AAAAAAAA9",
    "BRA": "AA999999",
    "NGA": "A99999999",
    "IND": "A9999999",
    "CHN": "E99999999",
    "JPN": "AA9999999",
    "RUS": "99 9999999",
    "TUR": "U99999999",
    "MEX": "G99999999",
    "ZAF": "A99999999",
    "EGY": "A99999999",
    "IRN": "A99999999",
    "KOR": "M99999999",
    "AUS": "PA9999999",
    "CAN": "AA999999",
    "ARG": "AAA999999",
    "COL": "AA999999",
    "POL": "AA9999999",
    "UKR": "AA999999",
}
_DEU = "CFGHJKLMNPRTVWXYZ0123456789"
STATUSES = ("stolen", "stolen", "lost", "lost", "lost", "revoked", "invalid")
TYPES = ("passport", "passport", "passport", "id_card", "id_card", "residence_permit", "visa")


def document_number(rnd: random.Random, state: str) -> str:
    shape = DOCUMENT_SHAPES.get(state, "A9999999")
    out = []
    for i, c in enumerate(shape):
        if c == "A":
            out.append(rnd.choice(_DEU if state == "DEU" and i else string.ascii_uppercase))
        elif c == "9":
            out.append(rnd.choice(string.digits))
        else:
            out.append(c)
    return "".join(out)


def documents(count: int, seed: int = 2026) -> Iterator[tuple[str, dict[str, Any]]]:
    """(issuing state, validated row) pairs, spread over the states above."""
    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    states = list(DOCUMENT_SHAPES)
    weights = [len(states) - i for i in range(len(states))]
    today = dt.date.today()
    seen: set[str] = set()
    n = 0
    while n < count:
        state = rnd.choices(states, weights)[0]
        number = document_number(rnd, state)
        if f"{state}{number}" in seen:
            continue
        seen.add(f"{state}{number}")
        issued = today - dt.timedelta(days=rnd.randint(30, 3650))
        lost = issued + dt.timedelta(days=rnd.randint(1, max(2, (today - issued).days - 1)))
        data = {
            "reference": f"SLTD-{state}-{n:08d}",
            "number": number,
            "issuing_country": state,
            "type": TYPES[n % len(TYPES)],
            "status": STATUSES[n % len(STATUSES)],
            "issued": issued.isoformat(),
            "expires": issued.replace(year=issued.year + 10).isoformat()
            if issued.month != 2
            else None,
            "lost_on": lost.isoformat(),
        }
        yield state, validate_document(data, True).row
        n += 1


def vin(rnd: random.Random) -> str:
    """A 17-character North American VIN with a correct check digit."""
    from concord.identifiers.checkdigits import vin_check_digit

    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    body = rnd.choice("12345") + "".join(rnd.choice(alphabet) for _ in range(16))
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


def review(years: int = 10) -> str:
    return fields.review_date({}, years)
