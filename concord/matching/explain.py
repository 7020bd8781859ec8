"""Sentences an officer can read: which word matched which, and through what."""

from __future__ import annotations

from collections.abc import Sequence

from concord.matching.analysis import Token
from concord.matching.compare import (
    INITIAL,
    JOINED,
    NICKNAME,
    SAME,
    SOUNDS_ALIKE,
    SPELLING,
    TRANSLITERATION,
    VARIANT,
    Alignment,
)

_HOW = {
    SAME: "same word",
    TRANSLITERATION: "same name in another script",
    VARIANT: "known variant of the same name",
    NICKNAME: "nickname",
    INITIAL: "initial",
    SOUNDS_ALIKE: "sounds alike (another transliteration)",
    SPELLING: "close spelling",
    JOINED: "written as one word on one side",
}


def _words(tokens: Sequence[Token], at: Sequence[int]) -> str:
    return " ".join(tokens[i].text for i in at)


def _romanised(tokens: Sequence[Token], at: Sequence[int]) -> str:
    """The Latin reading of words in another script, e.g. ``محمد`` → ``(mhmd)``."""
    if all(tokens[i].text.isascii() for i in at):
        return ""
    return " (" + " ".join(tokens[i].display for i in at) + ")"


def explain_alignment(q: Sequence[Token], c: Sequence[Token], alignment: Alignment) -> list[str]:
    lines = []
    for pair in alignment.pairs:
        how = _HOW.get(pair.how, pair.how)
        lines.append(
            f"{_words(q, pair.q)}{_romanised(q, pair.q)} ↔ {_words(c, pair.c)}"
            f"{_romanised(c, pair.c)}: {how} ({pair.score:.2f})"
        )
    missing = [q[i].text for i in alignment.unmatched_q if not q[i].particle]
    extra = [c[j].text for j in alignment.unmatched_c if not c[j].particle]
    if missing:
        lines.append("not in the record: " + ", ".join(missing))
    if extra:
        lines.append("only in the record: " + ", ".join(extra))
    return lines
