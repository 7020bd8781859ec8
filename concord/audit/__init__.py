"""Append-only, hash-chained audit log: every check and every disclosure."""

from concord.audit.events import GENESIS_HASH, AuditEvent
from concord.audit.verify import VerifyResult, verify
from concord.audit.writer import AuditWriter

__all__ = ["GENESIS_HASH", "AuditEvent", "AuditWriter", "VerifyResult", "verify"]
