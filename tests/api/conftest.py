"""An API client around the test store (real ASGI app, in-process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from concord.api import create_app
from concord.store import Store


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(settings=store.settings, store=store)
    with TestClient(app) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
