"""Bulk imports started from the web pages: the upload kept on disk, the import run by
the importer service in a background thread, its progress kept beside the upload.

An import's folder ``<attachments_dir>/imports/<country>/<id>/`` holds the upload,
``job.json`` (its state and counts, rewritten after every batch) and the reject
file, so an import is listed with its state after a reload, in every process that
sees the folder, and after a restart (as interrupted: running it again resumes it,
the importer being idempotent by reference). The importer does the policy, the
validation, the batching and the audit exactly as for ``concord import``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO

from concord.audit import AuditEvent
from concord.domain.principal import Principal
from concord.errors import ConcordError, Conflict, InvalidInput, NotFound, PayloadTooLarge
from concord.services.import_objects import import_objects, target_for
from concord.services.import_persons import TARGET as PERSONS_TARGET
from concord.services.import_persons import import_persons
from concord.services.importer import ImportReport, Target
from concord.services.rows import RowReader
from concord.store import Store
from concord.store.kinds import BY_PATH

log = logging.getLogger(__name__)

KINDS = ("persons", *BY_PATH)  # as ``concord import`` names them
FORMATS = ("csv", "jsonl")
# Rows a transaction: small enough that the page's counts move on a file of a few MB.
BATCH_ROWS = 1000
# What the rest of the form may take of the request's body limit.
FORM_OVERHEAD = 8 * 1024
ACTIVE = ("queued", "running")
_ID = re.compile(r"^[0-9a-f]{16}$")
# This process's import threads, by import id, with the country and kind each imports.
_RUNNING: dict[str, tuple[threading.Thread, str, str]] = {}
_LOCK = threading.Lock()


@dataclass
class Job:
    id: str
    country: str
    kind: str
    filename: str
    fmt: str
    size: int
    sha256: str
    by: str
    started_at: str
    state: str = "queued"  # queued, running, done, failed (interrupted: see ``state_now``)
    read: int = 0
    written: int = 0
    unchanged: int = 0
    rejected: int = 0
    done_bytes: int = 0
    message: str = ""
    field: str = ""
    finished_at: str = ""
    pid: int = 0

    @property
    def accepted(self) -> int:
        return self.written + self.unchanged

    @property
    def state_now(self) -> str:
        """The state, with an import whose process ended before it did as interrupted."""
        if self.state in ACTIVE and not _alive(self):
            return "interrupted"
        return self.state

    @property
    def upload_name(self) -> str:
        return f"upload.{self.fmt}"


def upload_limit(store: Store) -> int:
    """The largest file the page takes (``web_import_max_bytes``)."""
    return store.settings.web_import_max_bytes


def _root(store: Store, country: str) -> Path:
    return Path(store.settings.attachments_dir) / "imports" / country


def _folder(store: Store, country: str, job_id: str) -> Path:
    if not _ID.match(job_id):
        raise NotFound(f"no import {job_id[:20]!r}", field="id")
    return _root(store, country) / job_id


def _alive(job: Job) -> bool:
    if job.pid == os.getpid():
        with _LOCK:
            running = _RUNNING.get(job.id)
        return running is not None and running[0].is_alive()
    if job.pid <= 0:
        return False
    try:
        os.kill(job.pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(store: Store, job: Job) -> None:
    """``job.json`` replaced whole, so a reader never sees half of it."""
    folder = _folder(store, job.country, job.id)
    part = folder / f"job.{threading.get_ident()}.part"
    part.write_text(json.dumps(asdict(job)), encoding="utf-8")
    os.replace(part, folder / "job.json")


def load(store: Store, country: str, job_id: str) -> Job:
    """An import of ``country`` (NotFound for any other country's, or none)."""
    try:
        text = (_folder(store, country, job_id) / "job.json").read_text(encoding="utf-8")
    except (OSError, NotFound):
        raise NotFound(f"no import {job_id[:20]!r}", field="id") from None
    data = json.loads(text)
    known = {f.name for f in fields(Job)}
    return Job(**{k: v for k, v in data.items() if k in known})


def listing(store: Store, country: str, limit: int = 100) -> list[Job]:
    """The country's imports, the latest first."""
    root = _root(store, country)
    jobs = []
    for folder in root.iterdir() if root.is_dir() else ():
        try:
            jobs.append(load(store, country, folder.name))
        except (NotFound, ValueError, TypeError):
            continue  # a folder being made or removed
    jobs.sort(key=lambda j: (j.started_at, j.id), reverse=True)
    return jobs[:limit]


def rejects_file(store: Store, job: Job) -> Path | None:
    """The reject file of a finished import that rejected rows."""
    path = _folder(store, job.country, job.id) / "rejects.csv"
    if job.state_now in ACTIVE or not job.rejected or not path.is_file():
        return None
    return path


def target(kind: str, principal: Principal) -> Target:
    if kind == "persons":
        return PERSONS_TARGET
    return target_for(BY_PATH[kind], principal)


def receive(
    store: Store,
    principal: Principal,
    kind: str,
    filename: str,
    stream: BinaryIO,
    fmt: str = "",
) -> Job:
    """Keep an upload and check its header as the importer will, before anything runs.

    A file too large, of an unknown format or with a bad header is refused (and
    not kept), naming the field.
    """
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind[:30]!r} (one of {', '.join(KINDS)})", field="kind")
    if fmt and fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt[:20]!r} (csv or jsonl)", field="format")
    name = Path(filename or "").name[:200]
    if not name:
        raise InvalidInput("choose a file to import", field="file")
    fmt = fmt or RowReader.format_of(Path(name), None)
    job = Job(
        secrets.token_hex(8), principal.country, kind, name, fmt, 0, "", principal.username,
        _now(), pid=os.getpid(),
    )  # fmt: skip
    folder = _folder(store, job.country, job.id)
    folder.mkdir(parents=True)
    try:
        job.size, job.sha256 = _copy(stream, folder / job.upload_name, upload_limit(store))
        if job.size == 0:
            raise InvalidInput("the file is empty", field="file")
        chosen = target(kind, principal)
        RowReader(
            folder / job.upload_name, required=set(chosen.required),
            allowed=set(chosen.allowed), fmt=fmt,
        ).close()  # fmt: skip
        _write(store, job)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def _copy(stream: BinaryIO, path: Path, limit: int) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("xb") as out:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(
                    f"the file is over {limit} bytes: import it in parts, or with "
                    "`concord import` on the server",
                    field="file",
                )
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def earlier_same_file(store: Store, job: Job) -> Job | None:
    """An earlier import of the same kind and the very same file, if any."""
    for other in listing(store, job.country):
        if other.id != job.id and other.sha256 == job.sha256 and other.kind == job.kind:
            return other
    return None


def start(store: Store, principal: Principal, job: Job) -> None:
    """Run (or run again) the import in a thread of this process."""
    with _LOCK:
        for thread, country, kind in _RUNNING.values():
            if thread.is_alive() and (country, kind) == (job.country, job.kind):
                raise Conflict(
                    f"an import of {kind} for {country} is still running: wait for it to end",
                    field="kind",
                )
        job.state, job.pid, job.message, job.field = "queued", os.getpid(), "", ""
        job.read = job.written = job.unchanged = job.rejected = job.done_bytes = 0
        job.finished_at = ""
        _write(store, job)
        thread = threading.Thread(
            target=_run, args=(store, principal, job), name=f"web-import-{job.id}", daemon=True
        )
        _RUNNING[job.id] = (thread, job.country, job.kind)
        thread.start()
    store.audit.emit(
        AuditEvent.of(
            principal, "import.start", resource=job.kind, resource_id=job.id,
            file=job.filename, bytes=job.size, sha256=job.sha256,
        )
    )  # fmt: skip


def _run(store: Store, principal: Principal, job: Job) -> None:
    folder = _folder(store, job.country, job.id)
    job.state = "running"
    _write(store, job)

    def watch(report: ImportReport) -> None:
        _counted(job, report)
        _write(store, job)

    def progress(done: int, _size: int) -> None:
        job.done_bytes = done

    try:
        report = _importer(job.kind)(
            store, principal, folder / job.upload_name, fmt=job.fmt, batch_size=BATCH_ROWS,
            rejects=folder / "rejects.csv", progress=progress, parallel=False, bulk=False,
            watch=watch,
        )  # fmt: skip
        _counted(job, report)
        job.state, job.done_bytes = "done", job.size
    except ConcordError as exc:
        job.state, job.message, job.field = "failed", exc.message, exc.field or ""
    except Exception:
        log.exception("web import %s failed", job.id)
        job.state, job.message = "failed", "internal error; it has been logged"
    job.finished_at = _now()
    try:
        _write(store, job)
    finally:
        with _LOCK:
            _RUNNING.pop(job.id, None)


def _counted(job: Job, report: ImportReport) -> None:
    job.read, job.written = report.read, report.written
    job.unchanged, job.rejected = report.unchanged, report.rejected


def _importer(kind: str) -> Callable[..., ImportReport]:
    if kind == "persons":
        return import_persons

    def run(store: Store, principal: Principal, path: Path, **options: Any) -> ImportReport:
        return import_objects(store, principal, BY_PATH[kind], path, **options)

    return run


def remove(store: Store, job: Job) -> None:
    """Delete a finished import's upload and reject file (they hold personal data)."""
    if job.state_now in ACTIVE:
        raise Conflict("this import is still running", field="id")
    shutil.rmtree(_folder(store, job.country, job.id), ignore_errors=True)
