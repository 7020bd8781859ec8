"""Settings fail fast on placeholder secrets outside dev."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from concord.settings import Settings


def test_placeholder_secret_refused_in_prod() -> None:
    with pytest.raises(ValidationError, match="CONCORD_SECRET_KEY"):
        Settings(env="prod")
    with pytest.raises(ValidationError):
        Settings(env="prod", secret_key="short")


def test_real_secret_accepted_in_prod() -> None:
    settings = Settings(env="prod", secret_key="k" * 48)
    assert settings.env == "prod"


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCORD_DATABASE_URL", "sqlite:////tmp/x.db")
    monkeypatch.setenv("CONCORD_TOKEN_TTL_DAYS", "7")
    settings = Settings()
    assert settings.database_url == "sqlite:////tmp/x.db"
    assert settings.token_ttl_days == 7


def test_default_database_is_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONCORD_DATABASE_URL", raising=False)
    assert Settings().database_url.endswith("/var/concord.db")
