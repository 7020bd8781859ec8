"""A person check: a validated query → ranked candidates with verdicts and explanations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from concord.domain.countries import normalise_country
from concord.domain.dates import parse_partial_date
from concord.errors import InvalidInput
from concord.matching.analysis import AnalysedName, analyse, clean_name
from concord.matching.explain import explain_alignment
from concord.matching.facts import (
    Evidence,
    Facts,
    adjust,
    compare_dob,
    compare_nationality,
    compare_sex,
    parse_dob,
)
from concord.matching.index import NameIndex, Record, Scored
from concord.settings import Settings

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
    hit: float = 0.8
    possible: float = 0.65
    floor: float = 0.5

    @classmethod
    def from_settings(cls, settings: Settings, *, floor: float | None = None) -> Thresholds:
        """The configured thresholds (``floor`` overrides the listing floor)."""
        return cls(
            settings.name_hit_threshold,
            settings.name_possible_threshold,
            settings.name_floor if floor is None else floor,
        )

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
    nationality: str | Sequence[str] | None = None,
    sex: str | None = None,
    *,
    field_prefix: str = "",
) -> PersonQuery:
    """Validate the fields an officer gives; each error names its field."""
    text = clean_name(name, field=field_prefix + "name")
    analysed = analyse(text)
    if not analysed.tokens:
        raise InvalidInput("has no name words", field=field_prefix + "name")
    return PersonQuery(analysed, person_facts(dob, nationality, sex, field_prefix=field_prefix))


def person_facts(
    dob: str | None = None,
    nationality: str | Sequence[str] | None = None,
    sex: str | None = None,
    *,
    field_prefix: str = "",
) -> Facts:
    """Date of birth, nationalities and sex validated: impossible dates and unknown
    countries are refused, naming the field."""
    parts = None
    if dob:
        parts = parse_dob(str(parse_partial_date(dob, field=field_prefix + "dob")))
    nationalities: tuple[str, ...] = ()
    if nationality:
        codes = [nationality] if isinstance(nationality, str) else nationality
        nationalities = tuple(
            dict.fromkeys(
                _country(normalise_country(c, field=field_prefix + "nationality")) for c in codes
            )
        )
    sex_code = None
    if sex:
        value = sex.strip().upper()
        if value not in ("M", "F", "X", "U", "MALE", "FEMALE"):
            raise InvalidInput("use M, F or X", field=field_prefix + "sex")
        sex_code = None if value[:1] in ("X", "U") else value[:1]
    return Facts(parts, nationalities, sex_code)


_COUNTRIES: dict[str, str] = {}


def _country(code: str) -> str:
    """One shared string per country code: a million records hold few distinct ones."""
    return _COUNTRIES.setdefault(code, code)


def check(
    index: NameIndex,
    query: PersonQuery,
    *,
    thresholds: Thresholds,
    limit: int = 10,
    visible: Callable[[Record], bool] | None = None,
    explain: bool = True,
) -> list[Candidate]:
    """Candidates at or above the floor, best first, ``limit`` at most. Batch screening
    writes no explanations and asks for none (``explain=False``): a fifth of the work."""
    scored = []
    for s in index.search(query.name, visible=visible):
        score, notes, evidence = _score(query, s)
        if score >= thresholds.floor:
            scored.append((score, str(s.record.key), s, notes, evidence))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [
        Candidate(
            s.record,
            s.name,
            score,
            round(s.alignment.score, 4),
            thresholds.verdict(score),
            _explain(query, s, notes, evidence) if explain else (),
        )
        for score, _, s, notes, evidence in scored[:limit]
    ]


def _score(query: PersonQuery, scored: Scored) -> tuple[float, list[str], list[Evidence]]:
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
    return round(adjust(name_score, evidence), 4), notes, evidence


def _explain(
    query: PersonQuery, scored: Scored, notes: list[str], evidence: list[Evidence]
) -> tuple[str, ...]:
    explanation = [
        *explain_alignment(query.name.tokens, scored.tokens, scored.alignment),
        *notes,
        *(e.text for e in evidence),
    ]
    if not any(e.field == "dob" for e in evidence):
        explanation.append(_missing_dob(query.facts, scored.record.facts))
    return tuple(explanation)


def _missing_dob(q: Facts, c: Facts) -> str:
    if q.dob is None and c.dob is None:
        return "no date of birth on either side"
    return "no date of birth in the query" if q.dob is None else "no date of birth in the record"
