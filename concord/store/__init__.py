"""Persistence: tables, repositories, migrations and the change log."""

from concord.store.store import Store

__all__ = ["Store"]
