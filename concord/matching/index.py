"""The in-memory name index: records, their names, and posting lists of name keys.

Every name of a record (primary and aliases) is an entry; each of its words
posts the entry under its Latin spellings (``l:``), consonant skeletons
(``k:``) and rigour name symbols (``NAME:…``, ``NICK:…``). A query gathers the
entries its words post to, ranks them by the weight of the words they share,
and aligns only the best few with the query: a million names are never
compared one by one. Posting lists are ``array('i')`` (four bytes an entry),
read through numpy without copying.

Records are replaced or removed in place (a change-log follower does that);
a removed record's entries stay in the posting lists as tombstones and are
skipped, until the next full rebuild.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from concord.matching.analysis import AnalysedName, Token, analyse
from concord.matching.common_names import is_common
from concord.matching.compare import Alignment, align
from concord.matching.facts import Facts

# A key posting more entries than this is used only when a word has no rarer key.
KEY_CAP = 20_000
# Entries gathered for one query before ranking; beyond it the commonest words drop out.
GATHER_BUDGET = 120_000
SCORED_ENTRIES = 32
# Word weights kept between writes; a server with no writes for days sees many words.
WEIGHTS_KEPT = 500_000


@dataclass(slots=True)
class Record:
    """What the index keeps of a person record to score and show it."""

    key: Any  # the record's id in its source (store id, watchlist id)
    names: tuple[str, ...]
    facts: Facts
    payload: Any = None  # the caller's (owner and access, for the policy)
    entries: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Scored:
    """One name entry aligned with the query."""

    record: Record
    name: str
    tokens: tuple[Token, ...]
    alignment: Alignment


class NameIndex:
    def __init__(self) -> None:
        self.records: list[Record | None] = []
        self._slot_of: dict[Any, int] = {}
        self._entry_record = array("i")
        self._entry_length = array("B")  # words in the name: fewer is a closer single-word match
        self._entry_tokens: list[tuple[Token, ...]] = []
        self._entry_name: list[str] = []
        self._postings: dict[str, array[int]] = {}
        self._df: dict[str, int] = {}  # entries per first Latin spelling, for word weights
        self._live_entries = 0
        self._sums = np.zeros(0, dtype=np.float32)
        # word weights between writes: they move with every record added or removed
        self._weights: dict[Token, float] = {}
        self.lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._slot_of)

    @property
    def entries(self) -> int:
        return self._live_entries

    def add(self, key: Any, names: Iterable[str], facts: Facts, payload: Any = None) -> None:
        """Index a record, replacing any earlier record with the same key."""
        analysed = [analyse(n) for n in dict.fromkeys(names)]
        with self.lock:
            if key in self._slot_of:
                self.remove(key)
            slot = len(self.records)
            record = Record(key, tuple(a.text for a in analysed), facts, payload)
            self.records.append(record)
            self._slot_of[key] = slot
            self._weights.clear()
            for name in analysed:
                if name.tokens:
                    record.entries.append(self._add_entry(slot, name))

    def _add_entry(self, slot: int, name: AnalysedName) -> int:
        entry = len(self._entry_tokens)
        self._entry_record.append(slot)
        self._entry_length.append(min(255, len(name.tokens)))
        self._entry_tokens.append(name.tokens)
        self._entry_name.append(name.text)
        self._live_entries += 1
        postings = self._postings
        df = self._df
        keys = {k for t in name.tokens for k in t.keys} if len(name.tokens) > 1 else None
        for k in keys if keys is not None else name.tokens[0].keys:
            posting = postings.get(k)
            if posting is None:
                posting = postings[k] = array("i")
            posting.append(entry)
        for form in {t.latin[0] for t in name.tokens}:
            df[form] = df.get(form, 0) + 1
        return entry

    def remove(self, key: Any) -> bool:
        with self.lock:
            slot = self._slot_of.pop(key, None)
            if slot is None:
                return False
            record = self.records[slot]
            self.records[slot] = None
            self._weights.clear()
            if record is not None:
                for entry in record.entries:
                    self._live_entries -= 1
                    for t in {t.latin[0] for t in self._entry_tokens[entry] if t.latin}:
                        self._df[t] = max(0, self._df.get(t, 1) - 1)
            return True

    def get(self, key: Any) -> Record | None:
        slot = self._slot_of.get(key)
        return None if slot is None else self.records[slot]

    def weight(self, t: Token) -> float:
        """How much a word identifies someone: rare words weigh more, particles hardly."""
        w = self._weights.get(t)
        if w is None:
            if len(self._weights) > WEIGHTS_KEPT:  # query words never indexed add up too
                self._weights.clear()
            w = self._weights[t] = self._weigh(t)
        return w

    def _weigh(self, t: Token) -> float:
        if t.particle:
            return 0.1
        if t.initial:
            return 0.3
        n = self._live_entries + 1
        df = self._df.get(t.latin[0], 0) if t.latin else 0
        idf = math.log((n + 1) / (df + 1)) / math.log(n + 1)
        w = 0.3 + 0.7 * idf
        if is_common(t):
            w = min(w, 0.6)
        return w

    def search(
        self,
        query: AnalysedName,
        *,
        visible: Callable[[Record], bool] | None = None,
        limit: int = SCORED_ENTRIES,
    ) -> list[Scored]:
        """The best-aligned name of each candidate record, best first (not yet cut)."""
        with self.lock:
            entries = self._gather(query.tokens, limit)
            weights = self._weights
            weight = self.weight
            wq = [weight(t) for t in query.tokens]
            best: dict[int, Scored] = {}
            for entry in entries:
                slot = self._entry_record[entry]
                record = self.records[slot]
                if record is None:  # removed or replaced: a replacement has a new slot
                    continue
                if visible is not None and not visible(record):
                    continue
                tokens = self._entry_tokens[entry]
                wc = [weights.get(t) or weight(t) for t in tokens]
                alignment = align(query.tokens, tokens, wq, wc)
                if alignment.score <= 0:
                    continue
                held = best.get(slot)
                if held is None or alignment.score > held.alignment.score:
                    best[slot] = Scored(record, self._entry_name[entry], tokens, alignment)
        return sorted(best.values(), key=lambda s: s.alignment.score, reverse=True)

    def candidate_keys(self, query: AnalysedName, limit: int = SCORED_ENTRIES) -> list[Any]:
        """Keys of the records the index gathers for a query, before any alignment."""
        with self.lock:
            keys: dict[Any, None] = {}
            for entry in self._gather(query.tokens, limit):
                record = self.records[self._entry_record[entry]]
                if record is not None:
                    keys[record.key] = None
            return list(keys)

    def _gather(self, tokens: Sequence[Token], limit: int) -> list[int]:
        """Entries sharing the most query weight, ``limit`` at most.

        Sums are kept in a scratch array as long as the entries (no sort, no hash
        table), reset by the entries touched rather than cleared. A word's posting
        lists are added in one step: ``sums[entries] += w`` adds once per distinct
        entry, so an entry posted under several keys of one word counts once.
        """
        groups: list[tuple[int, float, list[np.ndarray]]] = []
        for t in tokens:
            arrays = self._token_postings(t)
            if arrays:
                groups.append((sum(len(a) for a in arrays), self.weight(t), arrays))
        if not groups:
            return []
        groups.sort(key=lambda g: g[0])
        sums = self._scratch()
        touched: list[np.ndarray] = []
        total = copies = 0
        for size, weight, arrays in groups:
            if touched and total + size > GATHER_BUDGET:
                break
            posted = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
            sums[posted] += weight
            touched.append(posted)
            total += size
            copies += len(arrays)
        everything = np.concatenate(touched) if len(touched) > 1 else touched[0]
        lengths = np.frombuffer(self._entry_length, dtype=np.uint8)
        # fewer other words is closer: the tie-break among equal sums
        ranked = sums[everything] - 0.01 * lengths[everything]
        sums[everything] = 0
        if len(everything) <= limit:
            return list(dict.fromkeys(everything.tolist()))
        # an entry appears once for each list that posts it, with the same sum: take
        # enough of the best to leave ``limit`` distinct ones
        cut = min(len(everything) - 1, limit * copies)
        best = np.argpartition(-ranked, cut)[: cut + 1]
        best = best[np.argsort(-ranked[best], kind="stable")]
        return list(dict.fromkeys(everything[best].tolist()))[:limit]

    def _scratch(self) -> np.ndarray:
        size = len(self._entry_tokens)
        if self._sums.shape[0] < size:
            grown = max(size, int(self._sums.shape[0] * 1.5), 1024)
            self._sums = np.zeros(grown, dtype=np.float32)
        return self._sums

    def _token_postings(self, t: Token) -> list[np.ndarray]:
        found: list[tuple[int, array[int]]] = []
        for k in t.keys:
            posting = self._postings.get(k)
            if posting is not None:
                found.append((len(posting), posting))
        if not found:
            return []
        found.sort(key=lambda f: f[0])
        chosen = [f[1] for f in found if f[0] <= KEY_CAP] or [found[0][1]]
        return [np.frombuffer(p, dtype=np.int32) for p in chosen]
