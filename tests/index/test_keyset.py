"""KeySet and RangeIndex: no false negatives, deltas, vectorised lookups."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from concord.index import keyset
from concord.index.keyset import KeySet
from concord.index.ranges import RangeIndex


@given(
    st.sets(st.text(min_size=1, max_size=12), max_size=200),
    st.lists(st.text(max_size=12), max_size=50),
)
def test_every_added_key_is_found(stored: set[str], probes: list[str]) -> None:
    keys = KeySet()
    items = sorted(stored)
    half = len(items) // 2
    keys.replace(np.array([hash(k) for k in items[:half]], dtype=np.int64))
    keys.add(items[half:])
    for key in items:
        assert keys.maybe(key)
    answers = keys.maybe_many(items + probes)
    assert answers[: len(items)].all()
    for probe, answer in zip(probes, answers[len(items) :], strict=True):
        assert bool(answer) == keys.maybe(probe)
        if probe not in stored:
            assert answer == (hash(probe) in {hash(k) for k in items})


def test_empty_set_finds_nothing() -> None:
    keys = KeySet()
    assert not keys.maybe("D|DEU|X1")
    assert not keys.maybe_many(["a", "b"]).any()


def test_delta_is_compacted(monkeypatch: object) -> None:
    keys = KeySet()
    original = keyset.COMPACT_AT
    keyset.COMPACT_AT = 10
    try:
        keys.add(f"K{i}" for i in range(25))
    finally:
        keyset.COMPACT_AT = original
    assert len(keys) == 25
    assert all(keys.maybe(f"K{i}") for i in range(25))
    assert keys.nbytes < 25 * 40


def test_ranges() -> None:
    ranges = RangeIndex()
    ranges.add("DEU", "C01", 6, 1000, 1999, 1)
    ranges.add("DEU", "C01", 6, 1500, 1600, 2)
    ranges.add("DEU", "C01", 6, 500_000, 500_010, 3)
    ranges.add("FRA", "C01", 6, 1000, 1999, 4)
    assert ranges.lookup("DEU", "C01", 6, 1000) == [1]
    assert sorted(ranges.lookup("DEU", "C01", 6, 1550)) == [1, 2]
    assert ranges.lookup("DEU", "C01", 6, 1999) == [1]
    assert ranges.lookup("DEU", "C01", 6, 2000) == []
    assert ranges.lookup("DEU", "C01", 6, 999) == []
    assert ranges.lookup("DEU", "C01", 7, 1500) == []
    assert ranges.lookup("DEU", "C01", 6, 500_005) == [3]
    assert len(ranges) == 4


def test_directory_agrees_with_a_plain_membership_test() -> None:
    rng = np.random.default_rng(7)
    extremes = np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, -1], dtype=np.int64)
    for stored in (
        rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, 50_000, dtype=np.int64),
        np.arange(-500, 500, dtype=np.int64),  # every hash in one or two buckets
        extremes,
        extremes[:1],
    ):
        base = np.unique(stored)
        probes = np.concatenate(
            [base[rng.integers(0, base.size, 1000)], base[:3] + 1, base[-3:] - 1, extremes]
        )
        probes = np.concatenate([probes, rng.integers(-(2**63), 2**63 - 1, 1000, dtype=np.int64)])
        found = keyset._Directory(base).member(probes)
        assert (found == np.isin(probes, base)).all()


def test_keys_added_after_a_compaction_are_found_with_the_directory() -> None:
    keys = KeySet()
    keys.replace(np.array([hash(f"B{i}") for i in range(5000)], dtype=np.int64))
    original = keyset.COMPACT_AT
    keyset.COMPACT_AT = 100
    try:
        for start in range(0, 250, 50):
            keys.add(f"N{i}" for i in range(start, start + 50))
    finally:
        keyset.COMPACT_AT = original
    probes = [f"B{i}" for i in range(0, 5000, 7)] + [f"N{i}" for i in range(250)]
    assert keys.maybe_many(probes).all()
    assert all(keys.maybe(p) for p in probes)
    assert not keys.maybe_many([f"X{i}" for i in range(1000)]).any()
    assert len(keys) == 5250
