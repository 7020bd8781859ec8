"""A set of match keys held as sorted 64-bit hashes: 8 bytes a key, no false negatives.

A lookup answers "maybe" (the hash is present) or "no". Most checks miss, and
a miss is answered here without touching the database; a "maybe" is confirmed
against the store. Keys added after the last compaction sit in a small Python
set; removals are not tracked (a stale key costs one confirming read, never a
wrong answer) and disappear at the next rebuild.

Hashes come from Python's own string hash: random per process, which is fine
for an index each process builds for itself, and costs nothing to compute for
strings that already cached it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

COMPACT_AT = 200_000


def key_hash(key: str) -> int:
    return hash(key)


class KeySet:
    def __init__(self) -> None:
        self._base: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._delta: set[int] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self._base.size) + len(self._delta)

    @property
    def nbytes(self) -> int:
        """Memory held by the hashes (the delta set counted at ~40 bytes an entry)."""
        return int(self._base.nbytes) + 40 * len(self._delta)

    def replace(self, hashes: npt.NDArray[np.int64]) -> None:
        """Swap in a freshly built base (sorted here); the delta is emptied."""
        base = np.unique(hashes)
        with self._lock:
            self._base = base
            self._delta = set()

    def add(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._delta.update(hash(k) for k in keys)
            if len(self._delta) >= COMPACT_AT:
                self._compact()

    def _compact(self) -> None:
        merged = np.fromiter(self._delta, dtype=np.int64, count=len(self._delta))
        self._base = np.union1d(self._base, merged)
        self._delta = set()

    def maybe(self, key: str) -> bool:
        h = hash(key)
        if h in self._delta:
            return True
        base = self._base
        i = int(base.searchsorted(h))
        return i < base.size and int(base[i]) == h

    def maybe_many(self, keys: list[str]) -> npt.NDArray[np.bool_]:
        """Vectorised lookup for a batch of keys."""
        hashes = np.fromiter((hash(k) for k in keys), dtype=np.int64, count=len(keys))
        base = self._base
        if base.size:
            pos = base.searchsorted(hashes)
            pos[pos >= base.size] = base.size - 1
            found: npt.NDArray[np.bool_] = base[pos] == hashes
        else:
            found = np.zeros(len(keys), dtype=bool)
        delta = self._delta
        if delta:
            for i, h in enumerate(hashes.tolist()):
                if h in delta:
                    found[i] = True
        return found
