"""The consonant skeleton folds transliteration variants together, and no more."""

from __future__ import annotations

import pytest

from concord.matching.phonetic import skeleton

SAME = [
    ("mohammed", "muhammad", "mukhammad", "mohamad", "mhmd"),
    ("shcherbakov", "schtscherbakow", "shtcherbakov"),
    ("tchaikovsky", "chaikovskiy", "tschaikowski"),
    ("salameh", "salame"),
    ("yusuf", "yousef", "iosif"),
]
DIFFERENT = [("ivanov", "petrov"), ("smith", "smart"), ("karim", "kamal")]


@pytest.mark.parametrize("variants", SAME)
def test_variants_share_a_skeleton(variants: tuple[str, ...]) -> None:
    assert len({skeleton(v) for v in variants}) == 1, {v: skeleton(v) for v in variants}


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_differ(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)
