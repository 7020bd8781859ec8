"""Request and response models of the API (kept apart from the domain types)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorResponse(BaseModel):
    error: ErrorBody


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    # The authenticator's six digits: required for NCB, General Secretariat and CCF staff.
    otp: str | None = Field(default=None, max_length=10)
    label: str | None = Field(default=None, max_length=100)
    ttl_days: int | None = Field(default=None, ge=1, le=366)


class TokenCreate(Strict):
    label: str | None = Field(default=None, max_length=100)
    ttl_days: int | None = Field(default=None, ge=1, le=366)


class TokenIssued(BaseModel):
    token: str
    token_id: int
    expires_at: dt.datetime


class TokenInfo(BaseModel):
    id: int
    label: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


class Me(BaseModel):
    user_id: int
    username: str
    role: str
    country: str
    country_status: str


class UserCreate(Strict):
    username: str = Field(min_length=3, max_length=100)
    role: str
    country: str = Field(min_length=2, max_length=3)
    password: str | None = Field(default=None, max_length=1024)
    display_name: str | None = Field(default=None, max_length=200)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: str
    country: str
    active: bool
    second_factor: bool  # an authenticator is enrolled


class SecondFactorOut(BaseModel):
    """Shown once: the secret, and the otpauth:// address an authenticator app reads."""

    secret: str
    uri: str


class CountryOut(BaseModel):
    code: str
    alpha2: str
    name: str
    status: str
    ncb_name: str | None
    is_organisation: bool


class CountryUpdate(Strict):
    status: str
    ncb_name: str | None = Field(default=None, max_length=200)


class AccessOut(BaseModel):
    visibility: str
    countries: list[str]


class PersonOut(BaseModel):
    id: int
    owner: str
    reference: str | None
    full_name: str | None
    given_names: str | None
    family_names: str | None
    display_name: str
    aliases: list[dict[str, Any]]
    dob: str | None
    place_of_birth: str | None
    nationalities: list[str]
    sex: str | None
    identifiers: list[dict[str, Any]]
    description: str | None
    review_date: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    access: AccessOut | None = None


class PersonPage(BaseModel):
    items: list[PersonOut]
    next_cursor: int | None


class AuditEventOut(BaseModel):
    seq: int
    at: str
    actor_id: int | None
    actor: str
    actor_role: str | None
    actor_country: str | None
    action: str
    resource: str | None
    resource_id: str | None
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: int | None


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    head_seq: int
    seq: int | None
    problem: str | None
    message: str


class Health(BaseModel):
    status: str
    database: str
    version: str


class DocumentQuery(Strict):
    number: str = Field(max_length=100)
    issuing_country: str = Field(max_length=10)
    type: str | None = Field(default=None, max_length=30)


class PlateQuery(Strict):
    number: str = Field(max_length=30)
    country: str = Field(max_length=10)


class FirearmQuery(Strict):
    serial: str = Field(max_length=60)
    make: str | None = Field(default=None, max_length=100)


class ArtQuery(Strict):
    object_id: str = Field(max_length=60)


class CheckQuery(Strict):
    """Exactly one identifier to check."""

    qid: str | None = Field(default=None, max_length=100)
    document: DocumentQuery | None = None
    mrz: str | None = Field(default=None, max_length=200)
    vin: str | None = Field(default=None, max_length=30)
    plate: PlateQuery | None = None
    firearm: FirearmQuery | None = None
    imo: str | None = Field(default=None, max_length=20)
    hin: str | None = Field(default=None, max_length=30)
    art: ArtQuery | None = None


class BatchCheckRequest(Strict):
    items: list[CheckQuery] = Field(max_length=10_000)
