"""Token resolution: what the cache answers alone, and what it leaves to the database."""

from __future__ import annotations

import pytest

from concord.errors import Unauthenticated
from concord.services import auth
from concord.store import Store
from tests.conftest import SYSTEM, World


@pytest.fixture
def caching(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The served default (the tests' settings turn the cache off)."""
    monkeypatch.setattr(store.settings, "token_cache_seconds", 5.0)


@pytest.mark.usefixtures("caching")
def test_cached_answers_only_what_resolve_has_seen(world: World) -> None:
    store = world.store
    _, token, _ = auth.issue_token(store, SYSTEM, world.ncb_b.principal.user_id)
    auth.resolver_cache_clear()
    assert auth.cached(store, token) is None  # a miss: the caller asks the database
    principal = auth.resolve(store, token)
    assert principal.country == "DEU"
    assert auth.cached(store, token) == principal


@pytest.mark.usefixtures("caching")
def test_cached_refuses_a_token_known_to_be_invalid(store: Store) -> None:
    unknown = auth.TOKEN_PREFIX + "x" * 43
    auth.resolver_cache_clear()
    assert auth.cached(store, unknown) is None
    with pytest.raises(Unauthenticated):
        auth.resolve(store, unknown)
    with pytest.raises(Unauthenticated, match="unknown, expired or revoked"):
        auth.cached(store, unknown)  # remembered, without another read
    with pytest.raises(Unauthenticated, match="malformed"):
        auth.cached(store, "not-a-token")


@pytest.mark.usefixtures("caching")
def test_cached_entries_age_out(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    store = world.store
    token = world.ncb_a.token
    auth.resolve(store, token)
    assert auth.cached(store, token) is not None
    monkeypatch.setattr(store.settings, "token_cache_seconds", 0)
    assert auth.cached(store, token) is None
