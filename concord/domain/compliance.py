"""The automated compliance review of notices: rules kept as data, judged by a small engine.

The General Secretariat keeps the rules in ``data/notice_rules.toml``, a versioned file:
which rule applies to which notice kind, what it decides when triggered (flag or fail),
the message for the requesting NCB, and its parameters, down to the terms, per language,
that signal an excluded offence or an Article 3 concern. The engine knows a few rule
types; new terms, languages, thresholds or another rule of a known type need no code.

A ``fail`` keeps the request from going further; a ``flag`` sends it to human review
with the reason, it decides nothing. Results follow the file's rule order. A rule that
does not apply to the notice is left out of the report: its kind is not in the rule's
``applies_to``, or the rule judges a person (``minimum_identity``, ``duplicate``) and
the notice is about an object.

How a term matches a text (case, accents, Arabic prefixes, stems, phrases) is
``terms.py``'s concern; ``fold`` is re-exported from here for existing callers.

Pure: no database, no network; the same facts and rules always give the same report.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from concord.domain.terms import Term, TermIndex, Words, fold
from concord.errors import InvalidInput

NOTICE_KINDS: Final = ("red", "yellow", "blue", "black", "green", "orange", "purple", "un_special")
PURPOSES: Final = ("prosecution", "enforcement")
PASS: Final = "pass"  # noqa: S105 - an outcome, not a secret
FLAG: Final = "flag"
FAIL: Final = "fail"
TEXT_FIELDS: Final = ("offences", "summary", "subject_description")

# -- the facts a rule looks at -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offence:
    description: str
    law: str | None
    max_penalty_months: int | None


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    names: tuple[str, ...]
    dob: str | None
    has_photo: bool
    has_fingerprints: bool
    description: str
    is_person: bool


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    notice_id: int
    kind: str
    score: float
    name: str


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    kind: str
    crime_programme: str | None
    purpose: str | None
    offences: tuple[Offence, ...]
    warrant_reference: str | None
    warrant_date: str | None
    warrant_authority: str | None
    remaining_sentence_months: int | None
    summary: str
    subject: SubjectFacts
    duplicates: tuple[PossibleDuplicate, ...]


# -- what the rules say ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str
    name: str
    outcome: str
    message: str
    evidence: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "outcome": self.outcome,
            "message": self.message,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    rules_version: str
    results: tuple[RuleResult, ...]

    @property
    def outcome(self) -> str:
        """The worst result: one failing rule fails the notice, one flag sends it to review."""
        outcomes = {result.outcome for result in self.results}
        if FAIL in outcomes:
            return FAIL
        return FLAG if FLAG in outcomes else PASS

    def failures(self) -> tuple[RuleResult, ...]:
        return tuple(result for result in self.results if result.outcome == FAIL)

    def flags(self) -> tuple[RuleResult, ...]:
        return tuple(result for result in self.results if result.outcome == FLAG)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "outcome": self.outcome,
            "results": [result.as_dict() for result in self.results],
        }


# -- the rule types ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Finding:
    """What a check found: triggered or not, a sentence saying what, and the evidence."""

    triggered: bool
    detail: str
    evidence: tuple[str, ...] = ()
    outcome: str | None = None  # overrides the rule's outcome (all offences excluded)


_Check = Callable[[NoticeFacts], _Finding]
_Values = dict[str, str | int | float]


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


@dataclass(frozen=True, slots=True)
class _MinimumIdentity:
    """Officers must be able to recognise the person: a name and one more particular."""

    def __call__(self, facts: NoticeFacts) -> _Finding:
        subject = facts.subject
        names = [name for name in subject.names if name.strip()]
        particulars = [
            label
            for label, present in (
                (f"date of birth {(subject.dob or '').strip()}", not _blank(subject.dob)),
                ("a photo", subject.has_photo),
                ("fingerprints", subject.has_fingerprints),
            )
            if present
        ]
        missing: list[str] = []
        evidence: list[str] = []
        if not names:
            missing.append("a name")
            evidence.append("subject.names: none")
        if not particulars:
            missing.append("a date of birth, a photo or fingerprints")
            evidence.append("subject.dob, subject.has_photo, subject.has_fingerprints: none")
        if missing:
            return _Finding(True, f"Missing: {' and '.join(missing)}.", tuple(evidence))
        return _Finding(
            False,
            f"The subject is identified by a name and {', '.join(particulars)}.",
            (f"subject.names: {len(names)}",),
        )


def _judicial_gaps(facts: NoticeFacts) -> Iterator[tuple[str, str | None]]:
    """Each field missing or invalid, with the reason when it is not plain absence."""
    if facts.purpose not in PURPOSES:
        yield "purpose", "prosecution or enforcement"
    if not facts.offences:
        yield "offences", None
    for index, offence in enumerate(facts.offences):
        if _blank(offence.description):
            yield f"offences[{index}].description", None
        if _blank(offence.law):
            yield f"offences[{index}].law", None
        if offence.max_penalty_months is None:
            yield f"offences[{index}].max_penalty_months", None
        elif offence.max_penalty_months < 0:
            yield f"offences[{index}].max_penalty_months", "0 or more"
    if _blank(facts.warrant_reference):
        yield "warrant_reference", None
    if _blank(facts.warrant_date):
        yield "warrant_date", None
    elif not _is_date(facts.warrant_date or ""):
        yield "warrant_date", "a date, YYYY-MM-DD"
    if _blank(facts.warrant_authority):
        yield "warrant_authority", None
    if facts.purpose == "enforcement" and facts.remaining_sentence_months is None:
        yield "remaining_sentence_months", None


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return False
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _JudicialData:
    """A red notice rests on offences defined by law and a warrant or judgment."""

    def __call__(self, facts: NoticeFacts) -> _Finding:
        gaps = list(_judicial_gaps(facts))
        if not gaps:
            return _Finding(
                False, "Every offence has its law and penalty, and the warrant is complete."
            )
        listed = ", ".join(name if why is None else f"{name} ({why})" for name, why in gaps)
        return _Finding(True, f"Missing or invalid: {listed}.", tuple(name for name, _ in gaps))


@dataclass(frozen=True, slots=True)
class _PenaltyThreshold:
    """Red notices are for serious crime: a minimum penalty, or a minimum left to serve."""

    prosecution_min_months: int
    enforcement_min_months: int

    def __call__(self, facts: NoticeFacts) -> _Finding:
        if facts.purpose == "prosecution":
            return self._prosecution(facts.offences)
        if facts.purpose == "enforcement":
            return self._enforcement(facts.remaining_sentence_months)
        return _Finding(
            True,
            "The purpose (prosecution or enforcement) is not given, so the threshold "
            "cannot be checked.",
            ("purpose",),
        )

    def _prosecution(self, offences: Sequence[Offence]) -> _Finding:
        need = self.prosecution_min_months
        known = [
            (offence.max_penalty_months, index)
            for index, offence in enumerate(offences)
            if offence.max_penalty_months is not None
        ]
        if not known:
            return _Finding(
                True,
                f"For prosecution an offence must be punishable by {need} months or more; "
                "no maximum penalty is given.",
                ("offences[*].max_penalty_months: none",),
            )
        months, index = max(known, key=lambda pair: (pair[0], -pair[1]))
        evidence = (f"offences[{index}].max_penalty_months: {months}",)
        if months >= need:
            return _Finding(
                False,
                f"offences[{index}] is punishable by {months} months; prosecution needs "
                f"{need} or more.",
                evidence,
            )
        return _Finding(
            True,
            f"For prosecution an offence must be punishable by {need} months or more; the "
            f"longest maximum penalty given is {months} months (offences[{index}]).",
            evidence,
        )

    def _enforcement(self, remaining: int | None) -> _Finding:
        need = self.enforcement_min_months
        if remaining is None:
            return _Finding(
                True,
                f"For enforcement {need} months or more must remain to be served; the "
                "remaining sentence is not given.",
                ("remaining_sentence_months: none",),
            )
        evidence = (f"remaining_sentence_months: {remaining}",)
        if remaining >= need:
            return _Finding(
                False,
                f"{remaining} months remain to be served; enforcement needs {need} or more.",
                evidence,
            )
        return _Finding(
            True,
            f"For enforcement {need} months or more must remain to be served; "
            f"{remaining} months remain.",
            evidence,
        )


@dataclass(frozen=True, slots=True)
class _Category:
    """Terms of one kind (in any language), and the terms that cancel them in the same text."""

    id: str
    name: str
    terms: TermIndex
    unless: TermIndex | None


@dataclass(frozen=True, slots=True)
class _TermMatch:
    """Words in the request that signal an excluded offence or an Article 3 concern.

    Each offence description, the summary and the subject's description are read
    separately. A category counts in a text when one of its terms is there and none of
    its ``unless`` terms is. Every offence matching gives ``all_match_outcome`` if set.
    """

    fields: tuple[str, ...]
    categories: tuple[_Category, ...]
    all_match_outcome: str | None

    def __call__(self, facts: NoticeFacts) -> _Finding:
        evidence: list[str] = []
        found: list[str] = []
        offences_matched = 0
        for label, text, is_offence in self._texts(facts):
            names = self._scan(label, text, evidence)
            if names:
                found.append(f"{label} ({', '.join(names)})")
                offences_matched += 1 if is_offence else 0
        if not found:
            where = ", ".join(self.fields)
            return _Finding(False, f"No listed term was found in {where}.", tuple(evidence))
        detail = f"Terms found in {'; '.join(found)}."
        total = len(facts.offences)
        if "offences" in self.fields and total:
            detail += f" {offences_matched} of {total} offences match."
        every = bool(self.all_match_outcome) and total > 0 and offences_matched == total
        return _Finding(True, detail, tuple(evidence), self.all_match_outcome if every else None)

    def _texts(self, facts: NoticeFacts) -> Iterator[tuple[str, str, bool]]:
        for name in self.fields:
            if name == "offences":
                for index, offence in enumerate(facts.offences):
                    yield f"offences[{index}].description", offence.description, True
            elif name == "summary":
                yield "summary", facts.summary, False
            else:
                yield "subject.description", facts.subject.description, False

    def _scan(self, label: str, text: str, evidence: list[str]) -> list[str]:
        """The names of the categories found in one text; evidence for each term found."""
        words = Words(text)  # read once, searched for every category
        names: list[str] = []
        for category in self.categories:
            hits = category.terms.find(words)
            if not hits:
                continue
            vetoes = category.unless.find(words) if category.unless else []
            if vetoes:
                veto = vetoes[0]
                evidence.append(
                    f'{label}: not counted as {category.id}: "{veto.excerpt(text)}" matches '
                    f'"{veto.term.written}" ({veto.term.language}), an exception'
                )
                continue
            names.append(category.name)
            seen: set[Term] = set()  # a term found twice is evidence once
            for hit in hits:
                if hit.term not in seen:
                    seen.add(hit.term)
                    evidence.append(
                        f'{label}: "{hit.excerpt(text)}" matches "{hit.term.written}" '
                        f"({hit.term.language}, {category.id})"
                    )
        return names


@dataclass(frozen=True, slots=True)
class _Duplicate:
    """A person who already has a notice should get that one updated, not a second one."""

    min_score: float

    def __call__(self, facts: NoticeFacts) -> _Finding:
        close = sorted(
            (dup for dup in facts.duplicates if dup.score >= self.min_score),
            key=lambda dup: (-dup.score, dup.notice_id),
        )
        if not close:
            return _Finding(
                False, f"No other notice's subject scores {self.min_score:g} or more by name."
            )
        evidence = tuple(
            f'notice {dup.notice_id} ({dup.kind}) "{dup.name}" score {dup.score:.2f}'
            for dup in close
        )
        listed = ", ".join(str(dup.notice_id) for dup in close)
        return _Finding(True, f"The subject may already have a notice: {listed}.", evidence)


# -- a rule, a book ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One rule as loaded: its head from the file and the check of its type."""

    id: str
    name: str
    type: str
    applies_to: frozenset[str]
    outcome: str
    message: str
    pass_message: str
    values: Mapping[str, str | int | float]
    check: _Check
    person_only: bool

    def applies(self, facts: NoticeFacts) -> bool:
        return facts.kind in self.applies_to and (facts.subject.is_person or not self.person_only)

    def evaluate(self, facts: NoticeFacts) -> RuleResult:
        finding = self.check(facts)
        if finding.triggered:
            outcome, template = finding.outcome or self.outcome, self.message
        else:
            outcome, template = PASS, self.pass_message
        message = template.format_map({**self.values, "detail": finding.detail})
        return RuleResult(self.id, self.name, outcome, message, finding.evidence)


@dataclass(frozen=True, slots=True)
class RuleBook:
    """The rules of one version of the file, in the file's order."""

    version: str
    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> RuleBook:
        """The packaged rules, or those of ``path``; a bad file raises InvalidInput."""
        if path is None:
            text = resources.files("concord.domain").joinpath(_PACKAGED).read_text("utf-8")
        else:
            text = _read(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"rules file: not valid TOML: {exc}", field="rules_file") from None
        return _book(data)

    def evaluate(self, facts: NoticeFacts) -> ComplianceReport:
        """Every rule that applies to the notice, in the file's order."""
        if facts.kind not in NOTICE_KINDS:
            raise InvalidInput(f"unknown notice kind {facts.kind!r}", field="kind")
        results = tuple(rule.evaluate(facts) for rule in self.rules if rule.applies(facts))
        return ComplianceReport(self.version, results)


@cache
def default_rulebook() -> RuleBook:
    """The packaged rules, read once per process."""
    return RuleBook.load()


_PACKAGED = "data/notice_rules.toml"


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidInput(f"rules file {path}: {reason}", field="rules_file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"rules file {path}: not UTF-8 text", field="rules_file") from None


# -- reading the file --------------------------------------------------------------------

_RULE_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_CATEGORY_ID = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")


class _Table:
    """One table of the file being read: typed access that names the field at fault in
    every error, and unknown keys refused (a misspelt key must not silently do nothing)."""

    def __init__(self, data: Mapping[str, Any], path: str, rule: str | None = None) -> None:
        self.data = data
        self.path = path
        self.rule = rule
        self._used: set[str] = set()

    def error(self, key: str | None, reason: str) -> InvalidInput:
        field = ".".join(part for part in (self.path, key) if part) or "rules_file"
        where = f"rule {self.rule!r} ({field})" if self.rule else field
        return InvalidInput(f"rules file: {where}: {reason}", field=field)

    def get(self, key: str, *, required: bool = True) -> Any:
        self._used.add(key)
        if key not in self.data and required:
            raise self.error(key, "is missing")
        return self.data.get(key)

    def text(self, key: str, *, default: str | None = None) -> str:
        value = self.get(key, required=default is None)
        if value is None:
            assert default is not None
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string")
        return value.strip()

    def whole(self, key: str) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, "must be a whole number, 0 or more")
        return value

    def fraction(self, key: str) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.error(key, "must be a number from 0 to 1")
        return float(value)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list of strings")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{index}]", "must be a non-empty string")
        return tuple(item.strip() for item in value)

    def table(self, key: str, *, required: bool = True) -> _Table | None:
        value = self.get(key, required=required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, "must be a table")
        return _Table(value, f"{self.path}.{key}" if self.path else key, self.rule)

    def tables(self, key: str) -> list[_Table]:
        value = self.get(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, f"must be a non-empty array of tables ([[{key}]])")
        prefix = f"{self.path}.{key}" if self.path else key
        out: list[_Table] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"{key}[{index}]", "must be a table")
            out.append(_Table(item, f"{prefix}[{index}]", self.rule))
        return out

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self._used)
        if unknown:
            raise self.error(unknown[0], "unknown key")


@dataclass(frozen=True, slots=True)
class _RuleType:
    """How to read one rule type's parameters, and what it needs of the notice."""

    build: Callable[[_Table], tuple[_Check, _Values]]
    person_only: bool = False


def _outcome(table: _Table, key: str, *, required: bool = True) -> str | None:
    value = table.get(key, required=required)
    if value is None:
        return None
    if value not in (FLAG, FAIL):
        raise table.error(key, f'must be "flag" or "fail", not {value!r}')
    return str(value)


def _build_minimum_identity(table: _Table) -> tuple[_Check, _Values]:
    return _MinimumIdentity(), {}


def _build_judicial_data(table: _Table) -> tuple[_Check, _Values]:
    return _JudicialData(), {}


def _build_penalty_threshold(table: _Table) -> tuple[_Check, _Values]:
    prosecution = table.whole("prosecution_min_months")
    enforcement = table.whole("enforcement_min_months")
    values: _Values = {
        "prosecution_min_months": prosecution,
        "enforcement_min_months": enforcement,
    }
    return _PenaltyThreshold(prosecution, enforcement), values


def _build_duplicate(table: _Table) -> tuple[_Check, _Values]:
    min_score = table.fraction("min_score")
    return _Duplicate(min_score), {"min_score": min_score}


def _build_term_match(table: _Table) -> tuple[_Check, _Values]:
    fields = table.texts("fields")
    for index, name in enumerate(fields):
        if name not in TEXT_FIELDS:
            raise table.error(f"fields[{index}]", f"unknown field {name!r} (use {TEXT_FIELDS})")
    all_match = _outcome(table, "all_match_outcome", required=False)
    if all_match and "offences" not in fields:
        raise table.error("all_match_outcome", 'needs "offences" in fields')
    categories = tuple(_category(item) for item in table.tables("categories"))
    ids = [category.id for category in categories]
    for index, category_id in enumerate(ids):
        if category_id in ids[:index]:
            raise table.error(f"categories[{index}].id", f"{category_id!r} is used twice")
    return _TermMatch(tuple(dict.fromkeys(fields)), categories, all_match), {}


def _category(table: _Table) -> _Category:
    category_id = table.text("id")
    if not _CATEGORY_ID.fullmatch(category_id):
        raise table.error("id", "use lower-case letters, digits and _")
    name = table.text("name")
    terms = table.table("terms")
    assert terms is not None
    unless = table.table("unless", required=False)
    table.finish()
    return _Category(
        category_id,
        name,
        TermIndex(_terms(terms)),
        TermIndex(_terms(unless)) if unless is not None else None,
    )


def _terms(table: _Table) -> list[Term]:
    """Terms per language; each checked so that a bad one is refused, not silently dead."""
    if not table.data:
        raise table.error(None, "needs terms in at least one language")
    out: list[Term] = []
    for language in table.data:
        if not _LANGUAGE.fullmatch(language):
            raise table.error(language, "not a language code (ISO 639, e.g. en, fr, ar)")
        for index, written in enumerate(table.texts(language)):
            try:
                term = Term.parse(written, language)
            except ValueError as exc:
                raise table.error(f"{language}[{index}]", f"term {written!r} {exc}") from None
            out.append(term)
    return out


_RULE_TYPES: Final[Mapping[str, _RuleType]] = {
    "minimum_identity": _RuleType(_build_minimum_identity, person_only=True),
    "judicial_data": _RuleType(_build_judicial_data),
    "penalty_threshold": _RuleType(_build_penalty_threshold),
    "term_match": _RuleType(_build_term_match),
    "duplicate": _RuleType(_build_duplicate, person_only=True),
}


def _template(table: _Table, key: str, allowed: set[str], default: str | None = None) -> str:
    """A message with placeholders; an unknown one is refused at load, not at a submission."""
    text = table.text(key, default=default)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise table.error(key, f"bad braces ({exc}); write {{{{ and }}}} for a brace") from None
    for _, name, spec, conversion in parsed:
        if name is not None and (name not in allowed or spec or conversion):
            known = ", ".join("{" + item + "}" for item in sorted(allowed))
            raise table.error(key, f"unknown placeholder {{{name}}} (known: {known})")
    return text


def _kinds(table: _Table) -> frozenset[str]:
    if "applies_to" not in table.data:
        table.get("applies_to", required=False)
        return frozenset(NOTICE_KINDS)
    kinds = table.texts("applies_to")
    for index, kind in enumerate(kinds):
        if kind not in NOTICE_KINDS:
            raise table.error(f"applies_to[{index}]", f"unknown notice kind {kind!r}")
    return frozenset(kinds)


def _rule(table: _Table, earlier: set[str]) -> Rule:
    rule_id = table.text("id")
    if not _RULE_ID.fullmatch(rule_id):
        raise table.error("id", "use lower-case words joined by dots, e.g. red.penalty_threshold")
    if rule_id in earlier:
        raise table.error("id", f"{rule_id!r} is used by an earlier rule")
    table.rule = rule_id
    name = table.text("name")
    type_name = table.text("type")
    rule_type = _RULE_TYPES.get(type_name)
    if rule_type is None:
        raise table.error("type", f"unknown rule type {type_name!r} (known: {sorted(_RULE_TYPES)})")
    applies_to = _kinds(table)
    outcome = _outcome(table, "outcome")
    assert outcome is not None
    check, values = rule_type.build(table)
    allowed = {"detail", *values}
    message = _template(table, "message", allowed)
    pass_message = _template(table, "pass_message", allowed, default="{detail}")
    table.finish()
    return Rule(
        rule_id,
        name,
        type_name,
        applies_to,
        outcome,
        message,
        pass_message,
        values,
        check,
        rule_type.person_only,
    )


def _book(data: Mapping[str, Any]) -> RuleBook:
    top = _Table(data, "")
    version = top.text("version")
    if not _VERSION.fullmatch(version):
        raise top.error("version", "use letters, digits, dots, - and _ (e.g. 2026.11.1)")
    earlier: set[str] = set()
    rules: list[Rule] = []
    for table in top.tables("rules"):
        rule = _rule(table, earlier)
        earlier.add(rule.id)
        rules.append(rule)
    top.finish()
    return RuleBook(version, tuple(rules))


__all__ = [
    "FAIL",
    "FLAG",
    "NOTICE_KINDS",
    "PASS",
    "PURPOSES",
    "TEXT_FIELDS",
    "ComplianceReport",
    "NoticeFacts",
    "Offence",
    "PossibleDuplicate",
    "Rule",
    "RuleBook",
    "RuleResult",
    "SubjectFacts",
    "default_rulebook",
    "fold",
]
