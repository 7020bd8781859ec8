"""The automated compliance review: each rule type, the packaged terms, and the rules file."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from concord.domain.compliance import (
    ComplianceReport,
    NoticeFacts,
    Offence,
    PossibleDuplicate,
    RuleBook,
    RuleResult,
    SubjectFacts,
    default_rulebook,
)
from concord.errors import InvalidInput

PACKAGED_IDS = [
    "identity.minimum",
    "red.judicial_data",
    "red.penalty_threshold",
    "offences.excluded",
    "art3.offence_character",
    "art3.subject_status",
    "duplicate.possible",
]
LANGUAGES = ("en", "fr", "es", "ar", "ru")


def subject(**changes: Any) -> SubjectFacts:
    base = SubjectFacts(
        names=("Marta Ruiz Ortega",),
        dob="1980-04-02",
        has_photo=True,
        has_fingerprints=False,
        description="",
        is_person=True,
    )
    return replace(base, **changes)


def facts(**changes: Any) -> NoticeFacts:
    """A complete red notice for prosecution that every packaged rule passes."""
    base = NoticeFacts(
        kind="red",
        crime_programme="organized_emerging_crime",
        purpose="prosecution",
        offences=(Offence("armed robbery", "Penal Code art. 242", 120),),
        warrant_reference="AW-2024-118",
        warrant_date="2024-03-01",
        warrant_authority="Investigating judge, Court of Seville",
        remaining_sentence_months=None,
        summary="The subject robbed a jewellery shop at gunpoint with two others.",
        subject=subject(),
        duplicates=(),
    )
    return replace(base, **changes)


def offences(*descriptions: str) -> tuple[Offence, ...]:
    return tuple(Offence(text, "Penal Code art. 1", 60) for text in descriptions)


def result(report: ComplianceReport, rule_id: str) -> RuleResult:
    found = [r for r in report.results if r.rule == rule_id]
    assert found, f"{rule_id} not in {[r.rule for r in report.results]}"
    return found[0]


def ids(report: ComplianceReport) -> list[str]:
    return [r.rule for r in report.results]


def evaluate(**changes: Any) -> ComplianceReport:
    return default_rulebook().evaluate(facts(**changes))


def toml_list(items: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in items) + "]"


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def term_book(
    tmp_path: Path,
    terms: dict[str, list[str]],
    unless: dict[str, list[str]] | None = None,
    fields: tuple[str, ...] = ("summary",),
) -> RuleBook:
    """A rules file with a single term_match rule, to test one category of terms."""
    lines = [
        'version = "test.1"',
        "[[rules]]",
        'id = "test.terms"',
        'name = "Test terms"',
        'type = "term_match"',
        f"fields = {toml_list(fields)}",
        'outcome = "flag"',
        'message = "{detail}"',
        "[[rules.categories]]",
        'id = "probe"',
        'name = "probe"',
        "[rules.categories.terms]",
        *(f"{lang} = {toml_list(words)}" for lang, words in terms.items()),
    ]
    if unless:
        lines.append("[rules.categories.unless]")
        lines.extend(f"{lang} = {toml_list(words)}" for lang, words in unless.items())
    return RuleBook.load(write_rules(tmp_path, "\n".join(lines) + "\n"))


# -- the report ---------------------------------------------------------------------------


def test_packaged_rules_load_once_with_their_version() -> None:
    book = default_rulebook()
    assert book is default_rulebook()
    assert book.version == "2026.11.1"
    assert [rule.id for rule in book.rules] == PACKAGED_IDS


def test_a_complete_red_notice_passes_every_rule_in_file_order() -> None:
    report = evaluate()
    assert report.outcome == "pass"
    assert ids(report) == PACKAGED_IDS
    assert all(r.outcome == "pass" and r.message for r in report.results)
    assert report.failures() == ()
    assert report.flags() == ()


def test_the_report_carries_the_version_and_is_json_ready() -> None:
    report = evaluate(offences=offences("adultery"))
    data = json.loads(json.dumps(report.as_dict()))
    assert data["rules_version"] == "2026.11.1"
    assert data["outcome"] == "fail"
    assert [r["rule"] for r in data["results"]] == PACKAGED_IDS
    excluded = data["results"][3]
    assert set(excluded) == {"rule", "name", "outcome", "message", "evidence"}
    assert excluded["outcome"] == "fail"
    assert excluded["evidence"] == [
        'offences[0].description: "adultery" matches "adultery" (en, behaviour)'
    ]


def test_the_outcome_is_the_worst_result() -> None:
    passed = RuleResult("a", "A", "pass", "ok", ())
    flag = RuleResult("b", "B", "flag", "look", ("x",))
    fail = RuleResult("c", "C", "fail", "no", ("y",))
    assert ComplianceReport("v", (passed,)).outcome == "pass"
    assert ComplianceReport("v", (passed, flag)).outcome == "flag"
    report = ComplianceReport("v", (flag, fail, passed))
    assert report.outcome == "fail"
    assert report.failures() == (fail,)
    assert report.flags() == (flag,)
    assert ComplianceReport("v", ()).outcome == "pass"


def test_the_same_facts_give_the_same_report() -> None:
    notice = facts(
        offences=offences("adultery", "insulting the king"),
        summary="He organised an unauthorised demonstration.",
        subject=subject(description="journalist and blogger"),
    )
    first = default_rulebook().evaluate(notice)
    assert first == default_rulebook().evaluate(notice)
    assert first.outcome == "flag"


def test_rules_that_do_not_apply_to_the_kind_are_left_out() -> None:
    yellow = evaluate(kind="yellow", purpose=None, offences=(), warrant_reference=None)
    assert ids(yellow) == ["identity.minimum", "duplicate.possible"]
    assert yellow.outcome == "pass"
    black = evaluate(kind="black", subject=subject(names=(), dob=None))
    assert ids(black) == []
    purple = evaluate(kind="purple", summary="Members of a banned political party met.")
    assert ids(purple) == ["art3.offence_character"]
    assert purple.outcome == "flag"


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        evaluate(kind="pink")
    assert exc.value.field == "kind"


# -- minimum_identity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "dob", "photo", "prints", "outcome"),
    [
        (("Ana Ruiz",), "1980", False, False, "pass"),
        (("Ana Ruiz",), None, True, False, "pass"),
        (("Ana Ruiz",), None, False, True, "pass"),
        (("Ana Ruiz",), None, False, False, "fail"),
        (("Ana Ruiz",), "  ", False, False, "fail"),
        ((), "1980-01", True, True, "fail"),
        (("  ",), "1980", False, False, "fail"),
    ],
)
def test_identity_needs_a_name_and_one_more_particular(
    names: tuple[str, ...], dob: str | None, photo: bool, prints: bool, outcome: str
) -> None:
    person = subject(names=names, dob=dob, has_photo=photo, has_fingerprints=prints)
    assert result(evaluate(subject=person), "identity.minimum").outcome == outcome


def test_identity_failure_says_what_is_missing() -> None:
    person = subject(names=(), dob=None, has_photo=False)
    found = result(evaluate(subject=person), "identity.minimum")
    assert found.outcome == "fail"
    assert found.message.startswith("Missing: a name and a date of birth, a photo or fingerprints.")
    assert found.evidence == (
        "subject.names: none",
        "subject.dob, subject.has_photo, subject.has_fingerprints: none",
    )


def test_person_rules_are_left_out_for_an_object_notice() -> None:
    thing = subject(names=(), dob=None, has_photo=False, is_person=False)
    dup = PossibleDuplicate(9, "purple", 0.99, "X")
    report = evaluate(kind="purple", subject=thing, duplicates=(dup,))
    assert "identity.minimum" not in ids(report)
    assert "duplicate.possible" not in ids(report)
    blue = evaluate(kind="blue", subject=thing, duplicates=(dup,))
    assert ids(blue) == ["offences.excluded", "art3.offence_character", "art3.subject_status"]


# -- judicial_data ------------------------------------------------------------------------


def test_judicial_data_lists_every_missing_field() -> None:
    report = evaluate(
        offences=(
            Offence("fraud", None, 60),
            Offence(" ", "Penal Code art. 9", None),
        ),
        warrant_date=None,
        warrant_authority="",
    )
    found = result(report, "red.judicial_data")
    assert found.outcome == "fail"
    assert found.evidence == (
        "offences[0].law",
        "offences[1].description",
        "offences[1].max_penalty_months",
        "warrant_date",
        "warrant_authority",
    )
    assert "offences[0].law" in found.message
    assert "warrant_authority" in found.message


def test_judicial_data_needs_an_offence_a_purpose_and_a_warrant() -> None:
    found = result(evaluate(purpose=None, offences=(), warrant_reference=None), "red.judicial_data")
    assert found.evidence == ("purpose", "offences", "warrant_reference")


def test_enforcement_needs_the_sentence_left_to_serve() -> None:
    found = result(evaluate(purpose="enforcement"), "red.judicial_data")
    assert found.outcome == "fail"
    assert found.evidence == ("remaining_sentence_months",)
    complete = evaluate(purpose="enforcement", remaining_sentence_months=30)
    assert result(complete, "red.judicial_data").outcome == "pass"


@pytest.mark.parametrize("date", ["2024-02-30", "01/03/2024", "2024-3-1"])
def test_a_warrant_date_must_be_a_real_date(date: str) -> None:
    found = result(evaluate(warrant_date=date), "red.judicial_data")
    assert found.outcome == "fail"
    assert found.evidence == ("warrant_date",)
    assert "YYYY-MM-DD" in found.message


# -- penalty_threshold --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "outcome"), [(24, "pass"), (120, "pass"), (23, "fail"), (None, "fail")]
)
def test_prosecution_needs_an_offence_punishable_by_24_months(
    months: int | None, outcome: str
) -> None:
    notice = evaluate(offences=(Offence("theft", "Penal Code art. 234", months),))
    assert result(notice, "red.penalty_threshold").outcome == outcome


def test_prosecution_counts_the_most_serious_offence() -> None:
    notice = evaluate(
        offences=(
            Offence("theft", "PC 234", 12),
            Offence("robbery", "PC 242", 36),
        )
    )
    found = result(notice, "red.penalty_threshold")
    assert found.outcome == "pass"
    assert found.evidence == ("offences[1].max_penalty_months: 36",)


def test_a_failed_threshold_says_the_threshold_and_what_was_given() -> None:
    notice = evaluate(offences=(Offence("theft", "PC 234", 12), Offence("fraud", "PC 248", 18)))
    found = result(notice, "red.penalty_threshold")
    assert found.outcome == "fail"
    assert "24 months or more" in found.message
    assert "the longest maximum penalty given is 18 months (offences[1])" in found.message
    assert found.evidence == ("offences[1].max_penalty_months: 18",)


@pytest.mark.parametrize(
    ("remaining", "outcome"), [(6, "pass"), (48, "pass"), (5, "fail"), (None, "fail")]
)
def test_enforcement_needs_six_months_left_to_serve(remaining: int | None, outcome: str) -> None:
    notice = evaluate(purpose="enforcement", remaining_sentence_months=remaining)
    found = result(notice, "red.penalty_threshold")
    assert found.outcome == outcome
    if outcome == "fail":
        assert "6 months or more" in found.message


def test_without_a_purpose_the_threshold_fails() -> None:
    found = result(evaluate(purpose=None), "red.penalty_threshold")
    assert found.outcome == "fail"
    assert found.evidence == ("purpose",)


# -- term_match: excluded offences --------------------------------------------------------

EXCLUDED = [
    ("en", "Adultery", "behaviour"),
    ("en", "issuing a bounced cheque", "private_dispute"),
    ("en", "custody dispute over the couple's son", "family"),
    ("fr", "Émission de chèque sans provision", "private_dispute"),
    ("fr", "adultère", "behaviour"),
    ("fr", "abandon de famille", "family"),
    ("fr", "diffamation envers un voisin", "private_insult"),
    ("es", "Libramiento de cheque sin fondos", "private_dispute"),
    ("es", "delito de adulterio", "behaviour"),
    ("es", "difamación", "private_insult"),
    ("ar", "إصدار شيك بدون رصيد", "private_dispute"),
    ("ar", "جريمة الزنا", "behaviour"),
    ("ar", "التشهير", "private_insult"),
    ("ar", "عدم دفع النفقة", "family"),
    ("ru", "неуплата алиментов", "family"),
    ("ru", "клевета", "private_insult"),
    ("ru", "распитие спиртных напитков", "behaviour"),
]


@pytest.mark.parametrize(("lang", "text", "category"), EXCLUDED)
def test_excluded_offences_fail_when_every_offence_is_excluded(
    lang: str, text: str, category: str
) -> None:
    found = result(evaluate(offences=offences(text)), "offences.excluded")
    assert found.outcome == "fail"
    assert any(f"({lang}, {category})" in line for line in found.evidence)
    assert found.evidence[0].startswith('offences[0].description: "')
    assert "1 of 1 offences match" in found.message


def test_an_excluded_offence_among_others_is_a_flag() -> None:
    report = evaluate(offences=offences("armed robbery", "adultery"))
    found = result(report, "offences.excluded")
    assert found.outcome == "flag"
    assert found.evidence == (
        'offences[1].description: "adultery" matches "adultery" (en, behaviour)',
    )
    assert "1 of 2 offences match" in found.message
    assert report.outcome == "flag"


@pytest.mark.parametrize(
    "text",
    [
        "child abduction during a custody dispute",
        "enlèvement d'enfant dans un conflit familial",
        "sustracción de menores en una disputa familiar",
        "bounced cheques as part of an organised fraud",
        "إصدار شيك بدون رصيد في إطار عملية احتيال",
        "assault with intent to injure",
        "insulting a police officer",
    ],
)
def test_exceptions_keep_serious_crime_out_of_the_excluded_categories(text: str) -> None:
    found = result(evaluate(offences=offences(text)), "offences.excluded")
    assert found.outcome == "pass"


def test_an_exception_is_shown_in_the_evidence() -> None:
    found = result(
        evaluate(offences=offences("custody dispute and child abduction")), "offences.excluded"
    )
    assert found.outcome == "pass"
    assert found.evidence == (
        'offences[0].description: not counted as family: "abduction" matches "abduct*" (en), '
        "an exception",
    )


def test_insulting_the_head_of_state_is_flagged_not_excluded() -> None:
    report = evaluate(offences=offences("insulting the head of state"))
    assert result(report, "offences.excluded").outcome == "pass"
    art3 = result(report, "art3.offence_character")
    assert art3.outcome == "flag"
    assert art3.evidence == (
        'offences[0].description: "insulting the head of state" matches '
        '"insult* the head of state" (en, head_of_state)',
    )
    assert report.outcome == "flag"


# -- term_match: Article 3 ----------------------------------------------------------------

ART3_OFFENCES = [
    ("en", "Insulting the head of state", "head_of_state"),
    ("en", "draft evasion", "military"),
    ("en", "participation in an unauthorised demonstration", "political"),
    ("en", "blasphemy", "religious"),
    ("en", "high treason", "political"),
    ("fr", "Outrage au chef de l'État", "head_of_state"),
    ("fr", "apostasie", "religious"),
    ("fr", "rassemblement illégal", "political"),
    ("fr", "désertion", "military"),
    ("es", "injurias al Jefe de Estado", "head_of_state"),
    ("es", "desacato", "head_of_state"),
    ("es", "reunión ilegal", "political"),
    ("es", "deserción", "military"),
    ("es", "blasfemia", "religious"),
    ("ar", "إهانة رئيس الدولة", "head_of_state"),
    ("ar", "ازدراء الأديان", "religious"),
    ("ar", "الردة عن الإسلام", "religious"),
    ("ar", "الفرار من الخدمة العسكرية", "military"),
    ("ar", "التجمهر", "political"),
    ("ru", "оскорбление президента", "head_of_state"),
    ("ru", "дезертирство", "military"),
    ("ru", "богохульство", "religious"),
    ("ru", "участие в несанкционированном митинге", "political"),
]


@pytest.mark.parametrize(("lang", "text", "category"), ART3_OFFENCES)
def test_article_3_offences_are_flagged_never_failed(lang: str, text: str, category: str) -> None:
    found = result(evaluate(offences=offences(text)), "art3.offence_character")
    assert found.outcome == "flag"
    assert any(f"({lang}, {category})" in line for line in found.evidence)
    assert "Article 3" in found.message


def test_article_3_facts_in_the_summary_are_flagged() -> None:
    found = result(
        evaluate(summary="He led an illegal assembly outside parliament."),
        "art3.offence_character",
    )
    assert found.outcome == "flag"
    assert found.evidence == (
        'summary: "illegal assembly" matches "illegal assembly" (en, political)',
    )


ART3_SUBJECTS = [
    ("en", "freelance journalist", "media"),
    ("en", "human-rights defender", "activist"),
    ("en", "asylum seekers' advocate", "refugee"),
    ("fr", "militante des droits humains", "activist"),
    ("fr", "réfugié politique", "refugee"),
    ("fr", "Journaliste d'investigation", "media"),
    ("es", "periodista", "media"),
    ("es", "activista ambiental", "activist"),
    ("es", "refugiado", "refugee"),
    ("es", "líder de la oposición", "politician"),
    ("ar", "صحفية", "media"),
    ("ar", "ناشط حقوقي", "activist"),
    ("ar", "واللاجئين", "refugee"),
    ("ar", "زعيم المعارضة", "politician"),
    ("ru", "журналистка", "media"),
    ("ru", "правозащитник", "activist"),
    ("ru", "беженец", "refugee"),
    ("ru", "депутат Государственной думы", "politician"),
]


@pytest.mark.parametrize(("lang", "text", "category"), ART3_SUBJECTS)
def test_a_subject_described_by_a_protected_status_is_flagged(
    lang: str, text: str, category: str
) -> None:
    found = result(evaluate(subject=subject(description=text)), "art3.subject_status")
    assert found.outcome == "flag"
    assert any(f"({lang}, {category})" in line for line in found.evidence)
    assert found.evidence[0].startswith('subject.description: "')


@pytest.mark.parametrize(
    ("summary", "description"),
    [
        ("A journalist was the victim of the robbery.", ""),
        ("He works on an assembly line; he robbed the shop.", "assembly line worker"),
        ("وكان رده على الشرطة عنيفا", ""),
        ("", "Islamist militant"),
        ("", "reassembly technician"),
        ("The theft concerned political posters.", "political science student"),
    ],
)
def test_ordinary_words_do_not_raise_article_3(summary: str, description: str) -> None:
    report = evaluate(summary=summary, subject=subject(description=description))
    assert report.outcome == "pass", report.flags()


# -- duplicate ----------------------------------------------------------------------------


def test_close_duplicates_are_flagged_best_first() -> None:
    duplicates = (
        PossibleDuplicate(17, "red", 0.86, "Marta Ruiz"),
        PossibleDuplicate(23, "blue", 0.84, "Marta Ruis"),
        PossibleDuplicate(4, "yellow", 0.97, "Marta Ruiz Ortega"),
    )
    found = result(evaluate(duplicates=duplicates), "duplicate.possible")
    assert found.outcome == "flag"
    assert found.evidence == (
        'notice 4 (yellow) "Marta Ruiz Ortega" score 0.97',
        'notice 17 (red) "Marta Ruiz" score 0.86',
    )
    assert "4, 17" in found.message


@pytest.mark.parametrize(("score", "outcome"), [(0.85, "flag"), (0.849, "pass"), (0.0, "pass")])
def test_the_duplicate_threshold_is_inclusive(score: float, outcome: str) -> None:
    dup = PossibleDuplicate(3, "red", score, "Marta Ruiz")
    assert result(evaluate(duplicates=(dup,)), "duplicate.possible").outcome == outcome


# -- term_match: evidence and exceptions --------------------------------------------------


def test_evidence_quotes_the_text_as_written(tmp_path: Path) -> None:
    book = term_book(tmp_path, {"fr": ["blasphème"]}, fields=("offences", "summary"))
    report = book.evaluate(
        facts(offences=offences("vol", "Blasphe\u0300me public"), summary="un BLASPHEME")
    )
    assert report.results[0].evidence == (
        'offences[1].description: "Blasphe\u0300me" matches "blasphème" (fr, probe)',
        'summary: "BLASPHEME" matches "blasphème" (fr, probe)',
    )


def test_unless_terms_cancel_a_category_in_the_same_text_only(tmp_path: Path) -> None:
    book = term_book(
        tmp_path, {"en": ["custody dispute"]}, unless={"en": ["abduct*"]}, fields=("offences",)
    )
    report = book.evaluate(
        facts(offences=offences("custody dispute, abduction", "custody dispute"))
    )
    found = report.results[0]
    assert found.outcome == "flag"
    assert found.evidence == (
        'offences[0].description: not counted as probe: "abduction" matches "abduct*" (en), '
        "an exception",
        'offences[1].description: "custody dispute" matches "custody dispute" (en, probe)',
    )


# -- the packaged terms -------------------------------------------------------------------


def packaged() -> dict[str, Any]:
    text = resources.files("concord.domain").joinpath("data/notice_rules.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_every_packaged_category_has_terms_in_the_platform_languages() -> None:
    missing = [
        f"{rule['id']}/{category['id']}/{lang}"
        for rule in packaged()["rules"]
        if rule["type"] == "term_match"
        for category in rule["categories"]
        for lang in LANGUAGES
        if not category["terms"].get(lang)
    ]
    assert missing == []


def _notice_with(field: str, text: str, kind: str) -> NoticeFacts:
    if field == "offences":
        return facts(kind=kind, offences=offences(text))
    if field == "summary":
        return facts(kind=kind, summary=text)
    return facts(kind=kind, subject=subject(description=text))


def test_every_packaged_term_matches_its_own_wording() -> None:
    """A term that cannot match itself (a bad stem, its own exception) would be dead."""
    book = default_rulebook()
    dead = []
    for rule in packaged()["rules"]:
        if rule["type"] != "term_match":
            continue
        for category in rule["categories"]:
            for lang, terms in category["terms"].items():
                for term in terms:
                    notice = _notice_with(rule["fields"][0], term.replace("*", ""), "red")
                    found = result(book.evaluate(notice), rule["id"])
                    wanted = f'matches "{term}" ({lang}, {category["id"]})'
                    if found.outcome == "pass" or not any(wanted in e for e in found.evidence):
                        dead.append(f"{rule['id']}/{category['id']}/{lang}: {term}")
    assert dead == []


# -- the rules file -----------------------------------------------------------------------


def test_the_general_secretariat_extends_the_rules_without_code(tmp_path: Path) -> None:
    text = packaged_text()
    text = text.replace('version = "2026.11.1"', 'version = "2026.12.1"')
    text = text.replace('"activist*", "human', '"environmental defender*", "activist*", "human')
    text = text.replace("prosecution_min_months = 24", "prosecution_min_months = 12")
    text += """
[[rules]]
id = "art3.lese_majeste_de"
name = "Lese-majesty (German)"
type = "term_match"
applies_to = ["red"]
fields = ["offences", "summary"]
outcome = "flag"
message = "{detail} Review under Article 3."

  [[rules.categories]]
  id = "head_of_state_de"
  name = "insulting a head of state"
  terms.de = ["Majestätsbeleidigung", "Beleidigung des Staatsoberhaupt*"]
"""
    book = RuleBook.load(write_rules(tmp_path, text))
    assert book.version == "2026.12.1"
    report = book.evaluate(
        facts(
            offences=(Offence("Diebstahl", "StGB 242", 12),),
            summary="Wegen Beleidigung des Staatsoberhauptes angeklagt.",
            subject=subject(description="environmental defenders' network"),
        )
    )
    assert report.rules_version == "2026.12.1"
    assert ids(report) == [*PACKAGED_IDS, "art3.lese_majeste_de"]
    assert result(report, "red.penalty_threshold").outcome == "pass"
    assert result(report, "art3.subject_status").outcome == "flag"
    extra = result(report, "art3.lese_majeste_de")
    assert extra.outcome == "flag"
    assert extra.evidence == (
        'summary: "Beleidigung des Staatsoberhauptes" matches '
        '"Beleidigung des Staatsoberhaupt*" (de, head_of_state_de)',
    )


def packaged_text() -> str:
    return resources.files("concord.domain").joinpath("data/notice_rules.toml").read_text("utf-8")


MINIMAL_RULE = """
[[rules]]
id = "red.threshold"
name = "Threshold"
type = "penalty_threshold"
outcome = "fail"
prosecution_min_months = 24
enforcement_min_months = 6
message = "{detail}"
"""

TERMS_RULE = """
[[rules]]
id = "art3.terms"
name = "Terms"
type = "term_match"
fields = ["summary"]
outcome = "flag"
message = "{detail}"
  [[rules.categories]]
  id = "probe"
  name = "probe"
  terms.en = ["sedition"]
"""


def bad(rule: str, old: str, new: str) -> str:
    assert old in rule
    return 'version = "1"\n' + rule.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        (
            bad(MINIMAL_RULE, 'type = "penalty_threshold"', 'type = "regex"'),
            "rules[0].type",
            "rule 'red.threshold' (rules[0].type): unknown rule type 'regex'",
        ),
        (
            bad(MINIMAL_RULE, 'id = "red.threshold"', ""),
            "rules[0].id",
            "rules[0].id: is missing",
        ),
        (
            bad(MINIMAL_RULE, 'outcome = "fail"', 'outcome = "block"'),
            "rules[0].outcome",
            'must be "flag" or "fail", not \'block\'',
        ),
        (
            bad(MINIMAL_RULE, 'outcome = "fail"', 'outcome = "pass"'),
            "rules[0].outcome",
            'must be "flag" or "fail"',
        ),
        (
            'version = "1"\n' + MINIMAL_RULE + MINIMAL_RULE,
            "rules[1].id",
            "'red.threshold' is used by an earlier rule",
        ),
        (
            bad(MINIMAL_RULE, "enforcement_min_months", "enforcment_min_months"),
            "rules[0].enforcement_min_months",
            "is missing",
        ),
        (
            bad(MINIMAL_RULE, 'message = "{detail}"', 'message = "{detail}"\nthresold = 3'),
            "rules[0].thresold",
            "unknown key",
        ),
        (
            bad(MINIMAL_RULE, "prosecution_min_months = 24", "prosecution_min_months = true"),
            "rules[0].prosecution_min_months",
            "must be a whole number",
        ),
        (
            bad(MINIMAL_RULE, "prosecution_min_months = 24", "prosecution_min_months = -1"),
            "rules[0].prosecution_min_months",
            "must be a whole number",
        ),
        (
            bad(MINIMAL_RULE, 'outcome = "fail"', 'outcome = "fail"\napplies_to = ["red", "pink"]'),
            "rules[0].applies_to[1]",
            "unknown notice kind 'pink'",
        ),
        (
            bad(MINIMAL_RULE, 'message = "{detail}"', 'message = "{detial} months"'),
            "rules[0].message",
            "unknown placeholder {detial}",
        ),
        (
            bad(MINIMAL_RULE, 'message = "{detail}"', 'message = "{detail} {"'),
            "rules[0].message",
            "bad braces",
        ),
        (
            bad(MINIMAL_RULE, 'id = "red.threshold"', 'id = "Red Threshold"'),
            "rules[0].id",
            "use lower-case words joined by dots",
        ),
        (
            bad(TERMS_RULE, '["sedition"]', '["sed*ition"]'),
            "rules[0].categories[0].terms.en[0]",
            "term 'sed*ition' has a '*' that does not end a word",
        ),
        (
            bad(TERMS_RULE, '["sedition"]', '["*sedition"]'),
            "rules[0].categories[0].terms.en[0]",
            "does not end a word",
        ),
        (
            bad(TERMS_RULE, '["sedition"]', '["se*"]'),
            "rules[0].categories[0].terms.en[0]",
            "shorter than 3 letters",
        ),
        (
            bad(TERMS_RULE, '["sedition"]', '["--"]'),
            "rules[0].categories[0].terms.en[0]",
            "has no word",
        ),
        (
            bad(TERMS_RULE, "terms.en", "terms.English"),
            "rules[0].categories[0].terms.English",
            "not a language code",
        ),
        (
            bad(TERMS_RULE, '["sedition"]', "[]"),
            "rules[0].categories[0].terms.en",
            "must be a non-empty list of strings",
        ),
        (
            bad(TERMS_RULE, 'fields = ["summary"]', 'fields = ["description"]'),
            "rules[0].fields[0]",
            "unknown field 'description'",
        ),
        (
            bad(TERMS_RULE, 'outcome = "flag"', 'outcome = "flag"\nall_match_outcome = "fail"'),
            "rules[0].all_match_outcome",
            'needs "offences" in fields',
        ),
        (
            bad(TERMS_RULE, '  name = "probe"', '  name = "probe"\n  colour = "red"'),
            "rules[0].categories[0].colour",
            "unknown key",
        ),
        (
            'version = "1"\n' + TERMS_RULE.split("  [[rules.categories]]")[0],
            "rules[0].categories",
            "rule 'art3.terms' (rules[0].categories): is missing",
        ),
        (
            bad(MINIMAL_RULE, 'type = "penalty_threshold"', 'type = "duplicate"\nmin_score = 1.5'),
            "rules[0].min_score",
            "must be a number from 0 to 1",
        ),
        (MINIMAL_RULE, "version", "version: is missing"),
        ('version = "1"\n', "rules", "rules: is missing"),
        ('version = "1"\nrules = []\n', "rules", "must be a non-empty array of tables"),
        ('version = "1"\nauthor = "GS"\n' + MINIMAL_RULE, "author", "unknown key"),
        ('version = "1 beta"\n' + MINIMAL_RULE, "version", "use letters, digits"),
        ('version = "1"\n[[rules]\n', "rules_file", "not valid TOML"),
    ],
)
def test_a_bad_rules_file_names_the_field_and_the_reason(
    tmp_path: Path, text: str, field: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        RuleBook.load(write_rules(tmp_path, text))
    assert exc.value.field == field
    assert reason in exc.value.message
    assert exc.value.message.startswith("rules file")


def test_a_missing_rules_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        RuleBook.load(tmp_path / "absent.toml")
    assert exc.value.field == "rules_file"
    assert "absent.toml" in exc.value.message


def test_a_valid_minimal_file_loads(tmp_path: Path) -> None:
    book = RuleBook.load(write_rules(tmp_path, 'version = "1"\n' + MINIMAL_RULE))
    assert book.version == "1"
    assert [rule.id for rule in book.rules] == ["red.threshold"]
    assert book.rules[0].applies_to == frozenset(
        ["red", "yellow", "blue", "black", "green", "orange", "purple", "un_special"]
    )
    report = book.evaluate(facts(offences=offences("x")))
    assert [r.outcome for r in report.results] == ["pass"]


def test_parameters_can_be_named_in_messages(tmp_path: Path) -> None:
    text = bad(
        MINIMAL_RULE,
        'message = "{detail}"',
        'message = "Below {prosecution_min_months} months."\n'
        'pass_message = "Fine ({enforcement_min_months})."',
    )
    book = RuleBook.load(write_rules(tmp_path, text))
    low = book.evaluate(facts(offences=(Offence("theft", "PC", 3),))).results[0]
    assert (low.outcome, low.message) == ("fail", "Below 24 months.")
    ok = book.evaluate(facts()).results[0]
    assert (ok.outcome, ok.message) == ("pass", "Fine (6).")
