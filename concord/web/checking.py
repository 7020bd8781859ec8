"""The check screen's work: one form, every database the officer may use.

The form's fields become the same queries the API takes (a zone is checked as a
document and as a person; a name with its date of birth and nationality as a
person; a document, vehicle, vessel or firearm identifier as an object), each
answered by the same checkers, so the policy, the hit recording and the audit are
the API's. Bad input in one field is reported against that field; the others
are still checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from concord.domain.principal import Principal
from concord.errors import ConcordError
from concord.identifiers.mrz import MRZError, parse_mrz
from concord.services.checks import Checker
from concord.services.person_checks import PersonChecker

FIELDS = (
    "mrz", "doc_number", "doc_country", "name", "dob", "nationality", "vin",
    "plate_number", "plate_country", "firearm_serial", "firearm_make", "imo",
)  # fmt: skip


@dataclass
class Finding:
    """One query's answer as the screen shows it."""

    label: str
    verdict: str  # hit, possible, no_hit
    action: str | None = None
    notice_kind: str | None = None
    hit_ids: list[int] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # form field -> why

    @property
    def verdict(self) -> str:
        verdicts = {f.verdict for f in self.findings}
        return next((v for v in ("hit", "possible") if v in verdicts), "no_hit")

    @property
    def lead(self) -> Finding | None:
        """The finding the banner names: the first hit, else the first possible hit."""
        return next((f for f in self.findings if f.verdict == self.verdict), None)


def queries(form: dict[str, str]) -> tuple[list[tuple[str, str, dict[str, Any]]], dict[str, str]]:
    """(label, person|object, query) for each thing asked; errors for half-filled pairs."""
    asked: list[tuple[str, str, dict[str, Any]]] = []
    errors: dict[str, str] = {}
    value = {k: form.get(k, "").strip() for k in FIELDS}
    if value["mrz"]:
        zone = value["mrz"].replace("\r", "")
        asked += [("travel document (zone)", "object", {"mrz": zone})]
        asked += [("holder of the document", "person", {"mrz": zone})]
        _drop_what_the_zone_says(value, zone)
    if value["doc_number"] or value["doc_country"]:
        if not (value["doc_number"] and value["doc_country"]):
            errors["doc_number"] = "a document needs its number and its issuing country"
        else:
            document = {"number": value["doc_number"], "issuing_country": value["doc_country"]}
            asked.append(("travel document", "object", {"document": document}))
    if value["name"]:
        person = {"name": value["name"]}
        for key in ("dob", "nationality"):
            if value[key]:
                person[key] = value[key]
        asked.append(("person", "person", person))
    elif value["dob"] or value["nationality"]:
        errors["name"] = "a date of birth or nationality is checked with a name"
    if value["vin"]:
        asked.append(("vehicle (VIN)", "object", {"vin": value["vin"]}))
    if value["plate_number"] or value["plate_country"]:
        if not (value["plate_number"] and value["plate_country"]):
            errors["plate_number"] = "a plate needs its number and its country"
        else:
            plate = {"number": value["plate_number"], "country": value["plate_country"]}
            asked.append(("vehicle (plate)", "object", {"plate": plate}))
    if value["firearm_serial"]:
        firearm = {"serial": value["firearm_serial"]}
        if value["firearm_make"]:
            firearm["make"] = value["firearm_make"]
        asked.append(("firearm", "object", {"firearm": firearm}))
    if value["imo"]:
        asked.append(("vessel (IMO)", "object", {"imo": value["imo"]}))
    return asked, errors


def _drop_what_the_zone_says(value: dict[str, str], zone: str) -> None:
    """The screen's script fills the fields from the zone as it is typed: those fields,
    when they still say what the zone says, are not asked a second time."""
    try:
        read = parse_mrz(zone)
    except MRZError:
        return  # the zone's own query reports it
    if _same(value["doc_number"], read.document_number) and _same(
        value["doc_country"], read.issuing_state
    ):
        value["doc_number"] = value["doc_country"] = ""
    zone_name = f"{read.primary_identifier} {read.secondary_identifier}"
    if (
        _same(value["name"], zone_name)
        and value["dob"] in ("", read.birth_date_iso)
        and _same(value["nationality"] or read.nationality, read.nationality)
    ):
        value["name"] = value["dob"] = value["nationality"] = ""


def _same(typed: str, printed: str) -> bool:
    """The same words, whatever the order, case and punctuation ("BENALI, Karim")."""
    words = sorted(re.findall(r"[A-Z0-9]+", typed.upper()))
    return bool(words) and words == sorted(re.findall(r"[A-Z0-9]+", printed.upper()))


_FORM_FIELD = {"mrz": "mrz", "document": "doc_number", "vin": "vin", "plate": "plate_number",
               "firearm": "firearm_serial", "imo": "imo", "name": "name", "dob": "dob",
               "nationality": "nationality"}  # fmt: skip


def run(
    checker: Checker, person_checker: PersonChecker, principal: Principal, form: dict[str, str]
) -> Outcome:
    asked, errors = queries(form)
    outcome = Outcome(errors=dict(errors))
    if not asked and not errors:
        outcome.errors["mrz"] = "fill in at least one thing to check"
    for label, kind, query in asked:
        try:
            if kind == "person":
                answer = person_checker.check_one(principal, query)
                outcome.findings.append(_person_finding(label, answer))
            else:
                answer = checker.check_one(principal, query)
                outcome.findings.append(_object_finding(label, answer))
        except ConcordError as exc:
            where = (exc.field or next(iter(query))).split(".")[0]
            outcome.errors[_FORM_FIELD.get(where, where)] = f"{exc.message} ({exc.field})"
    return outcome


def _person_finding(label: str, answer: dict[str, Any]) -> Finding:
    notice = answer.get("notice") or {}
    return Finding(
        label,
        answer["verdict"] if answer["verdict"] in ("hit", "possible") else "no_hit",
        action=answer.get("action"),
        notice_kind=notice.get("kind"),
        hit_ids=[int(answer["hit_id"])] if answer.get("hit_id") else [],
        candidates=list(answer.get("candidates", [])),
        warnings=list(answer.get("warnings", [])),
    )


def _object_finding(label: str, answer: dict[str, Any]) -> Finding:
    matches = list(answer.get("matches", []))
    first = matches[0] if matches else {}
    notices = first.get("notices") or []
    return Finding(
        label,
        "hit" if answer.get("hit") else "no_hit",
        action=first.get("action"),
        notice_kind=notices[0]["kind"] if notices else None,
        hit_ids=[int(m["hit_id"]) for m in matches if m.get("hit_id")],
        candidates=matches,
        warnings=list(answer.get("warnings", [])),
    )
