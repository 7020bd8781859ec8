"""The key directory through the API, and an envelope verified against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from concord.messaging import keys
from concord.messaging.envelope import open_envelope, seal
from concord.services import key_directory
from tests.api.conftest import bearer
from tests.conftest import World

PASSPHRASE = "a passphrase long enough"


def test_register_read_and_replace(client: TestClient, world: World, tmp_path: Path) -> None:
    deu = keys.generate(tmp_path, "DEU", PASSPHRASE)
    published = json.loads((tmp_path / "DEU.public.json").read_text())
    made = client.post("/keys", json=published, headers=bearer(world.ncb_b.token))
    assert made.status_code == 201, made.text
    assert made.json()["signing_fingerprint"] == deu.public().signing_fingerprint
    for token in (world.ncb_a.token, world.frontline_a.token, world.gs.token):
        listed = client.get("/keys", headers=bearer(token)).json()["items"]
        assert [k["country"] for k in listed] == ["DEU"]
    assert client.get("/keys", headers=bearer(world.partner_a.token)).status_code == 403
    # Only the country's own NCB registers its keys.
    for token in (world.ncb_a.token, world.gs.token, world.frontline_b.token):
        assert client.post("/keys", json=published, headers=bearer(token)).status_code == 403
    again = client.post("/keys", json=published, headers=bearer(world.ncb_b.token))
    assert again.status_code == 409
    bad = client.post(
        "/keys", json={**published, "signing_key": "?"}, headers=bearer(world.ncb_b.token)
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "signing_key"

    # A new pair replaces the old one; what the old one signed still verifies.
    fra = keys.generate(tmp_path, "FRA", PASSPHRASE)
    envelope = seal(deu, [fra.public()], b"old", message_id="m1", created="2026-11-23")
    newer = keys.generate(tmp_path / "new", "DEU", PASSPHRASE)
    fresh = json.loads((tmp_path / "new" / "DEU.public.json").read_text())
    assert client.post("/keys", json=fresh, headers=bearer(world.ncb_b.token)).status_code == 201
    history = client.get("/keys/DE", headers=bearer(world.ncb_a.token)).json()["items"]
    assert [h["replaced_at"] is None for h in history] == [True, False]
    assert history[0]["signing_fingerprint"] == newer.public().signing_fingerprint
    old_key = key_directory.signing_keys(world.store, "DEU", envelope.header["sender_key"])
    assert open_envelope(envelope, fra, old_key) == b"old"
    assert client.get("/keys/USA", headers=bearer(world.ncb_a.token)).status_code == 404


def test_keys_generate_command(tmp_path: Path) -> None:
    env = {**os.environ, "CONCORD_KEY_PASSPHRASE": PASSPHRASE}
    command = [sys.executable, "-m", "concord", "keys", "generate"]
    command += ["--country", "NG", "--dir", str(tmp_path)]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "NGA.public.json").exists()
    assert (tmp_path / "NGA.encryption.pem").stat().st_mode & 0o077 == 0
    again = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert again.returncode == 2 and "already exist" in again.stderr
