"""The identifier index follows the change log: another process's writes are found in a second."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.index.identifiers import IdentifierIndex
from concord.services import objects
from concord.services.checks import Checker
from concord.store import Store
from concord.store.kinds import DOCUMENT

DEU = Principal(0, "ncb", Role.NCB, "DEU", MembershipStatus.MEMBER)
OFFICER = Principal(0, "officer", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)

_WRITER = """
import sys, time
from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.services import objects
from concord.settings import Settings
from concord.store import Store
from concord.store.kinds import DOCUMENT
url = sys.argv[1]
store = Store(url, settings=Settings(env="test", database_url=url))
ncb = Principal(0, "ncb", Role.NCB, "DEU", MembershipStatus.MEMBER)
record = {"number": sys.argv[2], "issuing_country": "DEU", "status": "stolen"}
objects.create(store, ncb, DOCUMENT, record)
print(time.time(), flush=True)
store.close()
"""


def _doc(number: str) -> dict[str, str]:
    return {"document": {"number": number, "issuing_country": "DEU"}}


@pytest.mark.slow
def test_a_record_written_by_another_process_is_found_within_a_second(
    store: Store, tmp_path: Path
) -> None:
    index = IdentifierIndex(store, poll_interval=0.2)
    index.start()
    try:
        checker = Checker(store, index)
        assert checker.check_one(OFFICER, _doc("X12345678"))["hit"] is False
        script = tmp_path / "writer.py"
        script.write_text(_WRITER)
        done = subprocess.run(
            [sys.executable, str(script), store.url, "X12345678"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        written_at = float(done.stdout.strip())
        while not checker.check_one(OFFICER, _doc("X12345678"))["hit"]:
            assert time.time() - written_at < 1.0, "not found within a second"
            time.sleep(0.01)
    finally:
        index.stop()


def test_index_loads_what_is_stored_and_refresh_adds_the_rest(store: Store) -> None:
    objects.create(
        store, DEU, DOCUMENT, {"number": "A1111111", "issuing_country": "DEU", "status": "lost"}
    )
    index = IdentifierIndex(store)
    index.load()
    assert index.keys.maybe("D|DEU|A1111111")
    objects.create(
        store, DEU, DOCUMENT, {"number": "A2222222", "issuing_country": "DEU", "status": "lost"}
    )
    assert not index.keys.maybe("D|DEU|A2222222")
    assert index.refresh() == 1
    assert index.keys.maybe("D|DEU|A2222222")


def test_a_miss_touches_no_database(store: Store) -> None:
    objects.create(
        store, DEU, DOCUMENT, {"number": "A1111111", "issuing_country": "DEU", "status": "lost"}
    )
    index = IdentifierIndex(store)
    index.load()
    checker = Checker(store, index)
    statements: list[str] = []
    me = threading.get_ident()

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.get_ident() == me:  # not the audit writer's own thread
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        for number in ("B1", "A1111112", "ZZ99"):
            assert checker.check_one(OFFICER, _doc(number))["hit"] is False
        assert statements == []
        assert checker.check_one(OFFICER, _doc("A1111111"))["hit"] is True
        assert statements  # a maybe is confirmed against the store
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
