"""The notice request form: its fields as the browser posts them, turned into the
request the API takes (``NoticeInput``), and every problem put back at the form
field it concerns.

The form is flat (no JSON, it works without a script): offences are numbered rows
(``offence_0_description``…), the warrant and the purpose are red notices' own, and
the subject is a person record of the requester (a select) or, for the kinds that
may be about an object, an object record named by its number. Paths the domain
uses (``offences[1].law``, ``warrant.date``, ``subject.id``) and the rules'
evidence name the same places; ``form_field`` turns either into the form's field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from concord.domain.notices import OBJECT_KINDS, NoticeInput, NoticeKind
from concord.domain.validation import field_path
from concord.errors import ConcordError
from concord.web.i18n import Catalogue

TEXT_FIELDS = (
    "kind", "subject_kind", "subject_person", "subject_object_id", "crime_programme",
    "title", "summary", "subject_description", "purpose", "warrant_type",
    "warrant_reference", "warrant_date", "warrant_authority", "remaining_sentence_months",
    "un_reference",
)  # fmt: skip
CHECKBOXES = ("urgent", "public_extract")
SUBJECT_KINDS = ("person", "document", "vehicle", "firearm", "vessel", "artwork")
MAX_OFFENCES = 50
MAX_TEXT = 8000
_OFFENCE_PART = {"description": "description", "law": "law", "max_penalty_months": "penalty"}
# Fields named the same in the domain and in the form.
_SAME = frozenset({
    "kind", "crime_programme", "title", "summary", "subject_description", "urgent", "purpose",
    "remaining_sentence_months", "public_extract", "un_reference",
})  # fmt: skip
_FLAT = {
    "warrant_reference": "warrant_reference",
    "warrant_date": "warrant_date",
    "warrant_authority": "warrant_authority",
}
_PATH = re.compile(r"([a-z_]+)(?:\[(\d+|\*)\])?(?:\.([a-z_]+))?")


@dataclass
class DraftForm:
    """What the officer typed, kept as text so that the page shows it back unchanged."""

    values: dict[str, str] = field(default_factory=dict)
    offences: list[dict[str, str]] = field(default_factory=list)

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def subject_field(self) -> str:
        """The form field that names the subject (the person select, or the object's number)."""
        return "subject_person" if self["subject_kind"] in ("", "person") else "subject_object_id"

    @property
    def offence_rows(self) -> list[dict[str, str]]:
        """The rows shown: those typed, and one blank row to add an offence."""
        rows = list(self.offences)
        if len(rows) < MAX_OFFENCES and (not rows or any(rows[-1].values())):
            rows.append({"description": "", "law": "", "penalty": ""})
        return rows


def posted(data: Any) -> DraftForm:
    """The form from the posted fields (anything else is ignored)."""
    values = {name: str(data.get(name) or "")[:MAX_TEXT] for name in TEXT_FIELDS}
    for name in CHECKBOXES:
        values[name] = "on" if data.get(name) else ""
    values["subject_kind"] = values["subject_kind"] or "person"
    rows: list[dict[str, str]] = []
    for index in range(MAX_OFFENCES):
        if f"offence_{index}_description" not in data:
            break  # the rows are numbered from 0 without gaps
        rows.append({
            part: str(data.get(f"offence_{index}_{part}") or "")[:MAX_TEXT]
            for part in ("description", "law", "penalty")
        })  # fmt: skip
    while rows and not any(v.strip() for v in rows[-1].values()):
        rows.pop()  # trailing blank rows are the form's, not the officer's
    return DraftForm(values, rows)


def from_notice(notice: dict[str, Any]) -> DraftForm:
    """The form filled in with a saved request (its API view)."""
    subject = notice["subject"]
    warrant = notice.get("warrant") or {}
    values = {
        "kind": notice["kind"],
        "subject_kind": subject["kind"],
        "subject_person": str(subject["id"]) if subject["kind"] == "person" else "",
        "subject_object_id": str(subject["id"]) if subject["kind"] != "person" else "",
        "crime_programme": notice.get("crime_programme") or "",
        "title": notice.get("title") or "",
        "summary": notice.get("summary") or "",
        "subject_description": notice.get("subject_description") or "",
        "purpose": notice.get("purpose") or "",
        "warrant_type": warrant.get("type") or "",
        "warrant_reference": warrant.get("reference") or "",
        "warrant_date": warrant.get("date") or "",
        "warrant_authority": warrant.get("authority") or "",
        "remaining_sentence_months": _text(notice.get("remaining_sentence_months")),
        "un_reference": notice.get("un_reference") or "",
        "urgent": "on" if notice.get("urgent") else "",
        "public_extract": "on" if notice.get("public_extract") else "",
    }
    offences = [
        {
            "description": o.get("description") or "",
            "law": o.get("law") or "",
            "penalty": _text(o.get("max_penalty_months")),
        }
        for o in notice.get("offences") or []
    ]
    return DraftForm(values, offences)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class Parsed:
    """The request when the form holds one, else the problems at their fields."""

    request: NoticeInput | None
    errors: dict[str, str]
    rows: list[int]  # the form row of each offence sent


def parse(form: DraftForm, t: Catalogue) -> Parsed:
    """The form as a ``NoticeInput``, validated by the domain's own model."""
    errors: dict[str, str] = {}
    value = {k: v.strip() for k, v in form.values.items()}
    kind = value.get("kind", "")
    body: dict[str, Any] = {"kind": kind or None}
    subject_kind = value.get("subject_kind") or "person"
    subject_id = _whole(value.get(form.subject_field, ""), form.subject_field, errors, t)
    if subject_id is None and form.subject_field not in errors:
        errors[form.subject_field] = t("notices_error_subject")
    body["subject"] = {"kind": subject_kind, "id": subject_id or 1}
    for name in ("crime_programme", "title", "un_reference"):
        if value.get(name):
            body[name] = value[name]
    body["summary"] = value.get("summary", "")
    body["subject_description"] = value.get("subject_description", "")
    body["urgent"] = bool(value.get("urgent"))
    body["public_extract"] = bool(value.get("public_extract"))
    rows: list[int] = []
    offences: list[dict[str, Any]] = []
    for index, row in enumerate(form.offences):
        if not any(v.strip() for v in row.values()):
            continue
        months = _whole(row["penalty"], f"offence_{index}_penalty", errors, t)
        offence: dict[str, Any] = {"description": row["description"].strip()}
        if row["law"].strip():
            offence["law"] = row["law"].strip()
        if months is not None:
            offence["max_penalty_months"] = months
        offences.append(offence)
        rows.append(index)
    body["offences"] = offences
    if kind == NoticeKind.RED.value:  # purpose and warrant belong to red notices only
        if value.get("purpose"):
            body["purpose"] = value["purpose"]
        warrant = {
            part: value[f"warrant_{part}"]
            for part in ("type", "reference", "date", "authority")
            if value.get(f"warrant_{part}")
        }
        if warrant:
            body["warrant"] = warrant
        remaining = _whole(
            value.get("remaining_sentence_months", ""), "remaining_sentence_months", errors, t
        )
        if remaining is not None:
            body["remaining_sentence_months"] = remaining
    request: NoticeInput | None = None
    try:
        request = NoticeInput.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            path = field_path(tuple(err["loc"]))
            where = form_field(path, rows, form.subject_field) or "kind"
            message = str(err["msg"]).removeprefix("Value error, ")
            errors.setdefault(
                where, "unknown field" if err["type"] == "extra_forbidden" else message
            )
    except ConcordError as exc:
        errors.setdefault(
            form_field(exc.field or "", rows, form.subject_field) or "kind", exc.message
        )
    if errors:
        return Parsed(None, errors, rows)
    return Parsed(request, {}, rows)


def _whole(text: str, name: str, errors: dict[str, str], t: Catalogue) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        errors[name] = t("notices_error_whole_number")
        return None
    return int(text)


def form_field(path: str, rows: list[int], subject_field: str) -> str:
    """The form field a domain path or a rule's evidence names; "" when none does."""
    found = _PATH.match(path.strip())
    if found is None:
        return ""
    head, index, tail = found.groups()
    if head == "offences":
        number = int(index) if index and index.isdigit() else 0
        row = rows[number] if number < len(rows) else number
        return f"offence_{row}_{_OFFENCE_PART.get(tail or '', 'description')}"
    if head == "warrant":
        return f"warrant_{tail or 'reference'}"
    if head == "subject":
        if tail == "description":
            return "subject_description"
        return "subject_kind" if tail == "kind" else subject_field
    if head == "notice":  # a possible duplicate: about the subject
        return subject_field
    if head in _FLAT:
        return _FLAT[head]
    return head if head in _SAME else ""


def object_kinds() -> list[str]:
    """Kinds that may be about an object rather than a person, in the domain's order."""
    return [k.value for k in NoticeKind if k in OBJECT_KINDS]
