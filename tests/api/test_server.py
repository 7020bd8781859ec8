"""A real server process: it serves checks over HTTP and a clean shutdown loses no audit event."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from concord.audit import verify
from concord.domain.enums import Role
from concord.store import Store
from concord.store.tables import audit_events
from tests.conftest import make_actor
from tests.live_server import free_port, wait_ready


@pytest.mark.slow
def test_clean_shutdown_writes_every_audit_event(store: Store, tmp_path: Path) -> None:
    actor = make_actor(store, "ncb.fra", Role.NCB, "FRA")
    store.audit.flush()
    port = free_port()
    env = {
        **os.environ,
        "CONCORD_DATABASE_URL": store.url,
        "CONCORD_ENV": "test",
        "CONCORD_SECRET_KEY": store.settings.secret_key,
        # A long flush interval: events are still pending when the signal arrives.
        "CONCORD_AUDIT_FLUSH_INTERVAL": "5",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "concord", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server)
        headers = {"Authorization": f"Bearer {actor.token}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            created = client.post("/persons", json={"full_name": "Ana Lima", "dob": "1990"})
            assert created.status_code == 201
            record_id = created.json()["id"]
            for _ in range(200):
                assert client.get(f"/persons/{record_id}").status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught.
        assert server.wait(timeout=60) in (0, -signal.SIGTERM)
    with store.read() as conn:
        reads = conn.execute(
            select(func.count())
            .select_from(audit_events)
            .where(audit_events.c.action == "person.read")
        ).scalar_one()
    assert reads == 200
    assert verify(store).ok
