"""The concord command: every command has --help; operator commands work end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concord.cli import app
from concord.services import auth
from concord.services.demo_names import FEATURED
from concord.settings import Settings
from concord.store import Store

COMMANDS = [
    ["serve"],
    ["db", "upgrade"],
    ["demo"],
    ["user", "add"],
    ["user", "disable"],
    ["token", "create"],
    ["token", "revoke"],
    ["import", "persons"],
    ["check", "persons"],
    ["import", "public-notices"],
    ["notices", "sweep"],
    ["keys", "generate"],
    ["check", "documents"],
    ["audit", "verify"],
    ["audit", "show"],
    ["member", "set"],
    ["member", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CONCORD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "CONCORD_ENV": "test",
        "CONCORD_SECRET_KEY": "cli-test-secret-that-is-long-enough-0000",
    }
    return subprocess.run(
        [sys.executable, "-m", "concord", *args],
        env=env,
        cwd=tmp_path,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_operator_flow(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    added = run(
        tmp_path,
        "user",
        "add",
        "ncb.ita",
        "--role",
        "ncb",
        "--country",
        "IT",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "otpauth://totp/Concord:ncb.ita?secret=" in added.stdout  # shown once, enrolled
    again = run(tmp_path, "user", "second-factor", "ncb.ita")
    assert again.returncode == 0 and "otpauth://" in again.stdout
    assert again.stdout.split("secret ")[1][:16] != added.stdout.split("secret ")[1][:16]
    created = run(tmp_path, "token", "create", "ncb.ita", "--ttl-days", "2")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(
        url,
        settings=Settings(
            env="test", database_url=url, secret_key="cli-test-secret-that-is-long-enough-0000"
        ),
    )
    try:
        principal = auth.resolve(store, token)
        assert (principal.username, principal.country, principal.role.value) == (
            "ncb.ita",
            "ITA",
            "ncb",
        )
    finally:
        store.close()
    assert run(tmp_path, "audit", "verify").returncode == 0


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    for args in (
        ["user", "add", "x.one", "--role", "chief", "--country", "FR", "--password-stdin"],
        ["user", "add", "x.one", "--role", "ncb", "--country", "ZZ", "--password-stdin"],
        ["token", "create", "nobody"],
        ["member", "set", "FRA", "friendly"],
    ):
        done = run(tmp_path, *args, stdin="a long enough password\n")
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and "error" in done.stderr


def test_demo_seeds_once_and_reissues_tokens(tmp_path: Path) -> None:
    from itertools import product

    from sqlalchemy import func, select

    from concord.domain.notices import NoticeKind, NoticeState
    from concord.services.demo_notices import ADDED_PERSONS
    from concord.store.tables import notice_events, notices, persons, travel_documents, users

    assert run(tmp_path, "db", "upgrade").returncode == 0
    first = run(tmp_path, "demo", "--people", "30", "--documents", "3000")
    assert first.returncode == 0, first.stderr
    assert "gs.lyon" in first.stdout and "cnd_" in first.stdout
    assert "Identifiers that hit" in first.stdout and "stolen blank passports" in first.stdout
    # Every featured person is found from the spelling its passport prints.
    assert "Names that hit in another script" in first.stdout
    for person in FEATURED:
        assert f"{person.typed} " in first.stdout and person.full_name in first.stdout
    assert "Notices by state and kind" in first.stdout and "Review queue" in first.stdout
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def seeded() -> tuple[dict[int, int], int]:
        store = Store(url, settings=Settings(env="test", database_url=url))
        try:
            with store.read() as conn:
                versions = dict(conn.execute(select(notices.c.id, notices.c.version)).all())
                events = conn.execute(select(func.count()).select_from(notice_events))
                return {int(k): int(v) for k, v in versions.items()}, int(events.scalar_one())
        finally:
            store.close()

    notices_before = seeded()
    second = run(tmp_path, "demo", "--people", "30", "--documents", "3000")
    assert second.returncode == 0, second.stderr
    # An unchanged second run created no notice and moved none.
    assert seeded() == notices_before
    store = Store(url, settings=Settings(env="test", database_url=url))
    try:
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(users)).scalar_one() == 12
            assert (
                conn.execute(select(func.count()).select_from(persons)).scalar_one()
                == 6 * 30 + len(FEATURED) + ADDED_PERSONS
            )
            # An unchanged second run rewrote no record.
            assert set(conn.execute(select(persons.c.version)).scalars()) == {1}
            documents = conn.execute(
                select(func.count()).select_from(travel_documents)
            ).scalar_one()
            assert documents == 3000
            # A notice of every kind in every state.
            seen = {tuple(r) for r in conn.execute(select(notices.c.kind, notices.c.state))}
            assert {(k.value, s.value) for k, s in product(NoticeKind, NoticeState)} <= seen
    finally:
        store.close()
    assert (tmp_path / "var" / "demo-credentials.json").stat().st_mode & 0o077 == 0
    assert (tmp_path / "var" / "demo-keys" / "passphrase").stat().st_mode & 0o077 == 0
    assert (tmp_path / "var" / "demo-second-factor.json").stat().st_mode & 0o077 == 0
    # Open hits (one escalated) and message threads, made once.
    assert "Open hits: 6 (one past its deadline" in first.stdout
    assert "message threads between NCBs: 2" in second.stdout
    from concord.store.tables import hits, message_attachments, messages

    store = Store(url, settings=Settings(env="test", database_url=url))
    try:
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(hits)).scalar_one() == 6
            assert conn.execute(select(func.count()).select_from(messages)).scalar_one() == 6
            (sha256,) = conn.execute(select(message_attachments.c.sha256)).scalars()
        assert (tmp_path / "var" / "attachments" / sha256[:2] / sha256).is_file()
        with store.read() as conn:
            escalated = (
                select(func.count()).select_from(hits).where(hits.c.escalated_at.is_not(None))
            )
            assert conn.execute(escalated).scalar_one() == 1
    finally:
        store.close()


def test_import_public_notices_and_sweep(tmp_path: Path) -> None:
    import json

    assert run(tmp_path, "db", "upgrade").returncode == 0
    record = {
        "entity_id": "2019/40512",
        "forename": "IVAN",
        "name": "PETROV",
        "date_of_birth": "1981/03/14",
        "nationalities": ["RU"],
        "arrest_warrants": [{"charge": "Fraud", "issuing_country_id": "RU"}],
    }
    bad = {**record, "entity_id": "2019/1", "arrest_warrants": []}
    source = tmp_path / "red.jsonl"
    source.write_text(json.dumps(record) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    first = run(tmp_path, "import", "public-notices", str(source))
    assert first.returncode == 1, first.stderr  # one rejected
    assert "1 written" in first.stderr and "line 2" in first.stderr
    again = run(tmp_path, "import", "public-notices", str(source))
    assert "0 written, 1 unchanged" in again.stderr
    missing = run(tmp_path, "import", "public-notices", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    swept = run(tmp_path, "notices", "sweep", "--today", "2040-01-01")
    assert swept.returncode == 0 and "expired 1" in swept.stderr
    assert run(tmp_path, "notices", "sweep", "--today", "someday").returncode == 2
