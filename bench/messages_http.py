"""Secure messages and hit notifications over HTTP, against a real ``concord serve``.

(c) messages end to end: the sender's client seals the letter (and its file),
uploads the file as a stream, sends; the recipient's stream consumer (a real SSE
connection) hears ``message.new``; the recipient fetches, verifies and opens the
message, downloads the file and opens it against the signed digest. With 10 KB
bodies and with 10 MB attachments. BASELINE: the same 10 MB file through the same
upload, message and download, but not sealed or opened (what transport and
storage cost without the encryption).

(d) hit notification latency: a frontline officer's ``POST /checks/persons`` that
hits a red notice's subject, until the owner NCB's SSE consumer receives
``hit.new``. BASELINE: the same with the stream's wake-up turned off
(``CONCORD_EVENT_STREAM_WAKEUP=false``: the stream finds events at its 0.2 s poll).

(e) the same on PostgreSQL with two worker processes (``--postgres``).

    .venv/bin/python bench/messages_http.py --small 200 --large 10 --hits 50 --postgres
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from common import (
    Report,
    console,
    machine_line,
    open_store,
    percentiles,
    publish_red_notice,
    revision,
    show,
)

PASSPHRASE = "bench passphrase 123"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200, help="10 KB messages")
    parser.add_argument("--large", type=int, default=10, help="messages with a 10 MB file")
    parser.add_argument("--hits", type=int, default=50)
    parser.add_argument("--postgres", action="store_true", help="also (e) on PostgreSQL")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = open_store(f"sqlite:///{tmp / 'http.db'}", fresh=True)
        world = _world(store, tmp)
        env = {"CONCORD_ATTACHMENTS_DIR": str(tmp / "attachments")}
        rows: list[list[str]] = []
        with _server(store, tmp, env) as base:
            rows += bench_messages(base, world, tmp, args.small, args.large)
            rows += bench_hits(
                base, world, _last_event(store), args.hits, "(d) hit: check → owner's SSE consumer"
            )
        with _server(store, tmp, {**env, "CONCORD_EVENT_STREAM_WAKEUP": "false"}) as base:
            rows += bench_hits(
                base, world, _last_event(store), args.hits, "BASELINE: streams that only poll"
            )
        store.close()
        reports = [
            Report(
                "Secure messages and hit notifications over HTTP (SQLite, one server process)",
                ["case", "per second", "detail"],
                rows,
            )
        ]
        if args.postgres:
            reports.append(bench_postgres(tmp, args.hits))
    show(out, reports, args.markdown)


def bench_postgres(tmp: Path, hits: int) -> Report:
    """(e) the hit latency with two worker processes on PostgreSQL: the check and the
    owner's stream are often served by different workers, which hear of each other's
    events through NOTIFY. BASELINE: the same with streams that only poll."""
    from common import PG_URL, pg_reset_schema, pg_schema_url

    schema = "bench_messages_http"
    pg_reset_schema(PG_URL, schema)
    store = open_store(pg_schema_url(PG_URL, schema), fresh=True)
    try:
        world = _world(store, tmp / "pg")
        env = {"CONCORD_ATTACHMENTS_DIR": str(tmp / "pg-attachments")}
        rows = []
        for label, extra in (
            ("(e) hit: check → owner's SSE consumer, 2 workers", {}),
            (
                "BASELINE: streams that only poll, 2 workers",
                {"CONCORD_EVENT_STREAM_WAKEUP": "false"},
            ),
        ):
            with _server(store, tmp, {**env, **extra}, workers=2) as base:
                rows += bench_hits(base, world, _last_event(store), hits, label)
    finally:
        store.close()
        pg_reset_schema(PG_URL, schema, create=False)
    return Report(
        "Hit notifications on PostgreSQL, two worker processes",
        ["case", "per second", "detail"],
        rows,
    )


def _world(store: Any, tmp: Path) -> dict[str, Any]:
    """Staff tokens of FRA, DEU and a frontline officer; keys registered; a published red
    notice owned by DEU whose subject the checks hit."""
    from concord.domain.enums import Role
    from concord.domain.principal import SYSTEM
    from concord.messaging import keys
    from concord.services import auth, key_directory, users

    tokens, principals = {}, {}
    for name, role, country in (
        ("ncb.fra", Role.NCB, "FRA"),
        ("ncb.deu", Role.NCB, "DEU"),
        ("border.fra", Role.FRONTLINE, "FRA"),
        ("gs.lyon", Role.GS, "XPO"),
    ):
        view = users.create_user(
            store, SYSTEM, username=name, role=role.value, country=country, password=None
        )
        _, tokens[name], _ = auth.issue_token(store, SYSTEM, view.id)
        principals[name] = auth.resolve(store, tokens[name])
    pairs = {}
    for country in ("FRA", "DEU"):
        pairs[country] = keys.generate(tmp / "keys" / country, country, PASSPHRASE)
        key_directory.register(
            store, principals[f"ncb.{country.lower()}"], pairs[country].public().as_json()
        )
    publish_red_notice(store, principals["ncb.deu"], principals["gs.lyon"])
    store.audit.flush()
    return {"tokens": tokens, "pairs": pairs}


@contextlib.contextmanager
def _server(store: Any, cwd: Path, extra: dict[str, str], workers: int = 1) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "CONCORD_DATABASE_URL": store.url,
        "CONCORD_ENV": "test",
        "CONCORD_SECRET_KEY": store.settings.secret_key,
        **extra,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "concord", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


class Consumer(threading.Thread):
    """A real SSE connection: each event of ``kinds`` is put on the queue with the
    moment it arrived."""

    def __init__(self, base: str, token: str, kinds: set[str], after: int = 0):
        super().__init__(daemon=True)
        self.after = after
        self.base, self.token, self.kinds = base, token, kinds
        self.arrived: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.ready = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        last = self.after
        with httpx.Client(base_url=self.base, headers=headers, timeout=None) as client:
            while not self.stop.is_set():
                with client.stream("GET", f"/events/stream?after={last}") as response:
                    self.ready.set()
                    kind = ""
                    for line in response.iter_lines():
                        if self.stop.is_set():
                            return
                        if line.startswith("event: "):
                            kind = line[7:]
                        elif line.startswith("data: "):
                            event = json.loads(line[6:])
                            last = event["id"]
                            if kind in self.kinds:
                                self.arrived.put((time.perf_counter(), event))


def bench_messages(
    base: str, world: dict[str, Any], tmp: Path, small: int, large: int
) -> list[list[str]]:
    from concord.messaging.client import MessagingClient

    pairs, tokens = world["pairs"], world["tokens"]
    consumer = Consumer(base, tokens["ncb.deu"], {"message.new"})
    consumer.start()
    consumer.ready.wait(30)
    body = os.urandom(5 * 1024).hex()  # 10 KB of text
    big = tmp / "evidence.bin"
    big.write_bytes(os.urandom(10 * 1024 * 1024))
    rows = []
    with (
        MessagingClient(base, tokens["ncb.fra"]) as sender,
        MessagingClient(base, tokens["ncb.deu"]) as recipient,
    ):
        for label, count, files in (
            ("(c) 10 KB message: seal, send, SSE, fetch, verify, open", small, []),
            ("(c) message with a 10 MB file, sealed and opened", large, [big]),
        ):
            times = []
            started = time.perf_counter()
            for n in range(count):
                t0 = time.perf_counter()
                sender.send(pairs["FRA"], ["DEU"], subject="bench", body=body, files=files)
                _, event = consumer.arrived.get(timeout=60)
                message = recipient.message(event["message_id"])
                opened = recipient.open(message, pairs["DEU"])
                assert opened.letter is not None, opened.refused
                for attached in opened.letter.attachments:
                    saved = recipient.save_attachment(
                        message["message_id"], attached, tmp / "received" / str(n)
                    )
                    assert saved.stat().st_size == attached.size
                    saved.unlink()
                times.append(time.perf_counter() - t0)
            total = time.perf_counter() - started
            p50, p99 = percentiles(times, [50, 99])
            mb = f", {count * 10 / total:.0f} MB/s of file" if files else ""
            rows.append(
                [
                    label,
                    f"{count / total:,.1f}",
                    f"p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms ({count} messages{mb})",
                ]
            )
        rows.append(_baseline_large(base, world, tmp, big, large, consumer, sender, recipient))
    consumer.stop.set()
    return rows


def _baseline_large(
    base: str,
    world: dict[str, Any],
    tmp: Path,
    big: Path,
    count: int,
    consumer: Consumer,
    sender: Any,
    recipient: Any,
) -> list[str]:
    """The same path with the file neither sealed nor opened."""
    import hashlib

    from concord.messaging.attachments import SealedAttachment
    from concord.messaging.client import new_message_id
    from concord.messaging.envelope import seal

    pairs = world["pairs"]
    times = []
    started = time.perf_counter()
    for n in range(count):
        t0 = time.perf_counter()
        data = big.read_bytes() + n.to_bytes(4, "big")  # a new file each time
        digest = hashlib.sha256(data).hexdigest()
        sender.http.post(
            "/attachments", content=data, headers={"Content-Type": "application/octet-stream"}
        ).raise_for_status()
        blob = SealedAttachment(b"", digest, len(data), len(data))
        envelope = seal(
            pairs["FRA"], [pairs["DEU"].public()], b"plain", message_id=new_message_id("FRA"),
            created="t", attachments=[blob],
        )  # fmt: skip
        sender.post(envelope)
        _, event = consumer.arrived.get(timeout=60)
        target = tmp / "plain.bin"
        path = f"/messages/{event['message_id']}/attachments/{digest}"
        with recipient.http.stream("GET", path) as response, target.open("wb") as sink:
            for block in response.iter_bytes(1024 * 1024):
                sink.write(block)
        assert target.stat().st_size == len(data)
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    p50, p99 = percentiles(times, [50, 99])
    return [
        "BASELINE: the 10 MB file neither sealed nor opened",
        f"{count / total:,.1f}",
        f"p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms ({count} messages, "
        f"{count * 10 / total:.0f} MB/s of file)",
    ]


def _last_event(store: Any) -> int:
    from sqlalchemy import func, select

    from concord.store.tables import events

    with store.read() as conn:
        return int(conn.execute(select(func.max(events.c.id))).scalar_one() or 0)


def bench_hits(
    base: str, world: dict[str, Any], after: int, count: int, label: str
) -> list[list[str]]:
    tokens = world["tokens"]
    consumer = Consumer(base, tokens["ncb.deu"], {"hit.new"}, after)
    consumer.start()
    consumer.ready.wait(30)
    query = {"name": "BENALI, Karim", "dob": "1985-06-01"}
    latencies = []
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {tokens['border.fra']}"}
    ) as officer:
        for _ in range(count):
            start = time.perf_counter()
            answer = officer.post("/checks/persons", json=query)
            assert answer.status_code == 200 and answer.json().get("hit_id"), answer.text
            arrived, _ = consumer.arrived.get(timeout=30)
            latencies.append(arrived - start)
            time.sleep(0.05)  # checks spaced out: each hit meets a waiting stream
    consumer.stop.set()
    p50, p99 = percentiles(latencies, [50, 99])
    return [
        [
            label,
            f"{1 / p50:,.0f}",
            f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms ({count} hits)",
        ]
    ]


if __name__ == "__main__":
    main()
