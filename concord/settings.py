"""Typed settings read from ``CONCORD_*`` environment variables.

Outside the ``dev`` environment the settings refuse placeholder secrets, so a
production deployment cannot start with a key that is in the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "dev-only-secret-change-me", "changeme", "secret"})


def default_database_url() -> str:
    """SQLite file ``var/concord.db`` under the working directory."""
    return f"sqlite:///{Path.cwd() / 'var' / 'concord.db'}"


class Settings(BaseSettings):
    """Every tunable of the platform, one place."""

    model_config = SettingsConfigDict(env_prefix="CONCORD_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    database_url: str = Field(default_factory=default_database_url)
    # Pepper for token hashes; must be a real secret outside dev.
    secret_key: str = "dev-only-secret-change-me"  # noqa: S105 - refused outside dev
    token_ttl_days: int = Field(default=30, ge=1, le=366)
    token_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    audit_flush_interval: float = Field(default=0.05, gt=0, le=5)
    audit_batch_size: int = Field(default=2000, ge=1, le=100_000)
    import_batch_size: int = Field(default=50_000, ge=1, le=1_000_000)
    page_size_max: int = Field(default=500, ge=1)
    # The platform's Ed25519 key that signs offline snapshots (created in dev if absent).
    signing_key_file: str = "var/platform-signing-key.pem"
    # How often each process's in-memory indexes follow the change log.
    index_poll_interval: float = Field(default=0.2, gt=0, le=10)
    # Person checks: a candidate at or above the hit threshold is a hit, above the
    # possible threshold a possible hit; candidates are listed down to the floor.
    name_hit_threshold: float = Field(default=0.8, ge=0, le=1)
    name_possible_threshold: float = Field(default=0.65, ge=0, le=1)
    name_floor: float = Field(default=0.5, ge=0, le=1)
    # The notice compliance rules (a TOML file); empty: the rules shipped with Concord.
    notice_rules: str = ""
    # Days the CCF has to decide a request for access, and for correction or deletion.
    ccf_access_days: int = Field(default=120, ge=1, le=3650)
    ccf_correction_days: int = Field(default=270, ge=1, le=3650)
    # Hits: how long the owner has to confirm or deny, by urgency, and which notice
    # kinds (and kinds of record) make a hit urgent; how often the API escalates missed deadlines.
    hit_urgent_minutes: float = Field(default=10, gt=0)
    hit_routine_minutes: float = Field(default=60, gt=0)
    hit_urgent_kinds: list[str] = Field(default_factory=lambda: ["red", "orange"])
    # Kinds of record whose hits are urgent whatever the notice (document, vehicle,
    # firearm, vessel, artwork, blank_range, person); none by default.
    hit_urgent_records: list[str] = Field(default_factory=list)
    hit_escalation_interval: float = Field(default=30, gt=0)
    # Web sessions: closed after this many idle minutes, and after this many hours.
    web_idle_minutes: float = Field(default=15, gt=0, le=24 * 60)
    # The largest file the web application's bulk import takes by upload.
    web_import_max_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    web_session_hours: float = Field(default=12, gt=0, le=24 * 7)
    # Event streams wake when this process commits an event (off: they only poll every
    # 0.2 s, as for events other processes write; kept to measure the difference).
    event_stream_wakeup: bool = True
    # How often each API process posts the webhook outbox.
    webhook_interval: float = Field(default=1.0, gt=0)
    # Sealed message attachments: where their ciphertext is kept (every API process
    # of one platform must see the same directory), the largest file an NCB may
    # attach (plaintext bytes; the sealed file is slightly larger), and how long an
    # upload no message carries is kept, and how much of those one country may hold.
    attachments_dir: str = "var/attachments"
    attachment_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    attachment_unsent_hours: float = Field(default=24, gt=0)
    # What one country may hold in uploads no message carries yet (a full disk is
    # everyone's outage).
    attachment_unsent_quota_bytes: int = Field(default=2 * 1024**3, ge=1024)
    # How often the API expires notices, ends suspensions and sends review reminders.
    notice_sweep_interval: float = Field(default=3600, gt=0)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env == "prod" and (
            self.secret_key in PLACEHOLDER_SECRETS or len(self.secret_key) < 32
        ):
            raise ValueError(
                "CONCORD_SECRET_KEY must be set to a random value of at least 32 characters "
                "outside dev (generate one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
