"""A real server SIGKILLed while messages are sent and delivered, then restarted: every
message is stored once, reaches the event stream and the webhook, none twice after dedup.

Everything is real: ``concord serve`` in a subprocess, HTTP clients, and a national
system's webhook endpoint (``ThreadingHTTPServer``) that verifies the signature,
refuses 30% of first attempts (so retries are pending at the kill) and
deduplicates by ``Idempotency-Key``. Each round sends ``MESSAGES`` sealed messages
from three sender threads that retry the same envelope on any transport error or
5xx, kills the server at a seeded random moment, restarts it on the same port and
database, waits for every delivery, and checks the round. The moment is drawn per
round: either while sends are in flight (once a random number of them has been
answered), or within a second after the last send was answered, while refused
webhook deliveries wait for their retry (the backoff's first step is 1 s). A fixed
window of time would not do: sending thirty takes 0.3 s on SQLite and over 1 s on
PostgreSQL under load.

Twenty kills in all, ten per backend, rather than one test per seed: a server takes
about 12 s of one core to start (the name index warms rigour's tagger), so every
kill costs a restart. Each backend's test runs two lanes side by side (the store
fixture's database and a sibling one, each with its own server) of five seeded
rounds, the restarts of one lane overlapping the other's on the second core.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import func, select

from concord.domain.countries import current_members
from concord.domain.enums import Role
from concord.messaging.envelope import seal
from concord.messaging.keys import PrivateKeys
from concord.services import key_directory, webhooks
from concord.services.webhooks import WebhookInput
from concord.store import Store, countries_repo
from concord.store.migrate import upgrade
from concord.store.tables import events, messages, webhook_outbox
from tests.conftest import PG_URL, make_actor, settings_for
from tests.live_server import free_port

LANES = 2  # servers side by side, each on its own database
ROUNDS = 5  # kills per lane: ten per backend, twenty in all
MESSAGES = 30  # per round
SENDERS = 3
REFUSED_FIRST = 0.3  # share of first webhook attempts the national system answers 500
RETRY_WINDOW = 1.0  # a kill after the last send: within this many seconds of it
WAIT = 90.0  # bound on every wait; a server start takes ~12 s, more under load


def _wait_for(
    done: Callable[[], bool], what: Callable[[], str], timeout: float = WAIT, poll: float = 0.05
) -> None:
    """Poll ``done`` until true; fail saying ``what()`` is missing after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout:.0f} s: {what()}")
        time.sleep(poll)


class NationalSystem(ThreadingHTTPServer):
    """A webhook consumer that applies each Idempotency-Key once."""

    daemon_threads = True

    def __init__(self, seed: str) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.seed = seed
        self.secret = ""
        self.lock = threading.Lock()
        self.received = 0
        self.refused = 0
        self.attempted: set[str] = set()
        self.applied: dict[str, str] = {}  # Idempotency-Key -> message id
        self.bodies: dict[str, bytes] = {}
        self.redelivered = 0  # already applied, answered 200 again without applying
        self.cut_short = 0  # requests whose body never arrived whole
        self.problems: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/concord"

    def consume(self, key: str, signature: str, body: bytes) -> int:
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        with self.lock:
            self.received += 1
            if not hmac.compare_digest(signature, expected):
                self.problems.append(f"bad signature on {key}")
                return 401
            if key not in self.attempted:
                self.attempted.add(key)
                if random.Random(f"{self.seed}:{key}").random() < REFUSED_FIRST:
                    self.refused += 1
                    return 500
            if key in self.applied:
                self.redelivered += 1
                if self.bodies[key] != body:
                    self.problems.append(f"{key} redelivered with another body")
                return 200
            self.applied[key] = str(json.loads(body)["message_id"])
            self.bodies[key] = body
            return 200

    def messages(self) -> list[str]:
        """The message id of each event applied."""
        with self.lock:
            return list(self.applied.values())

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the platform hung up (killed mid-request): it will try again


class _Hook(BaseHTTPRequestHandler):
    server: NationalSystem

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        if len(body) < length:  # the platform was killed while posting: nothing to answer
            with self.server.lock:
                self.server.cut_short += 1
            self.close_connection = True
            return
        status = self.server.consume(
            self.headers.get("Idempotency-Key", ""),
            self.headers.get("X-Concord-Signature", ""),
            body,
        )
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class Stream(threading.Thread):
    """The recipient's event stream, resumed with Last-Event-ID after every break."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(name="crash-stream", daemon=True)
        self.base = base
        self.token = token
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.last_id = 0
        self.seen: Counter[str] = Counter()  # message id -> message.new events received
        self.reconnects = 0
        self.problems: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=10) as client:
            while not self.stop.is_set():
                try:
                    self._follow(client)
                except httpx.HTTPError:
                    self.stop.wait(0.1)  # killed or not up yet: resume where we were
                self.reconnects += 1

    def _follow(self, client: httpx.Client) -> None:
        resume = {"Last-Event-ID": str(self.last_id)}
        with client.stream("GET", "/events/stream?idle=1", headers=resume) as response:
            if response.status_code != 200:
                if response.status_code < 500:
                    self.problems.append(f"stream answered {response.status_code}")
                self.stop.wait(0.1)
                return
            fields: dict[str, str] = {}
            for line in response.iter_lines():
                if self.stop.is_set():
                    return
                if line.startswith(":"):
                    continue
                if line:
                    name, _, value = line.partition(": ")
                    fields[name] = value
                    continue
                if "id" in fields:
                    self._event(int(fields["id"]), fields.get("event", ""), fields["data"])
                fields = {}

    def _event(self, event_id: int, kind: str, data: str) -> None:
        with self.lock:
            if event_id <= self.last_id:
                self.problems.append(f"event {event_id} after {self.last_id}: repeated")
            self.last_id = max(self.last_id, event_id)
            if kind == "message.new":
                self.seen[str(json.loads(data)["message_id"])] += 1


class Server:
    """``concord serve`` on one port and database, started again after each kill."""

    def __init__(self, store: Store, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.env = {
            **os.environ,
            "CONCORD_DATABASE_URL": store.url,
            "CONCORD_ENV": "test",
            "CONCORD_SECRET_KEY": store.settings.secret_key,
            # Post the outbox often; retries then follow the backoff (1 s after a 500).
            "CONCORD_WEBHOOK_INTERVAL": "0.1",
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.workdir / f"server-{self.starts}.log"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "concord", "serve", "--port", str(self.port)],
                env=self.env,
                cwd=self.workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, (
                f"the server exited; see {self.workdir}/server-{self.starts}.log"
            )
            try:
                return httpx.get(f"{self.base}/health", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        _wait_for(up, lambda: f"{self.workdir.name}: start {self.starts} not answering /health")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


def _send(
    base: str,
    token: str,
    bodies: list[dict[str, Any]],
    acked: dict[str, int],
    stop: threading.Event,
) -> None:
    """Post each body until it is stored, retrying the same envelope while the server is
    down or failing; a 4xx is recorded and not retried."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        for body in bodies:
            message_id = body["envelope"]["header"]["message_id"]
            while not stop.is_set():
                try:
                    answer = client.post("/messages", json=body)
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                if answer.status_code >= 500:
                    time.sleep(0.05)
                    continue
                acked[message_id] = answer.status_code
                break


def _undelivered(store: Store) -> tuple[int, int]:
    """Outbox entries not yet delivered: (never tried, refused and waiting to be retried)."""
    with store.read() as conn:
        rows = conn.execute(
            select(webhook_outbox.c.attempts).where(webhook_outbox.c.delivered_at.is_(None))
        ).all()
    retrying = sum(1 for (attempts,) in rows if attempts > 0)
    return len(rows) - retrying, retrying


class Lane:
    """One server on one database: rounds of sending through a kill and a restart."""

    def __init__(self, store: Store, workdir: Path, name: str, abort: threading.Event) -> None:
        workdir.mkdir()
        self.store = store
        self.name = name
        self.abort = abort  # set when any lane fails: the others stop too
        fra = make_actor(store, "ncb.fra", Role.NCB, "FRA")
        deu = make_actor(store, "ncb.deu", Role.NCB, "DEU")
        self.token, self.recipient_token = fra.token, deu.token
        self.sender = PrivateKeys("FRA", Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        self.recipient = PrivateKeys(
            "DEU", Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        )
        key_directory.register(store, fra.principal, self.sender.public().as_json())
        key_directory.register(store, deu.principal, self.recipient.public().as_json())
        self.national = NationalSystem(seed=name)
        self.hook = webhooks.register(
            store,
            deu.principal,
            WebhookInput(url=self.national.url, kinds=["message.new", "hit.new"]),
        )
        self.national.secret = self.hook["secret"]
        self.server = Server(store, workdir)
        self.stream = Stream(self.server.base, deu.token)
        self.sent: dict[str, dict[str, Any]] = {}  # message id -> the envelope posted
        self.acked: dict[str, int] = {}  # message id -> the status that ended its retries
        self.senders: list[threading.Thread] = []
        self.stop = threading.Event()
        self.inbox: list[str] = []

    def run(self) -> None:
        """Every round, then the recipient's inbox through the API; stops everything."""
        threading.Thread(target=self.national.serve_forever, daemon=True).start()
        try:
            self.server.start()
            self.server.wait_ready()
            self.stream.start()
            for round_no in range(ROUNDS):
                if self.abort.is_set():
                    return
                self.round(f"{self.name}:{round_no}", f"fra-{round_no:02d}")
            self.inbox = _inbox(self.server.base, self.recipient_token)
            replays = sum(1 for status in self.acked.values() if status == 200)
            print(
                f"lane {self.name}: {self.national.received} webhook posts, "
                f"{self.national.refused} refused, {self.national.redelivered} repeated, "
                f"{self.national.cut_short} cut short, "
                f"{self.stream.reconnects} stream connections tried, {replays} sends answered 200"
            )
        except BaseException:
            self.abort.set()
            raise
        finally:
            self.stop.set()  # the senders of the last round, if still retrying
            self.stream.stop.set()
            self.server.stop()
            for thread in self.senders:
                thread.join(timeout=WAIT)
            if self.stream.is_alive():
                self.stream.join(timeout=WAIT)
            self.national.shutdown()
            self.national.server_close()

    def round(self, seed: str, prefix: str) -> None:
        """Send a round's messages, SIGKILL the server at a seeded moment, restart it,
        and wait until each message is stored, streamed and taken by the webhook."""
        rng = random.Random(seed)
        ids = [f"{prefix}-{i:03d}" for i in range(MESSAGES)]
        bodies: list[dict[str, Any]] = []
        for message_id in ids:
            envelope = seal(
                self.sender,
                [self.recipient.public()],
                rng.randbytes(rng.randint(100, 10_000)),
                message_id=message_id,
                created="2026-11-23T19:45Z",
            ).as_json()
            self.sent[message_id] = envelope
            bodies.append({"envelope": envelope, "priority": rng.choice(["urgent", "normal"])})
        mid_send = rng.random() < 0.5
        answered_before = rng.randint(0, MESSAGES - SENDERS) if mid_send else MESSAGES
        delay = rng.uniform(0, 0.02) if mid_send else rng.uniform(0, RETRY_WINDOW)
        self.senders = [
            threading.Thread(
                target=_send,
                args=(self.server.base, self.token, bodies[k::SENDERS], self.acked, self.stop),
            )
            for k in range(SENDERS)
        ]

        def answered() -> int:
            return sum(1 for m in ids if m in self.acked)

        for thread in self.senders:
            thread.start()
        _wait_for(
            lambda: answered() >= answered_before,
            lambda: f"round {seed}: {answered()} of {answered_before} sends answered",
            poll=0.002,
        )
        time.sleep(delay)
        self.server.kill()
        fresh, retrying = _undelivered(self.store)
        print(
            f"round {seed}: killed {delay:.3f} s after {answered_before} sends were answered, "
            f"with {MESSAGES - answered()} in flight, {fresh} webhook deliveries never tried "
            f"and {retrying} waiting for a retry"
        )
        self.server.start()
        self.server.wait_ready()
        for thread in self.senders:
            thread.join(timeout=WAIT)
        assert all(m in self.acked for m in ids), f"round {seed}: sends never answered"
        refused = {m: s for m in ids if (s := self.acked[m]) not in (200, 201)}
        assert not refused, f"round {seed}: a retried envelope was refused: {refused}"
        seen, applied = self.stream.seen, self.national.messages
        _wait_for(
            lambda: all(seen[m] for m in ids),
            lambda: f"round {seed}: the stream lacks {[m for m in ids if not seen[m]]}",
        )
        _wait_for(
            lambda: set(ids) <= set(applied()) and _undelivered(self.store) == (0, 0),
            lambda: (
                f"round {seed}: the webhook lacks {sorted(set(ids) - set(applied()))}"
                f", outbox (never tried, retrying): {_undelivered(self.store)}"
            ),
        )

    def check(self) -> None:
        """After every round: each message stored, announced, streamed and applied once."""
        sent = self.sent
        with self.store.read() as conn:
            stored = conn.execute(select(messages.c.message_id, messages.c.envelope)).all()
            announced = [
                str(payload["message_id"])
                for (payload,) in conn.execute(
                    select(events.c.payload).where(
                        events.c.kind == "message.new", events.c.country == "DEU"
                    )
                )
            ]
            owed = conn.execute(
                select(func.count())
                .select_from(webhook_outbox)
                .where(webhook_outbox.c.webhook_id == self.hook["id"])
            ).scalar_one()
        where = f"lane {self.name}"
        assert _once_each([m for m, _ in stored], sent) == {}, f"{where}: one row per message"
        assert [m for m, env in stored if env != sent[m]] == [], f"{where}: another envelope"
        assert _once_each(announced, sent) == {}, f"{where}: one message.new per message"
        assert owed == len(sent), f"{where}: one outbox entry per event"
        applied = self.national.messages()
        assert _once_each(applied, sent) == {}, f"{where}: the webhook applied each once"
        assert self.national.problems == [], where
        assert _once_each(self.stream.seen, sent) == {}, f"{where}: the stream told each"
        assert self.stream.problems == [], where
        assert _once_each(self.inbox, sent) == {}, f"{where}: the inbox lists each once"


@contextmanager
def _sibling(store: Store, workdir: Path) -> Iterator[Store]:
    """An empty database on the same backend as ``store``: a SQLite file or a schema."""
    schema = None
    if store.is_sqlite:
        url = f"sqlite:///{workdir / 'sibling.db'}"
    else:
        schema = f"concord_crash_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    sibling = Store(url, settings=settings_for(url))
    try:
        upgrade(sibling)
        with sibling.write() as conn:
            countries_repo.seed(conn, current_members())
        yield sibling
    finally:
        sibling.close()
        if schema is not None:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _inbox(base: str, token: str) -> list[str]:
    """The recipient's inbox through the API, page by page."""
    found: list[str] = []
    cursor: int | None = 0
    while cursor is not None:
        page = httpx.get(
            f"{base}/messages",
            params={"box": "in", "limit": 40, "cursor": cursor},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert page.status_code == 200, page.text
        found += [m["message_id"] for m in page.json()["items"]]
        cursor = page.json()["next_cursor"]
    return found


def _once_each(found: Iterable[str], expected: Iterable[str]) -> dict[str, int]:
    """Each expected id with how often it was found, where that is not exactly once."""
    wanted, counts = set(expected), Counter(found)
    return {m: counts[m] for m in wanted | set(counts) if counts[m] != 1 or m not in wanted}


@pytest.mark.slow
def test_sigkill_loses_and_repeats_no_message(store: Store, backend: str, tmp_path: Path) -> None:
    abort = threading.Event()
    with _sibling(store, tmp_path) as sibling:
        lanes = [
            Lane(db, tmp_path / f"lane-{n}", f"{backend}-{n}", abort)
            for n, db in enumerate([store, sibling][:LANES])
        ]
        with ThreadPoolExecutor(len(lanes)) as pool:
            runs = [pool.submit(lane.run) for lane in lanes]
        for run in runs:
            run.result()  # a lane's failure, raised here
        for lane in lanes:
            lane.check()
