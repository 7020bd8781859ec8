"""Token similarity and the alignment of a query name with a candidate name.

Two tokens are compared by the strongest evidence they share, strongest
first: the same spelling, the same Latin form from different scripts, a name
symbol (the same given name across scripts, or a nickname), an initial, the
same consonant skeleton, or an edit distance small enough to be a typo. The
alignment is order-free (family name first or last), may join two words on
one side to meet one on the other (Abd al-Rahman / Abdulrahman, Ze Dong /
Zedong), and leaves unmatched words to lower the score: a word of the query
missing from the record more than a middle name the record adds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from concord.matching.analysis import Token, token

SAME = "same"
TRANSLITERATION = "transliteration"
VARIANT = "variant"
NICKNAME = "nickname"
INITIAL = "initial"
SOUNDS_ALIKE = "sounds alike"
SPELLING = "spelling"
JOINED = "joined"

MIN_TOKEN_SIMILARITY = 0.72
# One letter changes a short word into another name (Ying / Jing, Long / Dong).
SHORT_TOKEN_SIMILARITY = 0.85

_similarity_cache: dict[tuple[str, str], tuple[float, str]] = {}


def token_similarity(q: Token, c: Token) -> tuple[float, str]:
    """How alike two tokens are (0 when not at all), and through what."""
    key = (q.text, c.text)
    found = _similarity_cache.get(key)
    if found is None:
        if len(_similarity_cache) > 2_000_000:
            _similarity_cache.clear()
        found = _similarity_cache[key] = _compare_tokens(q, c)
    return found


def _compare_tokens(q: Token, c: Token) -> tuple[float, str]:
    if q.text == c.text:
        return 1.0, SAME
    if not set(q.latin).isdisjoint(c.latin):
        return (1.0, SAME) if q.script == c.script else (0.98, TRANSLITERATION)
    if q.initial or c.initial:
        if q.initial and c.initial:
            return 0.0, ""
        letter = (q if q.initial else c).latin[0]
        other = c if q.initial else q
        if any(form.startswith(letter) for form in other.latin):
            return 0.7, INITIAL
        return 0.0, ""
    shared = q.symbols & c.symbols
    if shared:
        if any(s.startswith("NICK:") for s in shared):
            return 0.9, NICKNAME
        # A Han character is read differently across Chinese, Korean and Japanese.
        return (0.85 if _syllabic(q) or _syllabic(c) else 0.94), VARIANT
    best = spelling_similarity(q, c)
    how = SPELLING
    shared = q.skeletons & c.skeletons
    if shared and max(len(s) for s in shared) >= 3:
        # The same consonants: halfway from the spelling's similarity to certainty.
        best, how = (best + 1) / 2, SOUNDS_ALIKE
    shortest = min(len(q.latin[0]), len(c.latin[0]))
    if best < (SHORT_TOKEN_SIMILARITY if shortest <= 4 else MIN_TOKEN_SIMILARITY):
        return 0.0, ""
    return best, how


def _syllabic(t: Token) -> bool:
    return t.script in ("Han", "Hangul")


def spelling_similarity(q: Token, c: Token) -> float:
    """Indel similarity of the closest pair of Latin spellings."""
    return max(Indel.normalized_similarity(a, b) for a in q.latin for b in c.latin)


@dataclass(frozen=True, slots=True)
class Pair:
    """Query words ``q`` aligned with candidate words ``c``."""

    q: tuple[int, ...]
    c: tuple[int, ...]
    score: float
    how: str


@dataclass(frozen=True, slots=True)
class Alignment:
    pairs: tuple[Pair, ...]
    unmatched_q: tuple[int, ...]
    unmatched_c: tuple[int, ...]
    score: float
    strong_matches: int
    evidence: float  # summed weight of the query words matched other than by initial


Weight = Callable[[Token], float]

# Words left over on both sides conflict (two different family names); words
# left over on one side only are information the other side lacks (a middle
# name, a patronymic, a second family name) and cost much less.
CONFLICT = 1.0
ONE_SIDED = 0.3
JOIN_MIN = 0.84


def _joins(tokens: Sequence[Token]) -> list[tuple[tuple[int, ...], Token]]:
    """Adjacent words written as one (over a particle too: abd al rahman → abdalrahman)."""
    out: list[tuple[tuple[int, ...], Token]] = []
    n = len(tokens)
    for i in range(n - 1):
        a, b = tokens[i], tokens[i + 1]
        if a.initial or b.initial:
            continue
        out.append(((i, i + 1), token(a.text + b.text)))
        if b.particle and i + 2 < n and not tokens[i + 2].initial:
            c = tokens[i + 2]
            out.append(((i, i + 1, i + 2), token(a.text + b.text + c.text)))
    return out


def align(q_tokens: Sequence[Token], c_tokens: Sequence[Token], weight: Weight) -> Alignment:
    """Greedy best-first alignment; every word is used once at most."""
    options: list[Pair] = []
    for i, q in enumerate(q_tokens):
        for j, c in enumerate(c_tokens):
            s, how = token_similarity(q, c)
            if s > 0:
                options.append(Pair((i,), (j,), s, how))
    if len(q_tokens) > 1 or len(c_tokens) > 1:
        options += _joined_options(q_tokens, c_tokens)
    options.sort(key=lambda p: (p.score, len(p.q) + len(p.c)), reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen: list[Pair] = []
    for pair in options:
        if used_q.isdisjoint(pair.q) and used_c.isdisjoint(pair.c):
            chosen.append(pair)
            used_q.update(pair.q)
            used_c.update(pair.c)
    wq = [weight(t) for t in q_tokens]
    wc = [weight(t) for t in c_tokens]
    got = 0.0
    matched = 0.0
    strong = 0
    evidence = 0.0
    for pair in chosen:
        w = (sum(wq[i] for i in pair.q) + sum(wc[j] for j in pair.c)) / 2
        got += w * pair.score
        matched += w
        if pair.how != INITIAL and not all(q_tokens[i].particle for i in pair.q):
            strong += 1
            evidence += w
    unmatched_q = tuple(i for i in range(len(q_tokens)) if i not in used_q)
    unmatched_c = tuple(j for j in range(len(c_tokens)) if j not in used_c)
    missing = sum(wq[i] for i in unmatched_q)
    extra = sum(wc[j] for j in unmatched_c)
    conflict = min(missing, extra)
    total = matched + CONFLICT * conflict + ONE_SIDED * (max(missing, extra) - conflict)
    score = got / total if total > 0 else 0.0
    chosen.sort(key=lambda p: p.q)
    return Alignment(tuple(chosen), unmatched_q, unmatched_c, score, strong, evidence)


def _joined_options(q_tokens: Sequence[Token], c_tokens: Sequence[Token]) -> list[Pair]:
    out: list[Pair] = []
    for span, joined in _joins(q_tokens):
        for j, c in enumerate(c_tokens):
            s = spelling_similarity(joined, c)
            if s >= JOIN_MIN:
                out.append(Pair(span, (j,), s, JOINED))
    for span, joined in _joins(c_tokens):
        for i, q in enumerate(q_tokens):
            s = spelling_similarity(q, joined)
            if s >= JOIN_MIN:
                out.append(Pair((i,), span, s, JOINED))
    return out
