"""Loading files in the public red-notice service's JSON shape as published notices.

A file holds a list answer (``_embedded.notices``), detail records, a JSON list of
either, or one record per line. Each record becomes a person of the country
whose arrest warrant it names (reference ``public:<entity_id>``) and a published
red notice with a public extract, whose charges are its offences. These notices
were reviewed where they were published, so they enter published. A record is
written whole or not at all; loading a file again changes nothing that has not
changed (idempotent), and a run cut short is finished by running it again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from concord.audit import AuditEvent
from concord.domain.countries import normalise_country
from concord.domain.notices import NoticeKind, NoticeState, review_date_from
from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import SYSTEM
from concord.domain.validation import field_path
from concord.errors import ConcordError, InvalidInput
from concord.store import Store, countries_repo, notices_repo, persons_repo

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class PublicImportReport:
    written: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (where, field, why)


def import_public_notices(store: Store, path: Path) -> PublicImportReport:
    report = PublicImportReport()
    for where, record in _records(path):
        try:
            if isinstance(record, _Unreadable):
                raise InvalidInput(record.why, field="file")
            changed = _load_one(store, record)
        except ConcordError as exc:
            report.rejected.append((where, exc.field or "", exc.message))
            continue
        if changed:
            report.written += 1
        else:
            report.unchanged += 1
    store.audit.emit(
        AuditEvent.of(
            SYSTEM,
            "notice.import_public",
            resource="notice",
            file=path.name,
            written=report.written,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
        )
    )
    return report


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """Every record of the file with where it is ("record 3", "line 7")."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", field="file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInput("larger than 200 MB", field="file")
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        yield from _lines(text)
        return
    items = data if isinstance(data, list) else [data]
    n = 0
    for item in items:
        embedded = item.get("_embedded", {}) if isinstance(item, dict) else {}
        inner = embedded.get("notices") if isinstance(embedded, dict) else None
        for record in inner if isinstance(inner, list) else [item]:
            n += 1
            yield f"record {n}", record


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A line that is not JSON: rejected like a bad record, the others still load."""

    why: str


def _lines(text: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", _Unreadable(f"not JSON ({exc.msg} at column {exc.colno})")
            continue
        yield f"line {number}", record


def _load_one(store: Store, record: Any) -> bool:
    """Write one record's person and notice in one transaction; True if anything changed."""
    if not isinstance(record, Mapping):
        raise InvalidInput("each record must be a JSON object", field="record")
    entity_id = record.get("entity_id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise InvalidInput("missing", field="entity_id")
    owner, charges = _warrants(record.get("arrest_warrants"))
    person = _person(record, entity_id)
    with store.write() as conn:
        if countries_repo.status_of(conn, owner) is None:
            raise InvalidInput(f"country {owner} is not registered", field="arrest_warrants")
        before = persons_repo.id_and_version(conn, owner, person["reference"])
        persons_repo.upsert_batch(conn, owner, [person], {}, None)
        after = persons_repo.id_and_version(conn, owner, person["reference"])
        assert after is not None
        person_id = after[0]
        body = {"title": None, "summary": "", "offences": charges, "purpose": "prosecution"}
        existing = notices_repo.page(conn, after_id=0, limit=1, subject=("person", person_id))
        if existing:
            notice = existing[0]
            if notice["body"].get("offences") == charges and before == after:
                return False
            notices_repo.change(
                conn,
                int(notice["id"]),
                owner,
                int(notice["version"]),
                {"body": {**notice["body"], **body}},
            )
            return True
        now = notices_repo.now()
        notice_id = notices_repo.insert_one(
            conn,
            owner,
            {
                "kind": NoticeKind.RED.value,
                "state": NoticeState.PUBLISHED.value,
                "subject_kind": "person",
                "subject_id": person_id,
                "urgent": False,
                "public_extract": True,
                "body": body,
                "review_date": review_date_from(dt.datetime.now(dt.UTC).date()),
                "published_at": now,
                "submitted_at": now,
                "version": 1,
            },
            None,
        )
        notices_repo.add_event(
            conn,
            notice_id,
            actor="import",
            actor_country=owner,
            move="import",
            from_state=None,
            to_state=NoticeState.PUBLISHED.value,
            reason=f"public notice {entity_id}",
        )
    return True


def _warrants(value: Any) -> tuple[str, list[dict[str, Any]]]:
    if not isinstance(value, list) or not value:
        raise InvalidInput("a public red notice needs its arrest warrants", field="arrest_warrants")
    owner = None
    charges = []
    for i, warrant in enumerate(value):
        if not isinstance(warrant, Mapping):
            raise InvalidInput("must be an object", field=f"arrest_warrants[{i}]")
        country = normalise_country(
            str(warrant.get("issuing_country_id") or ""), f"arrest_warrants[{i}].issuing_country_id"
        )
        owner = owner or country
        charge = str(warrant.get("charge") or "").strip()[:500]
        if charge:
            charges.append({"description": charge, "law": None, "max_penalty_months": None})
    assert owner is not None
    return owner, charges


def _person(record: Mapping[str, Any], entity_id: str) -> dict[str, Any]:
    fields = {
        "reference": f"public:{entity_id.strip()}",
        "given_names": _title(record.get("forename")),
        "family_names": _title(record.get("name")),
        "dob": _dob(record.get("date_of_birth")),
        "nationalities": [n for n in record.get("nationalities") or [] if n],
        "sex": record.get("sex_id") if record.get("sex_id") in ("M", "F") else None,
        "place_of_birth": _title(record.get("place_of_birth")),
    }
    try:
        return person_to_row(PersonInput.model_validate(fields))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = field_path(first.get("loc", ())) or "record"
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        raise InvalidInput(message, field=_public_field(where)) from None


_PUBLIC_FIELDS = {"given_names": "forename", "family_names": "name", "dob": "date_of_birth"}


def _public_field(where: str) -> str:
    head, _, rest = where.partition(".")
    return _PUBLIC_FIELDS.get(head, head) + (f".{rest}" if rest else "")


def _title(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().title() if value.isupper() else value.strip()


def _dob(value: Any) -> str | None:
    """``1970/05/12`` or ``1970`` as the public service writes it."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("/", "-")
