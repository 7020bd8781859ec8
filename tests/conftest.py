"""Fixtures: a real SQLite file and a real PostgreSQL schema, the same tests on both.

PostgreSQL comes from CONCORD_TEST_DATABASE_URL (default: the local server's
database ``test``). Each test session works in its own schema, dropped at the
end. Where no server answers the PostgreSQL variants skip, saying so, unless
CONCORD_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from concord.domain.countries import current_members
from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import SYSTEM, Principal
from concord.services import auth, members, users
from concord.settings import Settings
from concord.store import Store, countries_repo
from concord.store.migrate import upgrade
from concord.store.tables import metadata

# Two shared cores: generation speed varies with load, and tests never assert on time.
hypothesis_settings.register_profile(
    "concord", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("concord")

PG_URL = os.environ.get("CONCORD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("CONCORD_REQUIRE_POSTGRES") == "1"
PASSWORD = "correct horse battery staple"


def _pg_answers() -> str | None:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any failure: report it in the skip reason
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    problem = _pg_answers()
    if problem is not None:
        message = (
            f"needs PostgreSQL at {PG_URL} (set CONCORD_TEST_DATABASE_URL; "
            f"scripts/ensure-postgres.sh starts one): {problem}"
        )
        if REQUIRE_PG:
            pytest.fail(message)
        pytest.skip(message)
    schema = f"concord_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    store = Store(url, settings=settings_for(url))
    upgrade(store)
    store.close()
    yield url
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def settings_for(url: str) -> Settings:
    return Settings(
        env="test",
        database_url=url,
        attachments_dir=str(_attachments_dir(url)),
        audit_flush_interval=0.005,
        token_cache_seconds=0,
        secret_key="test-secret-key-that-is-long-enough-000000",
    )


def _attachments_dir(url: str) -> Path:
    """Beside a SQLite file; for PostgreSQL a temporary folder of its own schema."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).parent / "attachments"
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "concord-test-attachments" / digest


def _reset_postgres(store: Store) -> None:
    shutil.rmtree(store.settings.attachments_dir, ignore_errors=True)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with store.write() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'concord.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def store(database_url: str, backend: str) -> Iterator[Store]:
    """A migrated, empty store with every country registered."""
    store = Store(database_url, settings=settings_for(database_url))
    if backend == "sqlite":
        upgrade(store)
    else:
        _reset_postgres(store)
    with store.write() as conn:
        countries_repo.seed(conn, current_members())
    yield store
    store.close()


@dataclass
class Actor:
    principal: Principal
    token: str


@dataclass
class World:
    """Accounts of three member countries, the GS, the CCF and a suspended member."""

    store: Store
    ncb_a: Actor  # FRA
    ncb_b: Actor  # DEU
    ncb_c: Actor  # USA
    frontline_a: Actor
    frontline_b: Actor
    partner_a: Actor
    gs: Actor
    ccf: Actor
    ncb_suspended: Actor  # VEN, suspended after the account was made


def make_actor(
    store: Store, username: str, role: Role, country: str, password: str | None = None
) -> Actor:
    # No password by default: argon2 is slow by design and most tests use tokens.
    view = users.create_user(
        store, SYSTEM, username=username, role=role.value, country=country, password=password
    )
    _, token, _ = auth.issue_token(store, SYSTEM, view.id)
    principal = auth.resolve(store, token)
    return Actor(principal, token)


@pytest.fixture
def world(store: Store) -> World:
    w = World(
        store=store,
        ncb_a=make_actor(store, "ncb.fra", Role.NCB, "FRA", PASSWORD),
        ncb_b=make_actor(store, "ncb.deu", Role.NCB, "DEU"),
        ncb_c=make_actor(store, "ncb.usa", Role.NCB, "USA"),
        frontline_a=make_actor(store, "border.fra", Role.FRONTLINE, "FRA"),
        frontline_b=make_actor(store, "border.deu", Role.FRONTLINE, "DEU"),
        partner_a=make_actor(store, "airline.fra", Role.PARTNER, "FRA"),
        gs=make_actor(store, "gs.lyon", Role.GS, "XPO"),
        ccf=make_actor(store, "ccf.one", Role.CCF, "XPO"),
        ncb_suspended=make_actor(store, "ncb.ven", Role.NCB, "VEN"),
    )
    members.set_status(store, w.gs.principal, "VEN", MembershipStatus.SUSPENDED.value)
    w.ncb_suspended = Actor(auth.resolve(store, w.ncb_suspended.token), w.ncb_suspended.token)
    return w
