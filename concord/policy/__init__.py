"""Who may see or do what: one ``allow()`` used by every path, deny by default."""

from concord.policy.decide import Action, allow, ensure, read_scope, visible_to
from concord.policy.resources import (
    AuditLog,
    CheckRequest,
    CountryRef,
    KeyDirectory,
    NewRecord,
    NoticeMove,
    NoticeRef,
    ReadScope,
    RecordRef,
    TokenRef,
    UserRef,
)

__all__ = [
    "Action",
    "AuditLog",
    "CheckRequest",
    "CountryRef",
    "KeyDirectory",
    "NewRecord",
    "NoticeMove",
    "NoticeRef",
    "ReadScope",
    "RecordRef",
    "TokenRef",
    "UserRef",
    "allow",
    "ensure",
    "read_scope",
    "visible_to",
]
