"""A served process freezes its start-up state for the collector; an app given a store does not."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from concord.api import create_app
from concord.store import Store


def test_only_a_served_app_freezes_its_startup_state(store: Store) -> None:
    gc.unfreeze()
    try:
        with TestClient(create_app(settings=store.settings, store=store)) as given:
            assert given.get("/health").status_code == 200
            assert gc.get_freeze_count() == 0
        with TestClient(create_app(settings=store.settings)) as served:
            assert served.get("/health").status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
