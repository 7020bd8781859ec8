"""The schema, as SQLAlchemy Core tables. Alembic migrations create it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored in UTC and read back timezone-aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the rowid).
BigId = BigInteger().with_variant(Integer(), "sqlite")

countries = Table(
    "countries",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("alpha2", String(2), nullable=False),
    Column("name", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("ncb_name", String(200)),
    Column("is_organisation", Boolean, nullable=False, default=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200)),
    Column("role", String(16), nullable=False),
    Column("country", String(3), ForeignKey("countries.code"), nullable=False),
    Column("password_hash", String(200)),
    # The second factor: the TOTP secret (encrypted), when enrolled, the last step used.
    Column("totp_secret", String(200)),
    Column("totp_enrolled_at", UTCDateTime()),
    Column("totp_last_step", BigInteger),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", Integer),
    Column("disabled_at", UTCDateTime()),
    Index("ix_users_country", "country"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(100)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
    Index("ix_tokens_user_id", "user_id"),
)

persons = Table(
    "persons",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner", String(3), ForeignKey("countries.code"), nullable=False),
    Column("reference", String(500)),
    Column("full_name", String(200)),
    Column("given_names", String(200)),
    Column("family_names", String(200)),
    Column("display_name", String(400), nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("dob", String(10)),
    Column("place_of_birth", String(500)),
    Column("nationalities", JSON, nullable=False),
    Column("sex", String(1)),
    Column("identifiers", JSON, nullable=False),
    Column("description", Text),
    Column("visibility", String(8), nullable=False),
    Column("review_date", String(10), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("created_by", Integer),
    UniqueConstraint("owner", "reference", name="uq_persons_owner_reference"),
)

# Countries listed by a record's "only" / "except" restriction.
record_access = Table(
    "record_access",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("record_id", BigInteger, primary_key=True),
    Column("country", String(3), ForeignKey("countries.code"), primary_key=True),
)

# Every change to a record, in commit order: indexes in any process follow it.
change_log = Table(
    "change_log",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("op", String(8), nullable=False),
    Column("owner", String(3), nullable=False),
    # A bulk write covers the ids record_id..last_record_id (None: just record_id).
    Column("last_record_id", BigInteger),
    Column("at", UTCDateTime(), nullable=False),
    sqlite_autoincrement=True,
)

# Append-only, hash-chained. ``seq`` is assigned by the writer under the head lock.
audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor_id", Integer),
    Column("actor", String(100), nullable=False),
    Column("actor_role", String(16)),
    Column("actor_country", String(3)),
    Column("action", String(64), nullable=False),
    Column("resource", String(64)),
    Column("resource_id", String(100)),
    Column("outcome", String(16), nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_action", "action"),
    Index("ix_audit_events_actor_country", "actor_country"),
    Index("ix_audit_events_resource", "resource", "resource_id"),
)

# The chain's head: one row, locked by each writer batch; catches a deleted tail.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)


def _owned(name: str, *columns: Column[Any] | Index) -> Table:
    """A record table: the columns every owned record has, then its own."""
    return Table(
        name,
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("owner", String(3), ForeignKey("countries.code"), nullable=False),
        Column("reference", String(100), nullable=False),
        *columns,
        Column("remarks", Text),
        Column("visibility", String(8), nullable=False),
        Column("review_date", String(10), nullable=False),
        Column("content_hash", String(32), nullable=False),
        Column("version", Integer, nullable=False, default=1),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("created_by", Integer),
        UniqueConstraint("owner", "reference", name=f"uq_{name}_owner_reference"),
    )


travel_documents = _owned(
    "travel_documents",
    Column("number", String(40), nullable=False),
    Column("number_key", String(40), nullable=False),
    Column("issuing_country", String(3), nullable=False),
    Column("doc_type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("issued_on", String(10)),
    Column("expires_on", String(10)),
    Column("lost_on", String(10)),
    Column("reporting_country", String(3)),
    Index("ix_travel_documents_key", "issuing_country", "number_key"),
)

blank_ranges = _owned(
    "blank_ranges",
    Column("issuing_country", String(3), nullable=False),
    Column("doc_type", String(16), nullable=False),
    Column("first_serial", String(40), nullable=False),
    Column("last_serial", String(40), nullable=False),
    Column("prefix", String(40), nullable=False),
    Column("first_value", BigInteger, nullable=False),
    Column("last_value", BigInteger, nullable=False),
    Column("width", Integer, nullable=False),
    Column("lost_on", String(10)),
    Index("ix_blank_ranges_key", "issuing_country", "prefix"),
)

vehicles = _owned(
    "vehicles",
    Column("vin", String(20)),
    Column("vin_key", String(20)),
    Column("plate", String(20)),
    Column("plate_key", String(20)),
    Column("plate_country", String(3)),
    Column("make", String(100)),
    Column("model", String(100)),
    Column("colour", String(50)),
    Column("year", Integer),
    Column("status", String(16), nullable=False),
    Column("stolen_on", String(10)),
    Index("ix_vehicles_vin_key", "vin_key"),
    Index("ix_vehicles_plate_key", "plate_country", "plate_key"),
)

firearms = _owned(
    "firearms",
    Column("make", String(100), nullable=False),
    Column("model", String(100)),
    Column("serial", String(40), nullable=False),
    Column("serial_key", String(40), nullable=False),
    Column("calibre", String(40)),
    Column("firearm_type", String(40)),
    Column("status", String(16), nullable=False),
    Column("stolen_on", String(10)),
    Index("ix_firearms_serial_key", "serial_key"),
)

vessels = _owned(
    "vessels",
    Column("imo", String(7)),
    Column("hin", String(20)),
    Column("hin_key", String(20)),
    Column("name", String(200)),
    Column("flag", String(3)),
    Column("status", String(16), nullable=False),
    Column("stolen_on", String(10)),
    Index("ix_vessels_imo", "imo"),
    Index("ix_vessels_hin_key", "hin_key"),
)

artworks = _owned(
    "artworks",
    Column("object_id", String(60), nullable=False),
    Column("object_key", String(60), nullable=False),
    Column("title", String(300)),
    Column("artist", String(200)),
    Column("art_type", String(60)),
    Column("description", Text),
    Column("status", String(16), nullable=False),
    Column("stolen_on", String(10)),
    Index("ix_artworks_object_key", "object_key"),
)

# A check that matched: which record, whose, and who checked from where.
hits = Table(
    "hits",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("owner", String(3), nullable=False),
    Column("checked_by", Integer, nullable=False),
    Column("checking_country", String(3), nullable=False),
    Column("query", Text, nullable=False),
    Column("status", String(16), nullable=False),  # new | confirmed | not_same | resolved
    Column("at", UTCDateTime(), nullable=False),
    # The owner answers by ``due_at`` (urgent: minutes; routine: an hour, by the settings).
    Column("urgency", String(8), nullable=False, default="routine", server_default="routine"),
    Column("due_at", UTCDateTime()),
    Column("notice_id", BigInteger),
    Column("answered_at", UTCDateTime()),
    Column("answered_by", String(100)),
    Column("resolution", String(16)),  # located | arrested | seized | no_action
    Column("note", Text),
    Column("resolved_at", UTCDateTime()),
    Column("escalated_at", UTCDateTime()),  # the deadline passed: the command centre is told
    Index("ix_hits_owner", "owner", "id"),
    Index("ix_hits_checking_country", "checking_country", "id"),
    Index("ix_hits_status_due", "status", "due_at"),
)

# Notices: a request about one record of the requesting country, and its life.
notices = Table(
    "notices",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner", String(3), ForeignKey("countries.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("state", String(24), nullable=False),
    # "notice" (reviewed, then circulated to all) or "diffusion" (sent at once to
    # the listed recipients, reviewed afterwards)
    Column("channel", String(16), nullable=False, default="notice", server_default="notice"),
    Column("recipients", JSON),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", BigInteger, nullable=False),
    Column("crime_programme", String(32)),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("public_extract", Boolean, nullable=False, default=False),
    Column("body", JSON, nullable=False),  # title, summary, judicial data
    Column("compliance", JSON),  # the last automated review's report
    Column("review_date", String(10)),
    Column("suspended_until", String(10)),
    Column("reminded_for", String(10)),  # the review date the owner was reminded of
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("submitted_at", UTCDateTime()),
    Column("published_at", UTCDateTime()),
    Column("created_by", Integer),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_notices_owner", "owner", "id"),
    Index("ix_notices_state", "state", "id"),
    Index("ix_notices_subject", "subject_kind", "subject_id"),
)

# Every move of a notice: who did what, from which state to which, and why.
notice_events = Table(
    "notice_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("notice_id", BigInteger, ForeignKey("notices.id"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("actor_country", String(3), nullable=False),
    Column("move", String(24), nullable=False),
    Column("from_state", String(24)),
    Column("to_state", String(24), nullable=False),
    Column("reason", Text),
    Index("ix_notice_events_notice", "notice_id", "id"),
)

# A person's request to the CCF: what the platform holds on them, or to correct or delete it.
subject_requests = Table(
    "subject_requests",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # access | correction | deletion
    Column("state", String(16), nullable=False),  # open | decided
    Column("name", String(200), nullable=False),
    Column("dob", String(10)),
    Column("nationality", String(3)),
    Column("contact", String(500), nullable=False),
    Column("claim", Text, nullable=False),
    Column("received_on", String(10), nullable=False),
    Column("deadline", String(10), nullable=False),
    Column("decision", String(16)),  # granted | partly_granted | refused
    Column("reasoning", Text),
    Column("records", JSON),  # person record ids the decision covers
    Column("correction", Text),  # what the owners must correct
    Column("carried_out", JSON),  # what the system deleted, and the notices it cancelled
    Column("decided_by", String(100)),
    Column("decided_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_subject_requests_state", "state", "deadline"),
)

# The directory of NCB public keys. A replaced key stays, to verify what it signed.
ncb_keys = Table(
    "ncb_keys",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("country", String(3), ForeignKey("countries.code"), nullable=False),
    Column("signing_key", String(64), nullable=False),  # base64 of the raw Ed25519 key
    Column("encryption_key", String(64), nullable=False),  # base64 of the raw X25519 key
    Column("signing_fingerprint", String(32), nullable=False, unique=True),
    Column("encryption_fingerprint", String(32), nullable=False),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("registered_by", String(100), nullable=False),
    Column("replaced_at", UTCDateTime()),
    Index("ix_ncb_keys_country", "country", "id"),
)

# Secure messages: envelopes the platform stores but cannot open, with clear routing data.
messages = Table(
    "messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False, unique=True),  # the sender's: idempotent
    Column("thread_id", String(64), nullable=False),
    Column("sender", String(3), nullable=False),
    Column("sent_by", String(100), nullable=False),
    Column("recipients", JSON, nullable=False),
    Column("priority", String(8), nullable=False),
    Column("handling", JSON, nullable=False),  # handling codes: no onward transmission…
    Column("links", JSON, nullable=False),  # notices, hits, records the message is about
    Column("envelope", JSON, nullable=False),
    Column("envelope_sha256", String(64), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=False),
    Index("ix_messages_sender", "sender", "id"),
    Index("ix_messages_thread", "thread_id", "id"),
)

# One row per message and recipient country: delivered, then read.
message_receipts = Table(
    "message_receipts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False),
    Column("recipient", String(3), nullable=False),
    Column("delivered_at", UTCDateTime()),
    Column("read_at", UTCDateTime()),
    Column("read_by", String(100)),
    UniqueConstraint("message_id", "recipient"),
    Index("ix_message_receipts_recipient", "recipient", "id"),
)

# What a principal's event stream carries, written in the transaction of the change:
# one row per country told (``user_id`` set: for one officer, about their own check).
events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("country", String(3), nullable=False),
    Column("user_id", Integer),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Index("ix_events_country", "country", "id"),
)

# A national system's endpoint for its country's events, signed with a shared secret.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("country", String(3), nullable=False),
    Column("url", String(500), nullable=False),
    Column("secret", String(100), nullable=False),  # for the HMAC; shown once, never logged
    Column("kinds", JSON),  # event kinds wanted (None: all)
    Column("created_at", UTCDateTime(), nullable=False),
    Column("disabled_at", UTCDateTime()),
    Index("ix_webhooks_country", "country"),
)

# What each webhook still owes: written with the event, emptied by delivery.
webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("webhook_id", BigInteger, nullable=False),
    Column("event_id", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("delivered_at", UTCDateTime()),
    Column("last_error", String(500)),
    UniqueConstraint("webhook_id", "event_id"),
    Index("ix_webhook_outbox_due", "delivered_at", "next_attempt_at"),
)

# Sealed attachments uploaded by an NCB, by the SHA-256 of their ciphertext; the file
# is on disk (settings.attachments_dir), named by that digest.
attachments = Table(
    "attachments",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("country", String(3), nullable=False),  # whose upload: only it may attach it
    Column("size", BigInteger, nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    UniqueConstraint("sha256", "country"),
)

# Which sealed attachments a message carries (as signed in its envelope's header).
message_attachments = Table(
    "message_attachments",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Index("ix_message_attachments_sha256", "sha256"),
)

# A browser's session: the cookie is a random token kept only as its HMAC; closed at
# log-out, after ``web_idle_minutes`` without a request, or ``web_session_hours``.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, nullable=False),
    Column("csrf", String(64), nullable=False),  # what every form of the session echoes
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("closed_at", UTCDateTime()),
)
