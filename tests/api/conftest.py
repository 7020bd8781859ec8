"""An API client around the test store (real ASGI app, in-process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from concord.api import create_app
from concord.messaging import keys
from concord.messaging.keys import PrivateKeys
from concord.store import Store
from tests.conftest import World


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(settings=store.settings, store=store)
    with TestClient(app) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


PASSPHRASE = "a passphrase long enough"


@pytest.fixture
def ncbs(client: TestClient, world: World, tmp_path: Path) -> dict[str, PrivateKeys]:
    made = {}
    for country, token in (
        ("FRA", world.ncb_a.token),
        ("DEU", world.ncb_b.token),
        ("USA", world.ncb_c.token),
    ):
        made[country] = keys.generate(tmp_path / country, country, PASSPHRASE)
        public = json.loads((tmp_path / country / f"{country}.public.json").read_text())
        assert client.post("/keys", json=public, headers=bearer(token)).status_code == 201
    return made
