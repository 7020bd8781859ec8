"""The NCB's side of secure messages: seal and send, fetch and open, over HTTP.

Everything secret happens here, on the NCB's machine: the letter and each
attachment are sealed before they leave, and opened only after they arrive, so
the platform carries ciphertext alone. Sending retries the same envelope on a
network failure (the platform answers the stored copy, never a second one).
Opening verifies the sender's signature against the directory; a message that
fails is reported as refused, with the reason, never shown as if it were sound.
The sender opens what it sent with the envelope's sender's copy (``sent``).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from concord.errors import ConcordError, InvalidInput
from concord.messaging.attachments import SealedAttachment, open_stream, seal_stream
from concord.messaging.envelope import Envelope, EnvelopeRefused, open_envelope, seal
from concord.messaging.keys import PrivateKeys, PublicKeys
from concord.messaging.letter import AttachedFile, Letter

_RETRIES = 5


class PlatformError(ConcordError):
    """The platform answered with an error (its code and message are passed on)."""

    status = 502
    code = "platform_error"


@dataclass(frozen=True, slots=True)
class Opened:
    """A message as its recipient (or its sender) sees it: the letter, or why it was
    refused."""

    message: dict[str, Any]
    letter: Letter | None
    refused: str | None


class MessagingClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 120.0):
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> MessagingClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        stream: Callable[[], Iterator[bytes]] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request, retried on a dropped connection or a 5xx (each call here is safe
        to repeat: reads, and idempotent uploads and sends); ``stream`` makes the body
        afresh for each attempt."""
        for attempt in range(_RETRIES):
            if stream is not None:
                kwargs["content"] = stream()
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError:
                if attempt == _RETRIES - 1:
                    raise
            else:
                if response.status_code < 500 or attempt == _RETRIES - 1:
                    break
            time.sleep(0.2 * 2**attempt)
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"message": response.text[:200]}
            raise PlatformError(
                f"{method} {path}: {response.status_code} {error.get('message')}",
                field=error.get("field"),
            )
        return response

    # -- keys ---------------------------------------------------------------------

    def current_keys(self, countries: Sequence[str]) -> list[PublicKeys]:
        listed = {k["country"]: k for k in self._call("GET", "/keys").json()["items"]}
        missing = [c for c in countries if c not in listed]
        if missing:
            raise InvalidInput(f"no registered keys for {', '.join(missing)}", field="to")
        return [PublicKeys.from_json(listed[c]) for c in countries]

    def sender_keys(self, envelope: Envelope) -> PublicKeys | None:
        """The sender's pair that signed ``envelope`` (current or replaced), if known."""
        try:
            history = self._call("GET", f"/keys/{envelope.sender}").json()["items"]
        except PlatformError:
            return None
        for entry in history:
            if entry["signing_fingerprint"] == envelope.header.get("sender_key"):
                return PublicKeys.from_json(entry)
        return None

    # -- sending ------------------------------------------------------------------

    def upload(self, path: Path) -> SealedAttachment:
        """Seal ``path`` into a temporary file and stream the ciphertext up."""
        with tempfile.TemporaryFile() as sealed_file:
            with path.open("rb") as source:
                sealed = seal_stream(source, sealed_file)

            def chunks() -> Iterator[bytes]:
                sealed_file.seek(0)
                while block := sealed_file.read(1024 * 1024):
                    yield block

            try:
                self._call(
                    "POST",
                    "/attachments",
                    stream=chunks,
                    headers={
                        "Content-Type": "application/octet-stream",
                        "Content-Length": str(sealed.size),
                        "X-Content-SHA256": sealed.sha256,
                    },
                )
            except PlatformError as exc:
                raise PlatformError(
                    f"upload of {path.name}: {exc.message}", field="attach"
                ) from None
        return sealed

    def send(
        self,
        sender: PrivateKeys,
        to: Sequence[str],
        *,
        subject: str,
        body: str,
        files: Sequence[Path] = (),
        message_id: str | None = None,
        **routing: Any,
    ) -> dict[str, Any]:
        """Seal a letter (and its files) for each recipient's current key and send it;
        ``routing``: priority, handling, links, thread_id as the API takes them."""
        for path in files:
            if not path.is_file():
                raise InvalidInput(f"no file {path}", field="attach")
        recipients = self.current_keys(sorted(set(to)))
        uploaded = [(path, self.upload(path)) for path in files]
        letter = Letter(
            subject,
            body,
            [AttachedFile.of(p.name, _media_type(p), s) for p, s in uploaded],
        )
        envelope = seal(
            sender,
            recipients,
            letter.to_bytes(),
            message_id=message_id or new_message_id(sender.country),
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            attachments=[s for _, s in uploaded],
        )
        return self.post(envelope, **routing)

    def post(self, envelope: Envelope, **routing: Any) -> dict[str, Any]:
        """Post a sealed envelope (again after a failure: the platform answers the
        stored copy); ``routing`` as in ``send``."""
        payload = {"envelope": envelope.as_json(), **{k: v for k, v in routing.items() if v}}
        return dict(self._call("POST", "/messages", json=payload).json())

    # -- receiving ----------------------------------------------------------------

    def inbox(self, cursor: int = 0, thread: str | None = None) -> Iterator[dict[str, Any]]:
        """Every message to this NCB after ``cursor`` (fetching records delivery)."""
        return self._box("in", cursor, thread)

    def sent(self, cursor: int = 0, thread: str | None = None) -> Iterator[dict[str, Any]]:
        """Every message this NCB sent after ``cursor``, with its receipts; ``open``
        opens one with its sender's copy."""
        return self._box("out", cursor, thread)

    def _box(self, which: str, cursor: int, thread: str | None) -> Iterator[dict[str, Any]]:
        while True:
            params: dict[str, Any] = {"box": which, "cursor": cursor, "limit": 100}
            if thread:
                params["thread"] = thread
            page = self._call("GET", "/messages", params=params).json()
            yield from page["items"]
            if page["next_cursor"] is None:
                return
            cursor = page["next_cursor"]

    def message(self, message_id: str) -> dict[str, Any]:
        """One message (a recipient's first fetch records its delivery)."""
        return dict(self._call("GET", f"/messages/{message_id}").json())

    def open(self, message: dict[str, Any], me: PrivateKeys) -> Opened:
        """Verify and decrypt (a message ``me`` sent: with its sender's copy); a failure
        is an answer (``refused``), not an exception."""
        try:
            envelope = Envelope.from_json(message["envelope"])
            content = open_envelope(envelope, me, self.sender_keys(envelope))
            letter = Letter.from_bytes(content)
            signed = dict(envelope.attachments)
            for attached in letter.attachments:
                if signed.get(attached.sha256) is None:
                    raise EnvelopeRefused(
                        f"attachment {attached.name!r} is not in the signed header",
                        field="attachments",
                    )
        except ConcordError as exc:
            return Opened(message, None, exc.message)
        return Opened(message, letter, None)

    def save_attachment(self, message_id: str, attached: AttachedFile, directory: Path) -> Path:
        """Fetch, check against the signed digest, open, and keep only a sound file."""
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / _safe_name(attached.name)
        if target.exists():
            raise InvalidInput(f"{target} exists: not overwritten", field="save")
        with tempfile.TemporaryFile(dir=directory) as sealed_file:
            path = f"/messages/{message_id}/attachments/{attached.sha256}"
            with self.http.stream("GET", path) as response:
                if response.status_code != 200:
                    raise PlatformError(f"GET {path}: {response.status_code}", field="attachment")
                for block in response.iter_bytes(1024 * 1024):
                    sealed_file.write(block)
            sealed_file.seek(0)
            handle, partial = tempfile.mkstemp(dir=directory, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as plain:
                    open_stream(sealed_file, plain, attached.key, attached.sha256)
                os.replace(partial, target)
            except BaseException:
                Path(partial).unlink(missing_ok=True)
                raise
        return target

    def mark_read(self, message_id: str) -> None:
        self._call("POST", f"/messages/{message_id}/read")


def new_message_id(country: str) -> str:
    """Unique and the sender's own: country, UTC time and randomness."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{country.lower()}-{stamp}-{secrets.token_hex(4)}"


def _media_type(path: Path) -> str:
    import mimetypes

    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _safe_name(name: str) -> str:
    """A file name from the sender, kept inside the folder it is saved to."""
    cleaned = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return cleaned or "attachment"
