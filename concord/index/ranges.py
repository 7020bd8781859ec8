"""Stolen blank document ranges: any serial between first and last of a batch hits."""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    low: int
    high: int
    record_id: int


class RangeIndex:
    """(issuing country, prefix, digit width) -> spans sorted by their low end."""

    def __init__(self) -> None:
        self._spans: dict[tuple[str, str, int], list[Span]] = {}
        self._widest: dict[tuple[str, str, int], int] = {}
        self._states: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(len(v) for v in self._spans.values())

    def add(
        self, issuing: str, prefix: str, width: int, low: int, high: int, record_id: int
    ) -> None:
        key = (issuing, prefix, width)
        with self._lock:
            spans = self._spans.setdefault(key, [])
            bisect.insort(spans, Span(low, high, record_id))
            self._widest[key] = max(self._widest.get(key, 0), high - low)
            self._states = self._states | {issuing}

    def __bool__(self) -> bool:
        return bool(self._spans)

    def states(self) -> frozenset[str]:
        """Issuing states that have ranges (most checks can skip the range lookup)."""
        return self._states

    def may_hold_parts(self, state: str, number: str) -> bool:
        """Whether a document number of ``state`` falls in a range (dict lookup, no scan)."""
        stem = number.rstrip("0123456789")
        width = len(number) - len(stem)
        if not width or (state, stem, width) not in self._spans:
            return False
        return bool(self.lookup(state, stem, width, int(number[len(stem) :])))

    def clear(self) -> None:
        with self._lock:
            self._spans = {}
            self._widest = {}
            self._states = frozenset()

    def lookup(self, issuing: str, prefix: str, width: int, value: int) -> list[int]:
        """Ids of the ranges holding ``value`` (candidates: confirm against the store)."""
        key = (issuing, prefix, width)
        spans = self._spans.get(key)
        if not spans:
            return []
        widest = self._widest[key]
        # Only spans starting in [value - widest, value] can hold value.
        start = bisect.bisect_left(spans, Span(value - widest, -1, -1))
        end = bisect.bisect_right(spans, Span(value, 2**62, 2**62))
        return [s.record_id for s in spans[start:end] if s.low <= value <= s.high]
