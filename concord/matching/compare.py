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

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from rapidfuzz.distance import Indel

from concord.matching.analysis import Token
from concord.matching.phonetic import skeleton

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
    # Two names both known to rigour, as different names (Mohammed, Mahmoud), are not
    # one name in two transliterations even when their consonants agree.
    known_apart = bool(q.symbols) and bool(c.symbols)
    # From a script that writes no short vowels the consonants are the main evidence,
    # even two of them.
    vowelless = _vowelless(q, c)
    needed = 2 if vowelless else 3
    if shared and not known_apart and max(len(s) for s in shared) >= needed:
        best, how = _sounds_alike(best, vowelless), SOUNDS_ALIKE
    shortest = min(len(q.latin[0]), len(c.latin[0]))
    if best < (SHORT_TOKEN_SIMILARITY if shortest <= 4 else MIN_TOKEN_SIMILARITY):
        return 0.0, ""
    return best, how


# Scripts that leave short vowels unwritten, so a romanisation cannot know them.
VOWELLESS_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana", "Thai"})


def _vowelless(q: Token, c: Token) -> bool:
    return q.script != c.script and (q.script in VOWELLESS_SCRIPTS or c.script in VOWELLESS_SCRIPTS)


def _sounds_alike(spelling: float, vowelless: bool) -> float:
    """The same consonants: halfway from the spelling's similarity to certainty; further
    from a script without short vowels (ใจดี → cidi, Jaidee; محمد → mhmd)."""
    if vowelless:
        return 0.75 + 0.25 * spelling
    return (spelling + 1) / 2


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


# Words left over on both sides conflict (two different family names); words
# left over on one side only are information the other side lacks (a middle
# name, a patronymic, a second family name) and cost much less.
CONFLICT = 1.0
ONE_SIDED = 0.3
JOIN_MIN = 0.84


_spelling_cache: dict[tuple[str, str], float] = {}


@dataclass(frozen=True, slots=True)
class JoinedForms:
    """Adjacent words written as one: their Latin spellings and the script of the first."""

    forms: tuple[str, ...]
    script: str
    shortest: int
    longest: int
    heads: frozenset[str]  # first consonant classes the joined spelling can start with


_joined_forms_cache: dict[tuple[str, ...], JoinedForms] = {}
# What ``skeleton`` gives a word with no consonant (its first letter, capitalised).
_VOWEL_ONLY = frozenset("AEIOUY")


def _joined_forms(key: tuple[str, ...], words: Sequence[Token]) -> JoinedForms:
    """Two words glued, or three over a particle in the middle (abd al rahman): the same
    pairs come back for each of a query's candidates, so they are kept by ``key``, the
    words' texts."""
    found = _joined_forms_cache.get(key)
    if found is None:
        if len(_joined_forms_cache) > 500_000:
            _joined_forms_cache.clear()
        a, *middle, z = words
        glue = "".join(m.latin[0] for m in middle)
        forms = tuple({x + glue + y for x in a.latin[:2] for y in z.latin[:2]})
        heads = a.heads
        if not a.skeleton or a.skeleton in _VOWEL_ONLY:  # all vowels: the next word leads
            heads = heads.union(*(w.heads for w in words[1:]))
        found = _joined_forms_cache[key] = JoinedForms(
            forms, a.script, min(map(len, forms)), max(map(len, forms)), heads
        )
    return found


def _joins(
    tokens: Sequence[Token], free: set[int], heads: frozenset[str]
) -> list[tuple[tuple[int, ...], JoinedForms]]:
    """Adjacent words written as one (over a particle too: abd al rahman → abdalrahman),
    at least one of them left free by the first alignment, starting with one of
    ``heads`` (see ``_joined``): the span and its forms."""
    out: list[tuple[tuple[int, ...], JoinedForms]] = []
    n = len(tokens)
    for i in range(n - 1):
        a, b = tokens[i], tokens[i + 1]
        if a.initial or b.initial or (i not in free and i + 1 not in free):
            continue
        if a.heads.isdisjoint(heads) and a.skeleton not in _VOWEL_ONLY:
            continue
        out.append(((i, i + 1), _joined_forms((a.text, b.text), (a, b))))
        if b.particle and i + 2 < n and not tokens[i + 2].initial:
            c = tokens[i + 2]
            out.append(((i, i + 1, i + 2), _joined_forms((a.text, b.text, c.text), (a, b, c))))
    return out


def _joined_similarity(joined: JoinedForms, t: Token) -> float:
    """Like two tokens' similarity, from spelling and consonants only."""
    forms, script = joined.forms, joined.script
    key = (forms[0], t.text)
    found = _spelling_cache.get(key)
    if found is None:
        if len(_spelling_cache) > 1_000_000:
            _spelling_cache.clear()
        found = max(Indel.normalized_similarity(f, g) for f in forms for g in t.latin)
        vowelless = script != t.script and bool(VOWELLESS_SCRIPTS.intersection((script, t.script)))
        # the consonants lift a spelling halfway (more from a vowelless script): below
        # this no lift reaches JOIN_MIN, and the skeletons need not be made
        if found >= (_VOWELLESS_LIFTABLE if vowelless else _LIFTABLE):
            shared = {skeleton(f) for f in forms} & t.skeletons
            if shared and max(len(k) for k in shared) >= 3:
                found = _sounds_alike(found, vowelless)
        _spelling_cache[key] = found
    return found


# Spelling similarity a join needs before the consonants are compared (see _sounds_alike).
_LIFTABLE = 2 * JOIN_MIN - 1
_VOWELLESS_LIFTABLE = (JOIN_MIN - 0.75) / 0.25


# An option: (score, words it spans, query span, candidate span, how).
_Option = tuple[float, int, tuple[int, ...], tuple[int, ...], str]
_RANK = itemgetter(0, 1)


def _greedy(options: list[_Option]) -> tuple[list[_Option], set[int], set[int]]:
    options.sort(key=_RANK, reverse=True)  # stable: ties keep the words' order
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen: list[_Option] = []
    for option in options:
        if used_q.isdisjoint(option[2]) and used_c.isdisjoint(option[3]):
            chosen.append(option)
            used_q.update(option[2])
            used_c.update(option[3])
    return chosen, used_q, used_c


def align(
    q_tokens: Sequence[Token],
    c_tokens: Sequence[Token],
    wq: Sequence[float],
    wc: Sequence[float],
) -> Alignment:
    """Greedy best-first alignment; every word is used once at most. ``wq`` and ``wc``
    are the words' weights."""
    options: list[_Option] = []
    cache = _similarity_cache
    for i, q in enumerate(q_tokens):
        for j, c in enumerate(c_tokens):
            found = cache.get((q.text, c.text))
            if found is None:
                found = token_similarity(q, c)
            if found[0] > 0:
                options.append((found[0], 2, (i,), (j,), found[1]))
    chosen, used_q, used_c = _greedy(options)
    nq, nc = len(q_tokens), len(c_tokens)
    if (len(used_q) < nq or len(used_c) < nc) and (nq > 1 or nc > 1):
        free_q = set(range(nq)) - used_q
        free_c = set(range(nc)) - used_c
        joined = _joined_options(q_tokens, c_tokens, free_q, free_c)
        if joined:
            chosen, used_q, used_c = _greedy(options + joined)
    got = 0.0
    matched = 0.0
    strong = 0
    evidence = 0.0
    pairs = []
    for score, _, qs, cs, how in chosen:
        w = (sum(wq[i] for i in qs) + sum(wc[j] for j in cs)) / 2
        got += w * score
        matched += w
        if how != INITIAL and not all(q_tokens[i].particle for i in qs):
            strong += 1
            evidence += w
        pairs.append(Pair(qs, cs, score, how))
    unmatched_q = tuple(i for i in range(nq) if i not in used_q)
    unmatched_c = tuple(j for j in range(nc) if j not in used_c)
    missing = sum(wq[i] for i in unmatched_q)
    extra = sum(wc[j] for j in unmatched_c)
    conflict = min(missing, extra)
    total = matched + CONFLICT * conflict + ONE_SIDED * (max(missing, extra) - conflict)
    score = got / total if total > 0 else 0.0
    pairs.sort(key=lambda p: p.q)
    return Alignment(tuple(pairs), unmatched_q, unmatched_c, score, strong, evidence)


def _joined_options(
    q_tokens: Sequence[Token], c_tokens: Sequence[Token], free_q: set[int], free_c: set[int]
) -> list[_Option]:
    """Two words on one side against one free word on the other."""
    out: list[_Option] = [
        (s, len(span) + 1, span, (j,), JOINED)
        for span, j, s in _joined(q_tokens, free_q, c_tokens, free_c)
    ]
    out += [
        (s, len(span) + 1, (i,), span, JOINED)
        for span, i, s in _joined(c_tokens, free_c, q_tokens, free_q)
    ]
    return out


def _joined(
    joining: Sequence[Token], free: set[int], other: Sequence[Token], other_free: set[int]
) -> list[tuple[tuple[int, ...], int, float]]:
    """Adjacent words of ``joining`` as one, against each free word of ``other``."""
    found: list[tuple[tuple[int, ...], int, float]] = []
    if not other_free:
        return found
    # an initial cannot meet two joined words
    targets = [k for k in other_free if not other[k].initial]
    if not targets:
        return found
    heads = frozenset().union(*(other[k].heads for k in targets))
    for span, joined in _joins(joining, free, heads):
        for k in targets:
            # two words written as one start as the first of them does (Abu Bakr,
            # Boubaker; Al-Din, Eldin): the first consonant class must be shared
            if not joined.heads.isdisjoint(other[k].heads) and _could_join(joined, other[k]):
                s = _joined_similarity(joined, other[k])
                if s >= JOIN_MIN:
                    found.append((span, k, s))
    return found


def _could_join(joined: JoinedForms, t: Token) -> bool:
    """Indel similarity is at most 2·min/(sum) of the lengths: skip what cannot reach
    (skeletons can lift it, so only what is far off). 2·min ≥ 0.6·sum holds for some
    pair of spellings when the longer is at most 7/3 of the shorter."""
    return 3 * t.shortest <= 7 * joined.longest and 3 * joined.shortest <= 7 * t.longest
