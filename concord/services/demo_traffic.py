"""Demo traffic: open hits on the featured wanted people (one past its deadline) and
message threads between several NCBs, made through the same services as real ones.

Idempotent: hits are made once (their checks carry ``demo-hit-`` qids); messages
have fixed ids and are sent only when absent. Each demo NCB's keys are made once in
``var/demo-keys`` under a passphrase generated there (mode 600), and registered.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from pathlib import Path

from sqlalchemy import func, select, update

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.index.names import PersonNameIndex
from concord.messaging import keys
from concord.messaging.attachments import SealedAttachment, seal_stream
from concord.messaging.envelope import seal
from concord.messaging.keys import PrivateKeys
from concord.messaging.letter import AttachedFile, Letter
from concord.services import attachments, hit_workflow, key_directory, messages
from concord.services.demo_names import FEATURED
from concord.services.demo_notices import ncb
from concord.services.hit_workflow import Answer
from concord.services.messages import SendInput
from concord.services.person_checks import PersonChecker
from concord.store import Store
from concord.store.tables import hits
from concord.store.tables import messages as messages_table

OFFICER = Principal(0, "demo:border.cdg", Role.FRONTLINE, "FRA", MembershipStatus.MEMBER)
# (message id, sender, recipients, thread, text)
THREADS: tuple[tuple[str, str, tuple[str, ...], str | None, str], ...] = (
    ("demo-fra-000001", "FRA", ("USA", "DEU"), None,
     "HIT at CDG on your red notice: AL JABOURI, MOHAMMED ABDULRAHMAN is held at the "
     "border. Please confirm identity and send the extradition request."),
    ("demo-usa-000001", "USA", ("FRA",), "demo-fra-000001",
     "Confirmed: same person (fingerprints match the file). Provisional arrest requested; "
     "the request follows through diplomatic channels."),
    ("demo-deu-000001", "DEU", ("FRA",), "demo-fra-000001",
     "Noted. Germany has an open investigation on the same network; please share the "
     "seized phone's extraction when you can."),
    ("demo-bra-000001", "BRA", ("NGA", "JPN"), None,
     "Operation Maré: containers from Santos to Lagos and Yokohama flagged; shipping "
     "manifests attached to follow. Police use only."),
    ("demo-nga-000001", "NGA", ("BRA",), "demo-bra-000001",
     "Two containers located at Apapa. Joint inspection proposed for Tuesday."),
    ("demo-bra-000002", "BRA", ("NGA", "JPN"), "demo-bra-000001",
     "The manifests, as promised. Tuesday suits us; our liaison officer lands Monday."),
)  # fmt: skip
SUBJECTS = {
    "demo-fra-000001": "HIT at CDG: subject of your red notice held",
    "demo-bra-000001": "Operation Maré: flagged containers",
}
# Files sealed and attached on the sender's side: (name, media type, content).
ATTACHED = {
    "demo-bra-000002": (
        "manifests-santos.csv",
        "text/csv",
        "container,vessel,port_of_loading,port_of_discharge,declared_goods\n"
        "MSCU4471203,MSC ARIES,BRSSZ,NGAPP,frozen poultry\n"
        "TGHU8830154,MSC ARIES,BRSSZ,NGAPP,machine parts\n"
        "CMAU5519876,ONE HARMONY,BRSSZ,JPYOK,coffee beans\n",
    ),
}


def seed_hits(store: Store, now: dt.datetime | None = None) -> int:
    """Check the featured people's passport spellings as a French border officer; make the
    first hit overdue (escalated), have its owner confirm the second. Returns open hits."""
    with store.read() as conn:
        made = conn.execute(
            select(func.count()).select_from(hits).where(hits.c.query.like('%"demo-hit-%'))
        ).scalar_one()
    if not made:
        index = PersonNameIndex(store)
        index.load()
        checker = PersonChecker(store, index, store.settings)
        items = [
            {"qid": f"demo-hit-{n}", "name": person.typed, "dob": person.dob}
            for n, person in enumerate(FEATURED, start=1)
        ]
        answers = [a for a in checker.check_many(OFFICER, items) if a.get("hit_id")]
        at = now or dt.datetime.now(dt.UTC)
        if answers:  # one hit whose owner has not answered in time
            late = answers[0]["hit_id"]
            with store.write() as conn:
                conn.execute(
                    update(hits)
                    .where(hits.c.id == late)
                    .values(at=at - dt.timedelta(minutes=40), due_at=at - dt.timedelta(minutes=30))
                )
            hit_workflow.escalate(store, at)
        if len(answers) > 1:
            second = answers[1]
            owner = second["candidates"][0]["owner"]
            hit_workflow.answer(store, ncb(owner), second["hit_id"], Answer(answer="confirmed"))
    with store.read() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(hits)
                .where(hits.c.status.in_(("new", "confirmed")))
            ).scalar_one()
        )


def seed_messages(store: Store, directory: Path) -> int:
    """Register each demo NCB's keys (made once) and send the threads; returns threads."""
    countries = sorted({c for _, sender, to, _, _ in THREADS for c in (sender, *to)})
    passphrase = _passphrase(directory)
    pairs = {c: _keys(directory / c, c, passphrase) for c in countries}
    current = {
        k["country"]: k["signing_fingerprint"] for k in key_directory.directory(store, ncb("FRA"))
    }
    for country, pair in pairs.items():
        if current.get(country) != pair.public().signing_fingerprint:
            key_directory.register(store, ncb(country), pair.public().as_json())
    with store.read() as conn:
        sent = set(conn.execute(select(messages_table.c.message_id)).scalars())
    for message_id, sender, to, thread, text in THREADS:
        if message_id in sent:
            continue
        files = []
        if message_id in ATTACHED:
            name, media_type, content = ATTACHED[message_id]
            files.append((name, media_type, _upload(store, sender, content.encode())))
        subject = SUBJECTS.get(message_id) or "Re: " + SUBJECTS.get(thread or "", "")
        letter = Letter(subject, text, [AttachedFile.of(n, t, f) for n, t, f in files])
        envelope = seal(
            pairs[sender],
            [pairs[c].public() for c in to],
            letter.to_bytes(),
            message_id=message_id,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            attachments=[f for _, _, f in files],
        )
        messages.send(
            store,
            ncb(sender),
            SendInput(
                envelope=envelope.as_json(),
                thread_id=thread,
                priority="urgent" if thread is None and sender == "FRA" else "normal",
                handling=["police_use_only"],
            ),
        )
    return len({thread or message_id for message_id, _, _, thread, _ in THREADS})


def _upload(store: Store, sender: str, content: bytes) -> SealedAttachment:
    """Seal a file as the sender's NCB would and hand the ciphertext to the platform."""
    sealed_file = io.BytesIO()
    sealed = seal_stream(io.BytesIO(content), sealed_file)
    upload = attachments.begin(store, ncb(sender))
    upload.write(sealed_file.getvalue())
    attachments.finish(store, ncb(sender), upload, sealed.sha256)
    return sealed


def _passphrase(directory: Path) -> str:
    path = directory / "passphrase"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def _keys(directory: Path, country: str, passphrase: str) -> PrivateKeys:
    if (directory / f"{country}.public.json").exists():
        return keys.load(directory, country, passphrase)
    return keys.generate(directory, country, passphrase)
