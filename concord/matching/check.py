"""A person check: a validated query → ranked candidates with verdicts and explanations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from concord.domain.countries import normalise_country
from concord.domain.dates import parse_partial_date
from concord.errors import InvalidInput
from concord.matching.analysis import AnalysedName, analyse, clean_name
from concord.matching.explain import explain_alignment
from concord.matching.facts import (
    Facts,
    adjust,
    compare_dob,
    compare_nationality,
    compare_sex,
    parse_dob,
)
from concord.matching.index import NameIndex, Record, Scored

HIT = "hit"
POSSIBLE = "possible"
NO_HIT = "no_hit"

# One word in common is never enough for a hit, however rare it is.
SINGLE_WORD_CAP = 0.74
# Two common words (Zhang Lei, John Smith) are shared by too many people to be a hit alone.
COMMON_EVIDENCE = 1.4
COMMON_NAME_CAP = 0.8


@dataclass(frozen=True, slots=True)
class Thresholds:
    hit: float = 0.84
    possible: float = 0.7
    floor: float = 0.5

    def verdict(self, score: float) -> str:
        return HIT if score >= self.hit else POSSIBLE if score >= self.possible else NO_HIT


@dataclass(frozen=True, slots=True)
class PersonQuery:
    name: AnalysedName
    facts: Facts


@dataclass(frozen=True, slots=True)
class Candidate:
    record: Record
    name: str
    score: float
    name_score: float
    verdict: str
    explanation: tuple[str, ...]


def person_query(
    name: str,
    dob: str | None = None,
    nationality: str | list[str] | None = None,
    sex: str | None = None,
    *,
    field_prefix: str = "",
) -> PersonQuery:
    """Validate the fields an officer gives; each error names its field."""
    text = clean_name(name, field=field_prefix + "name")
    analysed = analyse(text)
    if not analysed.tokens:
        raise InvalidInput("has no name words", field=field_prefix + "name")
    parts = None
    if dob:
        parts = parse_dob(str(parse_partial_date(dob, field=field_prefix + "dob")))
    nationalities: tuple[str, ...] = ()
    if nationality:
        codes = [nationality] if isinstance(nationality, str) else nationality
        nationalities = tuple(
            dict.fromkeys(normalise_country(c, field=field_prefix + "nationality") for c in codes)
        )
    sex_code = None
    if sex:
        sex_code = sex.strip().upper()[:1]
        if sex.strip().upper() not in ("M", "F", "X", "U", "MALE", "FEMALE"):
            raise InvalidInput("use M, F or X", field=field_prefix + "sex")
        sex_code = None if sex_code in ("X", "U") else sex_code
    return PersonQuery(analysed, Facts(parts, nationalities, sex_code))


def check(
    index: NameIndex,
    query: PersonQuery,
    *,
    thresholds: Thresholds,
    limit: int = 10,
    visible: Callable[[Record], bool] | None = None,
) -> list[Candidate]:
    """Candidates at or above the floor, best first, ``limit`` at most."""
    out: list[Candidate] = []
    for scored in index.search(query.name, visible=visible):
        candidate = _candidate(query, scored, thresholds)
        if candidate.score >= thresholds.floor:
            out.append(candidate)
    out.sort(key=lambda c: (-c.score, str(c.record.key)))
    return out[:limit]


def _candidate(query: PersonQuery, scored: Scored, thresholds: Thresholds) -> Candidate:
    alignment = scored.alignment
    name_score = alignment.score
    notes: list[str] = []
    if alignment.strong_matches <= 1 and name_score > SINGLE_WORD_CAP:
        name_score = SINGLE_WORD_CAP
        notes.append("only one name word in common: not enough for a hit on its own")
    elif alignment.evidence < COMMON_EVIDENCE and name_score > COMMON_NAME_CAP:
        name_score = COMMON_NAME_CAP
        notes.append(
            "only common name words in common: a hit needs more, such as the date of birth"
        )
    facts = scored.record.facts
    evidence = [
        e
        for e in (
            compare_dob(query.facts.dob, facts.dob),
            compare_nationality(query.facts.nationalities, facts.nationalities),
            compare_sex(query.facts.sex, facts.sex),
        )
        if e is not None
    ]
    score = round(adjust(name_score, evidence), 4)
    explanation = [
        *explain_alignment(query.name.tokens, scored.tokens, alignment),
        *notes,
        *(e.text for e in evidence),
    ]
    if not any(e.field == "dob" for e in evidence):
        explanation.append(_missing_dob(query.facts, facts))
    return Candidate(
        scored.record,
        scored.name,
        score,
        round(alignment.score, 4),
        thresholds.verdict(score),
        tuple(explanation),
    )


def _missing_dob(q: Facts, c: Facts) -> str:
    if q.dob is None and c.dob is None:
        return "no date of birth on either side"
    return "no date of birth in the query" if q.dob is None else "no date of birth in the record"
