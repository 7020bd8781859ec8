"""A name as written → its tokens, each with Latin forms, skeleton and name symbols.

Token analysis is cached by the token's text: a million names share far fewer
distinct words, so building an index transliterates each word once.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass

from rigour.names import NameTypeTag, analyze_names

from concord.matching.phonetic import skeleton
from concord.matching.transliterate import latin_forms, main_script, split_glued_name

MAX_QUERY_NAME = 300
MAX_TOKENS = 12

# Separators between name words: spaces, punctuation, hyphens of every script.
_SPLIT = re.compile(r"[\s,;/\\|()\[\]{}<>\"“”„«»_+=*&^%$#@!?:.\-‐-―·・،؛]+")
_APOSTROPHES = re.compile(r"['’‘`´ʼʻʿʾ]")

# Words that join names rather than carry them; they weigh almost nothing.
PARTICLES = frozenset(
    {
        "al",
        "el",
        "ul",
        "ad",
        "ar",
        "as",
        "at",
        "az",
        "an",
        "ash",
        "bin",
        "ben",
        "bint",
        "ibn",
        "ebn",
        "abu",
        "abou",
        "bou",
        "bu",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "dos",
        "das",
        "do",
        "la",
        "le",
        "lo",
        "y",
        "mc",
        "st",
        "haji",
        "hajji",
        "sheikh",
        "shaykh",
        "mr",
        "mrs",
        "ms",
        "dr",
    }
)
_SYMBOL_KINDS = ("NAME:", "NICK:", "SYMBOL:")


@dataclass(frozen=True, slots=True, eq=False)
class Token:
    """One word of a name, analysed once and shared by every name that has it."""

    text: str  # casefolded, as written
    latin: tuple[str, ...]  # Latin spellings, most usual first
    skeleton: str  # consonant classes of the first spelling
    skeletons: frozenset[str]  # of every spelling
    symbols: frozenset[str]  # rigour name symbols: same name across scripts, nicknames
    script: str
    particle: bool
    initial: bool
    keys: tuple[str, ...]  # what the index posts a name under for this word
    shortest: int  # length of the shortest Latin spelling, and of the longest:
    longest: int  # a cheap bound before comparing spellings
    heads: frozenset[str]  # the first consonant class of each spelling (see compare._joined)

    @property
    def display(self) -> str:
        return self.latin[0] if self.latin else self.text


@dataclass(frozen=True, slots=True)
class AnalysedName:
    text: str
    tokens: tuple[Token, ...]

    @property
    def scripts(self) -> frozenset[str]:
        return frozenset(t.script for t in self.tokens)


def clean_name(text: str, field: str = "name") -> str:
    """Refuse what is not a name; return it NFKC-normalised and trimmed."""
    from concord.errors import InvalidInput

    if not isinstance(text, str):
        raise InvalidInput("must be a string", field=field)
    if len(text) > MAX_QUERY_NAME:
        raise InvalidInput(f"longer than {MAX_QUERY_NAME} characters", field=field)
    text = unicodedata.normalize("NFKC", text).strip()
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co") and char not in "\u200c\u200d":
            raise InvalidInput(f"contains control character U+{ord(char):04X}", field=field)
    if not any(c.isalnum() for c in text):
        raise InvalidInput("is empty or has no letters", field=field)
    return text


def split_words(text: str) -> list[str]:
    """Casefolded words; apostrophes vanish inside a word (O'Brien, Wa'el, ʿAbbas)."""
    words = [w for w in _SPLIT.split(_APOSTROPHES.sub("", text.casefold())) if w]
    if len(words) == 1:
        glued = split_glued_name(words[0])
        if glued:
            return glued
    return words


@functools.lru_cache(maxsize=500_000)
def token(word: str) -> Token:
    forms = latin_forms(word)
    if not forms:
        forms = (word,)
    first = forms[0]
    skeletons = frozenset(skeleton(f) for f in forms)
    symbols = _symbols(word)
    particle = first in PARTICLES
    initial = len(first) == 1 and not first.isdigit()
    keys: tuple[str, ...] = ()
    if not (particle or initial):
        keys = tuple(
            dict.fromkeys(
                [
                    *("l:" + f for f in forms[:3]),
                    *("k:" + k for k in sorted(skeletons) if len(k) >= 2),
                    *sorted(symbols),
                ]
            )
        )
    return Token(
        text=word,
        latin=forms,
        skeleton=skeleton(first),
        skeletons=skeletons,
        symbols=symbols,
        script=main_script(word),
        particle=particle,
        initial=initial,
        keys=keys,
        shortest=min(len(f) for f in forms),
        longest=max(len(f) for f in forms),
        heads=frozenset(k[:1] for k in skeletons if k),
    )


def _symbols(word: str) -> frozenset[str]:
    found: set[str] = set()
    for name in analyze_names(NameTypeTag.PER, [word], consolidate=False, phonetics=False):
        for span in name.spans:
            if len(span.parts) == 1:
                symbol = str(span.symbol)[1:-1]
                if symbol.startswith(_SYMBOL_KINDS):
                    found.add(sys.intern(symbol))
    return frozenset(found)


def analyse(text: str) -> AnalysedName:
    """Tokens of an already cleaned name; at most ``MAX_TOKENS`` of them are kept."""
    words = split_words(text)[:MAX_TOKENS]
    return AnalysedName(text, tuple(token(w) for w in words))
