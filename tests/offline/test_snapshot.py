"""Offline snapshots: signed, no identifier in clear, refused when altered or expired."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.offline.snapshot import SnapshotRefused, build, open_snapshot
from concord.services import objects
from concord.services.snapshots import match_keys
from concord.store import Store
from concord.store.kinds import BLANK_RANGE, DOCUMENT, VEHICLE

PASS = "correct horse battery staple"
KEYS = ["D|DEU|C01X00T47", "V|1M8GDM9AXKP042788", "P|FRA|AB123CD"]


def _snapshot(key: Ed25519PrivateKey, days: int = 7) -> bytes:
    return build(
        KEYS, passphrase=PASS, signing_key=key, valid_for=dt.timedelta(days=days), scope="FRA"
    )


def test_round_trip_and_nothing_in_clear() -> None:
    key = Ed25519PrivateKey.generate()
    data = _snapshot(key)
    for k in KEYS:
        assert k.split("|")[-1].encode() not in data
    opened = open_snapshot(data, public_key=key.public_key(), passphrase=PASS)
    assert all(opened.possible_hit(k) for k in KEYS)
    assert not opened.possible_hit("D|DEU|C01X00T48")
    assert opened.header["count"] == 3


def test_wrong_passphrase_finds_nothing() -> None:
    key = Ed25519PrivateKey.generate()
    opened = open_snapshot(
        _snapshot(key), public_key=key.public_key(), passphrase="another long passphrase"
    )
    assert not any(opened.possible_hit(k) for k in KEYS)


@pytest.mark.parametrize("offset", [0, 25, 200, -70, -1])
def test_any_altered_byte_is_refused(offset: int) -> None:
    key = Ed25519PrivateKey.generate()
    data = bytearray(_snapshot(key))
    data[offset] ^= 0x01
    with pytest.raises(SnapshotRefused):
        open_snapshot(bytes(data), public_key=key.public_key(), passphrase=PASS)


def test_signed_by_another_key_is_refused() -> None:
    data = _snapshot(Ed25519PrivateKey.generate())
    with pytest.raises(SnapshotRefused, match="signature"):
        open_snapshot(data, public_key=Ed25519PrivateKey.generate().public_key(), passphrase=PASS)


def test_expired_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    data = _snapshot(key, days=1)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    with pytest.raises(SnapshotRefused, match="expired"):
        open_snapshot(data, public_key=key.public_key(), passphrase=PASS, now=later)


def test_match_keys_follow_the_country_view_and_expand_ranges(store: Store) -> None:
    deu = Principal(0, "ncb", Role.NCB, "DEU", MembershipStatus.MEMBER)
    objects.create(
        store, deu, DOCUMENT, {"number": "C01X00T47", "issuing_country": "DEU", "status": "stolen"}
    )
    objects.create(
        store,
        deu,
        DOCUMENT,
        {
            "number": "C01X00T48",
            "issuing_country": "DEU",
            "status": "lost",
            "access": {"visibility": "except", "countries": ["FRA"]},
        },
    )
    objects.create(
        store, deu, BLANK_RANGE, {"issuing_country": "DEU", "first": "P000100", "last": "P000102"}
    )
    objects.create(
        store,
        deu,
        VEHICLE,
        {"vin": "1M8GDM9AXKP042788", "plate": "B-XY 123", "plate_country": "DEU"},
    )
    keys = set(match_keys(store, "FRA"))
    assert keys == {
        "D|DEU|C01X00T47",
        "D|DEU|P000100",
        "D|DEU|P000101",
        "D|DEU|P000102",
        "V|1M8GDM9AXKP042788",
        "P|DEU|BXY123",
    }
    assert "D|DEU|C01X00T48" in set(match_keys(store, "USA"))


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CONCORD_DATABASE_URL": f"sqlite:///{tmp_path / 'snap.db'}",
        "CONCORD_ENV": "dev",
        "CONCORD_SNAPSHOT_PASSPHRASE": PASS,
    }
    return subprocess.run(
        [sys.executable, "-m", "concord", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_export_and_check_from_the_command_line(tmp_path: Path) -> None:
    assert _cli(tmp_path, "db", "upgrade").returncode == 0
    (tmp_path / "docs.csv").write_text(
        "reference,number,issuing_country,type,status\nR1,C01X00T47,DEU,passport,stolen\n",
        encoding="utf-8",
    )
    assert _cli(tmp_path, "import", "documents", "docs.csv", "--country", "DEU").returncode == 0
    exported = _cli(tmp_path, "snapshot", "export", "--country", "FRA", "--out", "fra.snap")
    assert exported.returncode == 0, exported.stderr
    assert b"C01X00T47" not in (tmp_path / "fra.snap").read_bytes()
    checked = _cli(
        tmp_path,
        "snapshot",
        "check",
        "fra.snap",
        "document:D:C01 X00 T47",
        "document:DEU:C01X00T99",
    )
    assert checked.returncode == 0, checked.stderr
    assert "document:D:C01 X00 T47: POSSIBLE HIT" in checked.stdout
    assert "document:DEU:C01X00T99: no hit" in checked.stdout
    data = bytearray((tmp_path / "fra.snap").read_bytes())
    data[-100] ^= 0xFF
    (tmp_path / "fra.snap").write_bytes(bytes(data))
    tampered = _cli(tmp_path, "snapshot", "check", "fra.snap", "document:DEU:C01X00T47")
    assert tampered.returncode == 2
    assert "signature does not verify" in tampered.stderr and "Traceback" not in tampered.stderr
