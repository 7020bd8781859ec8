"""Secure messages end to end, and how soon a hit reaches the owner's event stream.

(a) messages with 10 KB bodies: sealed on the sender's side (sign, encrypt for two
recipients), sent through ``services.messages.send`` (signature verified against
the directory, stored), then read by a recipient from its event stream and inbox
and opened; messages/s and p50/p99 a message. BASELINE: the same bodies stored as
plain rows, one transaction each (what the platform would do with no crypto and
no checks).

(b) hit notification latency: a frontline check that hits (a red notice's subject)
until the owner NCB's event stream query returns the ``hit.new`` event, polled every
5 ms from another thread; p50 / p99.

    .venv/bin/python bench/messages.py --messages 500 --hits 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import (
    Report,
    console,
    machine_line,
    open_store,
    percentiles,
    publish_red_notice,
    revision,
    show,
    sqlite_fresh,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--hits", type=int, default=100)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}")
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(sqlite_fresh(Path(tmp) / "messages.db"), fresh=True)
        rows += bench_messages(store, Path(tmp), args.messages)
        rows += bench_hits(store, args.hits)
        store.close()
    show(
        out,
        [
            Report(
                "Secure messages and hit notifications (SQLite)",
                ["case", "per second", "detail"],
                rows,
            )
        ],
        args.markdown,
    )


def bench_messages(store: Any, tmp: Path, count: int) -> list[list[str]]:
    from sqlalchemy import insert

    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.principal import Principal
    from concord.messaging import keys
    from concord.messaging.envelope import Envelope, open_envelope, seal
    from concord.services import events, key_directory, messages
    from concord.services.messages import SendInput
    from concord.store.tables import messages as messages_table

    staff = {
        c: Principal(n, f"ncb.{c.lower()}", Role.NCB, c, MembershipStatus.MEMBER)
        for n, c in enumerate(("FRA", "DEU", "USA"), start=1)
    }
    pairs = {c: keys.generate(tmp / c, c, "bench passphrase 123") for c in staff}
    for c, pair in pairs.items():
        key_directory.register(store, staff[c], pair.public().as_json())
    body = os.urandom(5 * 1024).hex().encode()  # 10 KB
    recipients = [pairs["DEU"].public(), pairs["USA"].public()]
    times = []
    cursor = 0
    started = time.perf_counter()
    for n in range(count):
        t0 = time.perf_counter()
        envelope = seal(pairs["FRA"], recipients, body, message_id=f"bench-{n:08d}", created="t")
        messages.send(store, staff["FRA"], SendInput(envelope=envelope.as_json()))
        told = events.fetch(store, staff["DEU"], cursor)
        cursor = told[-1]["id"]
        got = messages.get(store, staff["DEU"], told[-1]["message_id"])
        opened = open_envelope(
            Envelope.from_json(got["envelope"]), pairs["DEU"], pairs["FRA"].public()
        )
        assert opened == body
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    p50, p99 = percentiles(times, [50, 99])
    plain = []
    for n in range(count):
        t0 = time.perf_counter()
        with store.write() as conn:
            conn.execute(
                insert(messages_table).values(
                    message_id=f"plain-{n:08d}", thread_id="t", sender="FRA", sent_by="x",
                    recipients=["DEU", "USA"], priority="normal", handling=[], links=[],
                    envelope={"body": body.decode()}, envelope_sha256="0" * 64,
                    sent_at=dt.datetime.now(dt.UTC),
                )
            )  # fmt: skip
        plain.append(time.perf_counter() - t0)
    b50, b99 = percentiles(plain, [50, 99])
    return [
        [
            "(a) 10 KB message: seal, send, told, fetched, opened",
            f"{count / total:,.0f}",
            f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms ({count:,} messages, 2 recipients)",
        ],
        [
            "BASELINE: the same bodies stored as plain rows",
            f"{count / sum(plain):,.0f}",
            f"p50 {b50 * 1e3:.1f} ms, p99 {b99 * 1e3:.1f} ms",
        ],
    ]


def bench_hits(store: Any, count: int) -> list[list[str]]:
    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.principal import Principal
    from concord.index.names import PersonNameIndex
    from concord.services import events
    from concord.services.person_checks import PersonChecker

    deu = Principal(2, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
    gs = Principal(9, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)
    officer = Principal(7, "border.fra", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)
    publish_red_notice(store, deu, gs)
    index = PersonNameIndex(store)
    index.load()
    checker = PersonChecker(store, index, store.settings)
    cursor = max([e["id"] for e in events.fetch(store, deu, 0, limit=100_000)] or [0])
    latencies = []
    for _ in range(count):
        seen = threading.Event()
        found: list[float] = []
        watcher = threading.Thread(target=_watch, args=(store, deu, cursor, seen, found))
        watcher.start()
        start = time.perf_counter()
        answer = checker.check_one(officer, {"name": "BENALI, Karim", "dob": "1985-06-01"})
        assert answer.get("hit_id")
        seen.wait(10)
        watcher.join()
        latencies.append(found[0] - start)
        cursor = max(e["id"] for e in events.fetch(store, deu, cursor))
    p50, p99 = percentiles(latencies, [50, 99])
    return [
        [
            "(b) hit: check to the owner's event stream",
            f"{1 / p50:,.0f}",
            f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms "
            f"({count} hits; stream polled every 5 ms)",
        ]
    ]


def _watch(store: Any, ncb: Any, after: int, seen: threading.Event, found: list[float]) -> None:
    """The owner's stream consumer: poll for the hit's event, note when it arrives."""
    from concord.services import events

    while not seen.is_set():
        if any(e["kind"] == "hit.new" for e in events.fetch(store, ncb, after)):
            found.append(time.perf_counter())
            seen.set()
            return
        time.sleep(0.005)


if __name__ == "__main__":
    main()
