"""Requests by a person to the Commission for the Control of Files (CCF): to know what
the platform holds on them, or to have it corrected or deleted."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from concord.domain.notices import LongText, ShortText
from concord.domain.persons import CountryCode, FullDateText, NameText, PartialDateText, Strict


class RequestKind(StrEnum):
    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"


class Decision(StrEnum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"


def _contact(value: str) -> str:
    from concord.domain.validation import clean_text

    return clean_text(value, max_length=500)


class SubjectRequestInput(Strict):
    """A request as the CCF registers it on receipt."""

    kind: RequestKind
    name: NameText = Field(min_length=1)
    dob: PartialDateText | None = None
    nationality: CountryCode | None = None
    contact: Annotated[str, AfterValidator(_contact)] = Field(min_length=1)
    claim: LongText = Field(min_length=1)  # what the person asks, in their words
    received_on: FullDateText | None = None  # default: today


class DecisionInput(Strict):
    """The CCF's decision: which records it covers, why, and for a correction what to fix."""

    decision: Decision
    reasoning: LongText = Field(min_length=1)
    records: list[int] = Field(default_factory=list, max_length=1000)
    correction: ShortText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DecisionInput:
        from concord.errors import InvalidInput

        if self.decision is not Decision.REFUSED and not self.records:
            raise InvalidInput(
                "a decision that grants names the records it covers", field="records"
            )
        self.records = sorted(set(self.records))
        return self
