"""``concord messages`` against a real server: an NCB sends a sealed message with files,
another opens it and saves the files; a message changed on the platform is refused."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from concord.cli import app
from concord.messaging import keys
from concord.store import Store
from concord.store.tables import messages
from tests.conftest import World
from tests.live_server import live_server

PASSPHRASE = "a passphrase long enough"


def _register(base: str, token: str, directory: Path, country: str) -> None:
    keys.generate(directory, country, PASSPHRASE)
    public = json.loads((directory / f"{country}.public.json").read_text())
    answer = httpx.post(f"{base}/keys", json=public, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text


def _cli(base: str, token: str, *args: str) -> tuple[int, str]:
    env = {"CONCORD_API_TOKEN": token, "CONCORD_KEY_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(app, [*args, "--api", base], env=env)
    return result.exit_code, result.output


@pytest.mark.slow
def test_send_open_save_and_refuse_tampering(store: Store, world: World, tmp_path: Path) -> None:
    photo = os.urandom(200_000)
    (tmp_path / "face.jpg").write_bytes(photo)
    (tmp_path / "note.txt").write_text("Subject held at CDG T2, gate K.\nPlease confirm.")
    with live_server(store, tmp_path) as base:
        _register(base, world.ncb_a.token, tmp_path / "fra", "FRA")
        _register(base, world.ncb_b.token, tmp_path / "deu", "DEU")
        code, output = _cli(
            base,
            world.ncb_a.token,
            "messages", "send", "--country", "FRA", "--keys", str(tmp_path / "fra"),
            "--to", "DEU", "--subject", "Hit on red notice: photos",
            "--body", f"@{tmp_path / 'note.txt'}", "--attach", str(tmp_path / "face.jpg"),
            "--priority", "urgent", "--handling", "police_use_only", "--link", "notice:7",
            "--id", "fra-cli-000001",
        )  # fmt: skip
        assert code == 0, output
        assert "sent fra-cli-000001 to DEU with 1 attachment(s)" in output
        with store.read() as conn:
            stored = json.dumps(conn.execute(select(messages.c.envelope)).scalar_one())
        assert "Hit on red notice" not in stored and "face.jpg" not in stored
        code, output = _cli(
            base, world.ncb_b.token,
            "messages", "inbox", "--country", "DEU", "--keys", str(tmp_path / "deu"),
            "--save", str(tmp_path / "received"), "--read",
        )  # fmt: skip
        assert code == 0, output
        assert "verified fra-cli-000001  from FRA  urgent" in output
        assert "subject: Hit on red notice: photos" in output and "gate K." in output
        saved = tmp_path / "received" / "fra-cli-000001" / "face.jpg"
        assert saved.read_bytes() == photo
        receipts = httpx.get(
            f"{base}/messages/fra-cli-000001",
            headers={"Authorization": f"Bearer {world.ncb_a.token}"},
        ).json()["receipts"]
        assert receipts[0]["read_at"] is not None
        # The sender rereads what it sent, with its copy, and sees the receipt.
        code, output = _cli(
            base, world.ncb_a.token,
            "messages", "sent", "--country", "FRA", "--keys", str(tmp_path / "fra"),
        )  # fmt: skip
        assert code == 0, output
        assert "verified fra-cli-000001  to DEU  urgent" in output
        assert "subject: Hit on red notice: photos" in output and "DEU: read" in output
        # One bit changed in the stored ciphertext: the recipient refuses it, and says so.
        with store.write() as conn:
            envelope = conn.execute(select(messages.c.envelope)).scalar_one()
            raw = bytearray(base64.b64decode(envelope["ciphertext"]))
            raw[20] ^= 0x01
            envelope["ciphertext"] = base64.b64encode(bytes(raw)).decode()
            conn.execute(update(messages).values(envelope=envelope))
        code, output = _cli(
            base, world.ncb_b.token,
            "messages", "inbox", "--country", "DEU", "--keys", str(tmp_path / "deu"),
        )  # fmt: skip
        assert code == 1
        assert "REFUSED fra-cli-000001" in output and "tampered" in output
        assert "Hit on red notice" not in output
        # Bad input: a recipient without keys, no token.
        code, output = _cli(
            base, world.ncb_a.token,
            "messages", "send", "--country", "FRA", "--keys", str(tmp_path / "fra"),
            "--to", "USA", "--subject", "x",
        )  # fmt: skip
        assert code == 2 and "no registered keys for USA" in output
        code, output = _cli(
            base, "",
            "messages", "inbox", "--country", "DEU", "--keys", str(tmp_path / "deu"),
        )  # fmt: skip
        assert code == 2 and "CONCORD_API_TOKEN" in output
