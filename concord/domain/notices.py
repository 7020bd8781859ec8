"""Notices: their kinds, states, the moves between states, and a request's validated shape.

A notice is about one record of the requesting country (a person, or an object
for purple notices and some others). Its life: draft → submitted (automated
compliance checks; a failing rule keeps it a draft) → under review →
published → suspended (by the requester, up to six months) | withdrawn (by the
requester) | cancelled (by the General Secretariat, with a reason) | expired
(review date passed). The review may instead refuse it or ask for more
information, which sends it back to the requester to edit and submit again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from concord.domain.enums import Role
from concord.domain.persons import CountryCode, FullDateText, Strict
from concord.domain.validation import clean_text
from concord.errors import InvalidInput

DEFAULT_REVIEW_YEARS = 5
MAX_SUSPENSION_DAYS = 183  # six months
REMINDER_DAYS = 60  # the owner is reminded this long before the review date


class NoticeKind(StrEnum):
    RED = "red"  # locate and arrest a wanted person for extradition
    YELLOW = "yellow"  # a missing person, or one unable to identify themselves
    BLUE = "blue"  # information on a person's identity, location or activities
    BLACK = "black"  # an unidentified body
    GREEN = "green"  # a warning about a person's criminal activities
    ORANGE = "orange"  # a serious and imminent threat
    PURPLE = "purple"  # modus operandi, objects, devices, concealment methods
    UN_SPECIAL = "un_special"  # United Nations Security Council sanctions


class NoticeState(StrEnum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    MORE_INFO_REQUESTED = "more_info_requested"
    REFUSED = "refused"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class CrimeProgramme(StrEnum):
    COUNTER_TERRORISM = "counter_terrorism"
    ORGANIZED_EMERGING_CRIME = "organized_emerging_crime"
    CYBERCRIME = "cybercrime"


# What the officer who meets the subject is asked to do, by kind (shown with a hit).
ACTIONS: dict[NoticeKind, str] = {
    NoticeKind.RED: "locate and provisionally arrest pending extradition: detain, contact "
    "your NCB at once, do not disclose the notice to the person",
    NoticeKind.YELLOW: "a missing person: ensure their safety, contact your NCB",
    NoticeKind.BLUE: "collect information on identity, location or activities; do not "
    "detain on this notice alone; report to your NCB",
    NoticeKind.BLACK: "an unidentified body: report any identifying information to your NCB",
    NoticeKind.GREEN: "a warning: this person has committed crimes and may repeat them; "
    "report the encounter to your NCB",
    NoticeKind.ORANGE: "a serious and imminent threat: take protective measures and alert "
    "your NCB immediately",
    NoticeKind.PURPLE: "a modus operandi, object or concealment method: report what you "
    "found to your NCB",
    NoticeKind.UN_SPECIAL: "subject to United Nations Security Council sanctions (asset "
    "freeze, travel ban, arms embargo): contact your NCB",
}

# Which kinds may be about an object rather than a person.
OBJECT_KINDS = frozenset({NoticeKind.PURPLE, NoticeKind.ORANGE, NoticeKind.UN_SPECIAL})
# Kinds whose requests must name a crime programme (a missing person or a body may not).
PROGRAMME_OPTIONAL = frozenset({NoticeKind.YELLOW, NoticeKind.BLACK})
# Review queue: the most urgent kinds first.
URGENCY_RANK: dict[NoticeKind, int] = {
    NoticeKind.ORANGE: 0,
    NoticeKind.RED: 1,
    NoticeKind.YELLOW: 2,
    NoticeKind.UN_SPECIAL: 3,
    NoticeKind.BLACK: 4,
    NoticeKind.BLUE: 5,
    NoticeKind.GREEN: 6,
    NoticeKind.PURPLE: 7,
}


class Move(StrEnum):
    """What someone does to a notice."""

    SUBMIT = "submit"
    PUBLISH = "publish"
    REFUSE = "refuse"
    REQUEST_INFO = "request_info"
    SUSPEND = "suspend"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"
    RENEW = "renew"
    EXPIRE = "expire"
    CLEAR = "clear"  # the GS has reviewed a diffusion's flags and lets it stand


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[NoticeState]
    target: NoticeState
    by: Literal["owner", "gs", "system"]
    needs_reason: bool


_S = NoticeState
TRANSITIONS: dict[Move, Transition] = {
    Move.SUBMIT: Transition(
        frozenset({_S.DRAFT, _S.MORE_INFO_REQUESTED}), _S.UNDER_REVIEW, "owner", False
    ),
    Move.PUBLISH: Transition(frozenset({_S.UNDER_REVIEW}), _S.PUBLISHED, "gs", False),
    Move.REFUSE: Transition(frozenset({_S.UNDER_REVIEW}), _S.REFUSED, "gs", True),
    Move.REQUEST_INFO: Transition(frozenset({_S.UNDER_REVIEW}), _S.MORE_INFO_REQUESTED, "gs", True),
    Move.SUSPEND: Transition(frozenset({_S.PUBLISHED}), _S.SUSPENDED, "owner", True),
    Move.RESUME: Transition(frozenset({_S.SUSPENDED}), _S.PUBLISHED, "owner", False),
    Move.WITHDRAW: Transition(
        frozenset({_S.UNDER_REVIEW, _S.MORE_INFO_REQUESTED, _S.PUBLISHED, _S.SUSPENDED}),
        _S.WITHDRAWN,
        "owner",
        True,
    ),
    Move.CANCEL: Transition(
        frozenset({_S.UNDER_REVIEW, _S.MORE_INFO_REQUESTED, _S.PUBLISHED, _S.SUSPENDED}),
        _S.CANCELLED,
        "gs",
        True,
    ),
    Move.RENEW: Transition(frozenset({_S.PUBLISHED, _S.SUSPENDED}), _S.PUBLISHED, "owner", False),
    Move.EXPIRE: Transition(frozenset({_S.PUBLISHED, _S.SUSPENDED}), _S.EXPIRED, "system", False),
    Move.CLEAR: Transition(frozenset({_S.PUBLISHED, _S.SUSPENDED}), _S.PUBLISHED, "gs", False),
}
# States in which the requester may still edit the request.
EDITABLE = frozenset({_S.DRAFT, _S.MORE_INFO_REQUESTED})
# States in which the notice makes its subject checkable.
ACTIVE = frozenset({_S.PUBLISHED})
# States visible beyond the requester and the oversight roles.
CIRCULATED = frozenset({_S.PUBLISHED})


def may_move(role: Role, country: str, owner: str, move: Move) -> bool:
    """Whether a principal's role lets it make ``move`` on a notice of ``owner``
    (the state is checked apart: a wrong state is a conflict, not a refusal)."""
    by = TRANSITIONS[move].by
    if by == "owner":
        return role is Role.NCB and country == owner
    if by == "gs":
        return role is Role.GS
    return False


def _text(value: str) -> str:
    return clean_text(value, max_length=8000, multiline=True)


def _short(value: str) -> str:
    return clean_text(value, max_length=500)


LongText = Annotated[str, AfterValidator(_text)]
ShortText = Annotated[str, AfterValidator(_short)]


class Offence(Strict):
    description: ShortText = Field(min_length=1)
    law: ShortText | None = None  # the law that defines the offence
    max_penalty_months: int | None = Field(default=None, ge=0, le=12_000)  # 12,000: life


class Warrant(Strict):
    """The arrest warrant or the judgment a red notice rests on."""

    type: Literal["arrest_warrant", "judgment"] = "arrest_warrant"
    reference: ShortText | None = None
    date: FullDateText | None = None
    authority: ShortText | None = None


class Subject(Strict):
    """The record the notice is about: a person, or an object of the requester."""

    kind: Literal["person", "document", "vehicle", "firearm", "vessel", "artwork"] = "person"
    id: int = Field(ge=1, le=2**62)


class NoticeInput(Strict):
    """A notice request as the requesting NCB writes it; judicial data is checked on
    submission by the compliance rules (a draft may be incomplete)."""

    kind: NoticeKind
    subject: Subject
    crime_programme: CrimeProgramme | None = None
    title: ShortText | None = None
    summary: LongText = ""  # the facts of the case
    subject_description: LongText = ""  # who the person is: occupation, role, links
    urgent: bool = False
    purpose: Literal["prosecution", "enforcement"] | None = None
    offences: list[Offence] = Field(default_factory=list, max_length=50)
    warrant: Warrant | None = None
    remaining_sentence_months: int | None = Field(default=None, ge=0, le=12_000)
    public_extract: bool = False  # the requester consents to a public extract
    un_reference: ShortText | None = None  # the sanctions committee's reference

    @model_validator(mode="after")
    def _fits_kind(self) -> NoticeInput:
        # InvalidInput, not ValueError: pydantic would report it with no field to name.
        if self.subject.kind != "person" and self.kind not in OBJECT_KINDS:
            raise InvalidInput(
                f"a {self.kind.value} notice is about a person, not an object",
                field="subject.kind",
            )
        if self.kind is NoticeKind.UN_SPECIAL:
            self.public_extract = True  # UN special notices are always public
        if self.kind is not NoticeKind.RED and (self.purpose or self.warrant):
            raise InvalidInput(
                "purpose and warrant belong to red notices",
                field="purpose" if self.purpose else "warrant",
            )
        return self

    def body(self) -> dict[str, Any]:
        """What the notices table keeps in its JSON column."""
        return self.model_dump(
            mode="json",
            include={
                "title",
                "summary",
                "subject_description",
                "purpose",
                "offences",
                "warrant",
                "remaining_sentence_months",
                "un_reference",
            },
        )


class DiffusionInput(NoticeInput):
    """A diffusion: the same request, sent at once to the countries the NCB chooses and
    reviewed by the same rules afterwards."""

    recipients: list[CountryCode] = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _distinct_recipients(self) -> DiffusionInput:
        self.recipients = sorted(set(self.recipients))
        return self

    def body(self) -> dict[str, Any]:
        return super().body()


def review_date_from(published: dt.date) -> str:
    """Five years after publication (29 February falls back to the 28th)."""
    try:
        return published.replace(year=published.year + DEFAULT_REVIEW_YEARS).isoformat()
    except ValueError:
        return published.replace(year=published.year + DEFAULT_REVIEW_YEARS, day=28).isoformat()
