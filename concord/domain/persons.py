"""Nominal data: the validated shape of a person record as an owner writes it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from concord.domain.countries import normalise_country
from concord.domain.dates import parse_full_date, parse_partial_date
from concord.domain.enums import Sex, Visibility
from concord.domain.validation import clean_text
from concord.errors import InvalidInput

MAX_NAME = 200
MAX_ALIASES = 100


def _name(value: str) -> str:
    return clean_text(value, max_length=MAX_NAME)


def _line(value: str) -> str:
    return clean_text(value, max_length=500)


def _description(value: str) -> str:
    return clean_text(value, max_length=4000, multiline=True)


def _country(value: str) -> str:
    try:
        return normalise_country(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


def _partial(value: str) -> str:
    try:
        return str(parse_partial_date(value))
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


def _full_date(value: str) -> str:
    try:
        return parse_full_date(value).isoformat()
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


NameText = Annotated[str, AfterValidator(_name)]
CountryCode = Annotated[str, AfterValidator(_country)]
PartialDateText = Annotated[str, AfterValidator(_partial)]
FullDateText = Annotated[str, AfterValidator(_full_date)]


class Strict(BaseModel):
    """Unknown fields are errors: a typo must not silently drop data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonName(Strict):
    """One name as written: whole, or given and family parts, in any script."""

    full_name: NameText | None = None
    given_names: NameText | None = None
    family_names: NameText | None = None
    kind: Literal["primary", "aka", "fka", "maiden", "nickname"] = "aka"

    @model_validator(mode="after")
    def _some_name(self) -> PersonName:
        if not (self.full_name or self.given_names or self.family_names):
            raise ValueError("a name needs full_name, given_names or family_names")
        return self

    def display(self) -> str:
        if self.full_name:
            return self.full_name
        return " ".join(p for p in (self.given_names, self.family_names) if p)


class Identifier(Strict):
    kind: Literal[
        "passport", "id_card", "national_id", "driving_licence", "social_security", "other"
    ]
    value: Annotated[str, AfterValidator(_line)] = Field(min_length=1)
    country: CountryCode | None = None


class AccessRestriction(Strict):
    """Who besides the owner may see the record."""

    visibility: Visibility = Visibility.ALL
    countries: list[CountryCode] = Field(default_factory=list, max_length=300)

    @model_validator(mode="after")
    def _countries_fit(self) -> AccessRestriction:
        needs_list = self.visibility in (Visibility.ONLY, Visibility.EXCEPT)
        if needs_list and not self.countries:
            raise ValueError(f"visibility {self.visibility.value!r} needs a list of countries")
        if not needs_list and self.countries:
            raise ValueError(f"visibility {self.visibility.value!r} takes no list of countries")
        self.countries = sorted(set(self.countries))
        return self


class PersonInput(Strict):
    """A person record as its owner submits it (API body and import row alike)."""

    reference: Annotated[str, AfterValidator(_line)] | None = Field(default=None, min_length=1)
    full_name: NameText | None = None
    given_names: NameText | None = None
    family_names: NameText | None = None
    aliases: list[PersonName] = Field(default_factory=list, max_length=MAX_ALIASES)
    dob: PartialDateText | None = None
    place_of_birth: Annotated[str, AfterValidator(_line)] | None = None
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10)
    sex: Sex | None = None
    identifiers: list[Identifier] = Field(default_factory=list, max_length=50)
    description: Annotated[str, AfterValidator(_description)] | None = None
    access: AccessRestriction = Field(default_factory=AccessRestriction)
    review_date: FullDateText | None = None

    @model_validator(mode="after")
    def _has_a_name(self) -> PersonInput:
        if not (self.full_name or self.given_names or self.family_names):
            raise ValueError("a person needs full_name, given_names or family_names")
        self.nationalities = list(dict.fromkeys(self.nationalities))
        return self

    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        return " ".join(p for p in (self.given_names, self.family_names) if p)

    def content_hash(self, dumped: dict[str, Any] | None = None) -> str:
        """Stable digest of the content: an unchanged re-import writes nothing."""
        content = dumped if dumped is not None else self.model_dump(mode="json")
        body = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


def default_review_date(today: dt.date | None = None, years: int = 5) -> str:
    """Records are reviewed after a number of years, then flagged."""
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + years).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28).isoformat()


def person_to_row(data: PersonInput) -> dict[str, Any]:
    """Columns of the persons table for a validated input."""
    dumped = data.model_dump(mode="json")
    return {
        "reference": data.reference,
        "full_name": data.full_name,
        "given_names": data.given_names,
        "family_names": data.family_names,
        "display_name": data.display_name(),
        "aliases": dumped["aliases"],
        "dob": data.dob,
        "place_of_birth": data.place_of_birth,
        "nationalities": dumped["nationalities"],
        "sex": data.sex.value if data.sex else None,
        "identifiers": dumped["identifiers"],
        "description": data.description,
        "visibility": data.access.visibility.value,
        "review_date": data.review_date or default_review_date(),
        "content_hash": data.content_hash(dumped),
    }
