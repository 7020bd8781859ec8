"""Finding listed terms in free text, in any of the platform's languages.

A requester types a text however their keyboard and habits go: capitals or not,
accents or not, Arabic with or without vowel marks, with its prefixes attached. A term
must match all of these and nothing else: whole words only (``assembly`` is not in
``reassembly``), a trailing ``*`` for a stem (``insult*``), several words for a phrase,
whatever separates them. The compliance rules (``compliance.py``) are the user; this
module knows nothing of notices.

- ``fold``: text as terms compare it.
- ``Term.parse``: a term as written in the rules file; a bad one raises ValueError.
- ``TermIndex(terms).find(text)``: every place a term matches, with its span in the text.
- ``Words(text)``: a text read once, for a caller that searches it with several indexes.

Pure: no database, no network.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

STEM_MIN: Final = 3  # a shorter stem would match far too many words
_EXCERPT_MAX = 120
_MARKS_DROPPED_AFTER = frozenset({"LATIN", "GREEK", "CYRILLIC", "ARABIC"})
_CYRILLIC_BREVE = "\u0306"  # й and ў are letters of their own, not и and у with an accent
_LETTERS = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maksura
        "ی": "ي",  # Farsi yeh, typed on Persian keyboards
        "ک": "ك",  # keheh
        "ة": "ه",  # taa marbuta
        "ـ": None,  # tatweel
        "ء": None,  # a lone hamza: its seats (أ إ ؤ ئ) lose it too, spellings vary
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)

# -- folding and words --------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The script a character belongs to, by the first word of its Unicode name."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def fold(text: str) -> str:
    """Text as the rules compare it: case, accents, Arabic vowel marks and spelling variants
    folded away, so a term matches however the requester typed it."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    kept: list[str] = []
    script = ""
    for char in decomposed:
        if not _is_mark(char):
            script = _script(char)
        elif script in _MARKS_DROPPED_AFTER and not (
            script == "CYRILLIC" and char == _CYRILLIC_BREVE
        ):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_LETTERS)


def _spans(text: str) -> Iterator[tuple[int, int]]:
    """Runs of letters, marks and digits: everything else separates words. (Scripts written
    without spaces, such as Chinese or Thai, would need a word splitter of their own.)"""
    start: int | None = None
    for index, char in enumerate(text):
        if _is_word_char(char):
            if start is None:
                start = index
        elif start is not None:
            yield start, index
            start = None
    if start is not None:
        yield start, len(text)


def _folded_words(text: str) -> list[str]:
    folded = fold(text)
    return [folded[start:end] for start, end in _spans(folded)]


def _is_arabic(word: str) -> bool:
    return _script(word[0]) == "ARABIC"


def _arabic_forms(word: str) -> tuple[tuple[str, bool], ...]:
    """The word, and the word without the prefixes Arabic writes attached to it: and (و ف),
    with/like/for (ب ك ل), the article ال (after ل written لل). Each form says whether
    an article was taken off."""
    forms = {(word, False)}
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ك", "ل"):
            head = conj + prep
            rest = word[len(head) :]
            if not word.startswith(head) or len(rest) < 2:
                continue
            if head:
                forms.add((rest, False))
            article = "ل" if prep == "ل" else "ال"
            if rest.startswith(article) and len(rest) - len(article) >= 2:
                forms.add((rest[len(article) :], True))
            if prep == "ل" and rest.startswith("ل"):  # ل + الل… is written لل…
                forms.add((rest, True))
    return tuple(sorted(forms))


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of a text: where it is in the original, and the folded forms it may match."""

    start: int
    end: int
    forms: tuple[tuple[str, bool], ...]


class Words:
    """A text read into words once, so that several term indexes can search it without
    reading it again (a rule looks for many categories of terms in the same text)."""

    __slots__ = ("_words", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        words: list[_Word] = []
        for start, end in _spans(text):
            for part in _folded_words(text[start:end]):
                forms = _arabic_forms(part) if _is_arabic(part) else ((part, False),)
                words.append(_Word(start, end, forms))
        self._words: tuple[_Word, ...] = tuple(words)


# -- terms --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TermWord:
    text: str  # folded; an Arabic article is kept in `article`, not here
    stem: bool  # written with a trailing *: any word that starts with `text`
    article: bool  # written with ال: the text's word must carry the article too

    def matches(self, word: _Word) -> bool:
        for form, has_article in word.forms:
            if self.article and not has_article:
                continue
            if form.startswith(self.text) if self.stem else form == self.text:
                return True
        return False


def _term_word(part: str, stem: bool) -> _TermWord:
    article = _is_arabic(part) and part.startswith("ال") and len(part) >= 4
    text = part[2:] if article else part
    if stem and len(text) < STEM_MIN:
        raise ValueError(f"has a stem {text!r}* shorter than {STEM_MIN} letters")
    return _TermWord(text, stem, article)


@dataclass(frozen=True, slots=True, eq=False)
class Term:
    """A term as listed, ready to match. Compared by identity: a term listed twice is two
    entries of the list, each reported on its own."""

    written: str  # as in the rules file, for the evidence
    language: str
    words: tuple[_TermWord, ...]

    @classmethod
    def parse(cls, written: str, language: str) -> Term:
        """The term's words; ``*`` may only end a word. Raises ValueError with the reason,
        worded to follow the term (``term 'x*y' has a '*' that ...``)."""
        spans = list(_spans(written))
        ends = {end for _, end in spans}
        stars = {index for index, char in enumerate(written) if char == "*"}
        for index in stars:
            followed = index + 1 < len(written) and _is_word_char(written[index + 1])
            if index not in ends or followed:
                raise ValueError("has a '*' that does not end a word (write stem*)")
        words: list[_TermWord] = []
        for start, end in spans:
            parts = _folded_words(written[start:end])
            words.extend(
                _term_word(part, end in stars and k == len(parts) - 1)
                for k, part in enumerate(parts)
            )
        if not words:
            raise ValueError("has no word")
        return cls(written, language, tuple(words))


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found in a text, from the start of its first word to the end of its last."""

    term: Term
    start: int
    end: int

    def excerpt(self, text: str) -> str:
        """The words matched as the requester wrote them, on one line, cut if very long."""
        quoted = " ".join(text[self.start : self.end].split())
        if len(quoted) <= _EXCERPT_MAX:
            return quoted
        return quoted[: _EXCERPT_MAX - 3] + "..."


class TermIndex:
    """Terms filed by their first word, so a text is read once whatever the number of terms."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = tuple(terms)
        # Each term with its place in the list: hits on one word follow the list's order.
        self._exact: dict[str, list[tuple[int, Term]]] = {}
        self._prefix: dict[str, list[tuple[int, Term]]] = {}
        for place, term in enumerate(self.terms):
            first = term.words[0]
            if first.stem:
                self._prefix.setdefault(first.text[:STEM_MIN], []).append((place, term))
            else:
                self._exact.setdefault(first.text, []).append((place, term))

    def find(self, text: str | Words) -> list[Hit]:
        """Every match, by the position of its first word, then the terms' order."""
        words = (text if isinstance(text, Words) else Words(text))._words
        hits: list[Hit] = []
        for index, word in enumerate(words):
            for term in self._candidates(word):
                last = index + len(term.words) - 1
                if last < len(words) and all(
                    term_word.matches(words[index + k]) for k, term_word in enumerate(term.words)
                ):
                    hits.append(Hit(term, word.start, words[last].end))
        return hits

    def _candidates(self, word: _Word) -> list[Term]:
        found: dict[int, Term] = {}
        for form, _ in word.forms:
            for place, term in (*self._exact.get(form, ()), *self._prefix.get(form[:STEM_MIN], ())):
                found[place] = term
        return [found[place] for place in sorted(found)]
