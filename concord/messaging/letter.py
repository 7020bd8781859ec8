"""What a sealed message says: subject, body and the keys of its attachments.

This is the plaintext inside an envelope, so the platform never sees a subject,
a file name or an attachment key. A recipient reads it after ``open_envelope``;
content that is not a letter (plain text from an older client) reads as a body.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from concord.errors import InvalidInput
from concord.messaging.attachments import SealedAttachment

KIND = "concord.letter.v1"


@dataclass(frozen=True, slots=True)
class AttachedFile:
    """One attachment as a recipient needs it: what it is and how to open it."""

    name: str
    media_type: str
    size: int  # plaintext bytes
    sha256: str  # of the ciphertext, as signed in the header and stored by the platform
    key: bytes

    @classmethod
    def of(cls, name: str, media_type: str, sealed: SealedAttachment) -> AttachedFile:
        return cls(name, media_type, sealed.plain_size, sealed.sha256, sealed.key)


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str
    attachments: list[AttachedFile] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "kind": KIND,
                "subject": self.subject,
                "body": self.body,
                "attachments": [
                    {
                        "name": a.name,
                        "media_type": a.media_type,
                        "size": a.size,
                        "sha256": a.sha256,
                        "key": base64.b64encode(a.key).decode(),
                    }
                    for a in self.attachments
                ],
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode()

    @classmethod
    def from_bytes(cls, content: bytes) -> Letter:
        """Read opened content; plain text is a body without subject."""
        try:
            data = json.loads(content)
        except ValueError:
            return cls("", content.decode("utf-8", errors="replace"))
        if not isinstance(data, dict) or data.get("kind") != KIND:
            return cls("", content.decode("utf-8", errors="replace"))
        try:
            files = [
                AttachedFile(
                    str(a["name"]),
                    str(a["media_type"]),
                    int(a["size"]),
                    str(a["sha256"]),
                    base64.b64decode(a["key"], validate=True),
                )
                for a in data.get("attachments", [])
            ]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput("an attachment entry is incomplete", field="attachments") from None
        return cls(str(data.get("subject", "")), str(data.get("body", "")), files)
