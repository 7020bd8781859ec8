"""Sealed attachments: received as a stream, kept on disk by their SHA-256, fetched
only by the parties to a message that carries them.

An NCB seals a file on its side (``messaging.attachments.seal_stream``), uploads the
ciphertext, then sends a message whose signed header names the digest and size.
The upload is written to a temporary file as it arrives, hashed on the way and
refused past the limit; once complete it is synced and renamed to its digest, so
a crash leaves either nothing or a whole file, and uploading the same file again
changes nothing. Only the uploading country may attach it; an upload no message
carries is deleted after ``attachment_unsent_hours``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.principal import Principal
from concord.errors import InvalidInput, NotFound, PayloadTooLarge
from concord.messaging.attachments import sealed_size
from concord.services.messaging_staff import ensure_staff
from concord.store import Store
from concord.store.tables import attachments, message_attachments, messages

MAX_PER_MESSAGE = 20


def directory(store: Store) -> Path:
    return Path(store.settings.attachments_dir)


def largest_upload(store: Store) -> int:
    """The most bytes a sealed attachment may have (the plaintext limit, sealed)."""
    return sealed_size(store.settings.attachment_max_bytes)


def _path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


class Upload:
    """One attachment arriving: to a temporary file, hashed as it comes, bounded."""

    def __init__(self, root: Path, limit: int, why: str = ""):
        self.limit = limit
        self.why = why or f"an attachment is at most {limit} bytes sealed"
        self.size = 0
        self._digest = hashlib.sha256()
        temporary = root / "incoming"
        temporary.mkdir(parents=True, exist_ok=True)
        self.path = temporary / f"{uuid.uuid4().hex}.part"
        self._file: BinaryIO | None = open(self.path, "xb")  # noqa: SIM115 - closed in finish

    def write(self, chunk: bytes) -> None:
        assert self._file is not None
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise PayloadTooLarge(self.why, field="attachment")
        self._digest.update(chunk)
        self._file.write(chunk)

    def complete(self) -> str:
        """Sync and close; the SHA-256 of what arrived."""
        assert self._file is not None
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        return self._digest.hexdigest()

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


def begin(store: Store, principal: Principal) -> Upload:
    """Start receiving an attachment for ``principal`` (NCB or GS staff in good standing)."""
    ensure_staff(principal, "attachments")
    held = unsent_bytes(store, principal.country)
    quota = store.settings.attachment_unsent_quota_bytes
    if held >= quota:
        raise PayloadTooLarge(
            f"{principal.country} already holds {held} bytes of uploads no message carries "
            f"(at most {quota}): send or wait for them to expire",
            field="attachment",
        )
    if quota - held < largest_upload(store):
        why = f"{principal.country} may upload {quota - held} more bytes before sending"
        return Upload(directory(store), quota - held, why)
    return Upload(directory(store), largest_upload(store))


def unsent_bytes(store: Store, country: str) -> int:
    """Bytes of ``country``'s uploads that no message carries yet."""
    with store.read() as conn:
        total = conn.execute(
            select(func.coalesce(func.sum(attachments.c.size), 0)).where(
                attachments.c.country == country,
                attachments.c.sha256.not_in(select(message_attachments.c.sha256)),
            )
        ).scalar_one()
    return int(total)


def finish(
    store: Store, principal: Principal, upload: Upload, expected: str | None = None
) -> dict[str, Any]:
    """Keep a complete upload under its digest (once), recorded for the uploader's
    country. ``expected``: the digest the client announced, checked."""
    sha256 = upload.complete()
    if expected is not None and expected != sha256:
        upload.discard()
        raise InvalidInput(f"the body's SHA-256 is {sha256}, not the one announced", field="sha256")
    if upload.size == 0:
        upload.discard()
        raise InvalidInput("an empty body is not a sealed attachment", field="attachment")
    final = _path(directory(store), sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():  # the same bytes already kept: nothing to add
        upload.discard()
    else:
        os.replace(upload.path, final)
        _sync_directory(final.parent)
    now = dt.datetime.now(dt.UTC)
    try:
        with store.write() as conn:
            held = conn.execute(
                select(attachments.c.id).where(
                    attachments.c.sha256 == sha256, attachments.c.country == principal.country
                )
            ).first()
            if held is None:
                conn.execute(
                    insert(attachments).values(
                        sha256=sha256,
                        country=principal.country,
                        size=upload.size,
                        uploaded_by=principal.username,
                        uploaded_at=now,
                    )
                )
    except IntegrityError:  # the same file uploaded twice at once: one row is enough
        pass
    store.audit.emit(
        AuditEvent.of(
            principal,
            "attachment.upload",
            resource="attachment",
            resource_id=sha256,
            size=upload.size,
        )
    )
    return {"sha256": sha256, "size": upload.size}


def _sync_directory(path: Path) -> None:
    """Make a rename durable (POSIX: the directory entry is flushed separately)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_uploaded(store: Store, country: str, listed: list[tuple[str, int]]) -> None:
    """Before a message is stored: each attachment its header names was uploaded by the
    sender's country, whole, with that size."""
    if len(listed) > MAX_PER_MESSAGE:
        raise InvalidInput(
            f"at most {MAX_PER_MESSAGE} attachments", field="envelope.header.attachments"
        )
    if len({sha for sha, _ in listed}) != len(listed):
        raise InvalidInput("an attachment listed twice", field="envelope.header.attachments")
    if not listed:
        return
    with store.read() as conn:
        held = dict(
            conn.execute(
                select(attachments.c.sha256, attachments.c.size).where(
                    attachments.c.country == country,
                    attachments.c.sha256.in_([sha for sha, _ in listed]),
                )
            ).all()
        )
    for sha, size in listed:
        if sha not in held:
            raise InvalidInput(
                f"attachment {sha[:12]}… was not uploaded by {country}: upload it first",
                field="envelope.header.attachments",
            )
        if held[sha] != size:
            raise InvalidInput(
                f"attachment {sha[:12]}… has {held[sha]} bytes, the header says {size}",
                field="envelope.header.attachments",
            )


def link(conn: Connection, message_id: str, listed: list[tuple[str, int]]) -> None:
    """Record, in the message's transaction, which attachments it carries."""
    if listed:
        conn.execute(
            insert(message_attachments),
            [{"message_id": message_id, "sha256": sha, "size": size} for sha, size in listed],
        )


def carried(conn: Connection, message_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(message_attachments.c.sha256, message_attachments.c.size)
        .where(message_attachments.c.message_id == message_id)
        .order_by(message_attachments.c.sha256)
    ).all()
    return [{"sha256": sha, "size": int(size)} for sha, size in rows]


@dataclass(frozen=True, slots=True)
class Fetched:
    path: Path
    sha256: str
    size: int


def fetch(store: Store, principal: Principal, message_id: str, sha256: str) -> Fetched:
    """The ciphertext of an attachment, for the sender's or a recipient's staff; anyone
    else (or a digest the message does not carry) is told it does not exist."""
    ensure_staff(principal, "attachments")
    with store.read() as conn:
        row = conn.execute(
            select(messages.c.sender, messages.c.recipients, message_attachments.c.size)
            .join(message_attachments, message_attachments.c.message_id == messages.c.message_id)
            .where(messages.c.message_id == message_id, message_attachments.c.sha256 == sha256)
        ).first()
    if row is None or principal.country not in (row.sender, *row.recipients):
        raise NotFound(f"no attachment {sha256[:64]!r} in message {message_id[:64]!r}")
    path = _path(directory(store), sha256)
    if not path.is_file():
        raise NotFound(f"attachment {sha256[:12]}… is missing from the store")
    store.audit.emit(
        AuditEvent.of(
            principal,
            "message.attachment",
            resource="message",
            resource_id=message_id,
            sha256=sha256,
        )
    )
    return Fetched(path, sha256, int(row.size))


def purge_unsent(store: Store, now: dt.datetime | None = None) -> int:
    """Delete uploads no message carries once they are older than the setting; the file
    goes when no other country's upload or message still names it."""
    at = now or dt.datetime.now(dt.UTC)
    cutoff = at - dt.timedelta(hours=store.settings.attachment_unsent_hours)
    carried_by_any = select(message_attachments.c.sha256)
    with store.write() as conn:
        stale = conn.execute(
            select(attachments.c.id, attachments.c.sha256).where(
                attachments.c.uploaded_at < cutoff, attachments.c.sha256.not_in(carried_by_any)
            )
        ).all()
        if not stale:
            return purge_incoming(store, at)
        conn.execute(delete(attachments).where(attachments.c.id.in_([r.id for r in stale])))
        still = set(
            conn.execute(
                select(attachments.c.sha256).where(
                    attachments.c.sha256.in_([r.sha256 for r in stale])
                )
            ).scalars()
        )
    for sha in {r.sha256 for r in stale} - still:
        _path(directory(store), sha).unlink(missing_ok=True)
    return len(stale) + purge_incoming(store, at)


def purge_incoming(store: Store, now: dt.datetime | None = None) -> int:
    """Delete uploads cut off half-way (a dropped connection, a killed process)."""
    at = (now or dt.datetime.now(dt.UTC)).timestamp()
    horizon = store.settings.attachment_unsent_hours * 3600
    removed = 0
    for part in (directory(store) / "incoming").glob("*.part"):
        try:
            if at - part.stat().st_mtime > horizon:
                part.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    return removed
