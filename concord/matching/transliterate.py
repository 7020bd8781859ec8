"""Latin forms of one name token, whatever its script.

Cyrillic, Greek, Georgian and Armenian go through rigour's romanisation
(BGN-like: Щербаков → shcherbakov); Han, kana, Hangul, Arabic, Hebrew, Thai
and the Indic scripts through ICU, one character or syllable at a time where
ICU would glue a name together. A token can have several Latin forms: German
umlauts written out or not, Slavic háčeks spelled as digraphs or dropped, a
Japanese long vowel doubled or not, the schwa ICU adds to Devanagari.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import icu
from rigour._core import maybe_ascii, text_scripts

_NON_LETTERS = re.compile(r"[^a-z0-9]+")

# Diacritics whose ASCII-only fold loses a sound: Ščerbakov is Shcherbakov.
_DIGRAPH_FOLD = str.maketrans(
    {
        "š": "sh",
        "č": "ch",
        "ž": "zh",
        "ŝ": "shch",
        "ć": "ch",
        "đ": "dj",
        "ř": "rz",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "å": "aa",
        "ø": "oe",
        "æ": "ae",
        "ñ": "ny",
        "ğ": "g",
        "ş": "sh",
        "ç": "ch",
        "ı": "i",
    }
)

# Scripts rigour romanises well on its own.
_RIGOUR_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek", "Georgian", "Armenian"})
_SYLLABIC = frozenset({"Han", "Hangul"})
_INDIC = frozenset(
    {"Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu", "Kannada", "Malayalam"}
)

# Romanisations of the commonest Korean surnames beside the Revised one ICU gives.
KOREAN_SURNAMES: dict[str, tuple[str, ...]] = {
    "gim": ("kim",),
    "i": ("lee", "yi", "rhee", "ri"),
    "bag": ("park", "pak", "bak"),
    "choe": ("choi", "choe"),
    "jeong": ("jung", "chung", "jeong"),
    "gang": ("kang",),
    "jo": ("cho", "jo"),
    "yun": ("yoon", "yun"),
    "jang": ("chang", "jang"),
    "im": ("lim", "im"),
    "han": ("han",),
    "sin": ("shin", "sin"),
    "o": ("oh",),
    "seo": ("suh", "seo"),
    "gwon": ("kwon",),
    "hwang": ("hwang",),
    "song": ("song",),
    "ryu": ("yoo", "yu", "ryu"),
    "hong": ("hong",),
    "go": ("ko", "koh"),
    "mun": ("moon", "mun"),
    "yang": ("yang",),
    "bae": ("bae",),
    "baeg": ("baek", "paik"),
    "heo": ("heo", "hur"),
    "no": ("noh", "roh"),
    "ha": ("ha",),
    "jeon": ("jeon", "chun"),
    "gu": ("koo", "ku"),
    "u": ("woo",),
    "nam": ("nam",),
}

# Chinese family names of two characters: the rest of a glued name is the given name.
HAN_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "司徒",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "令狐",
        "夏侯",
        "端木",
        "歐陽",
        "諸葛",
        "東方",
        "長孫",
    }
)


@functools.cache
def _icu(rules: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(rules)


def _letters(text: str) -> str:
    return _NON_LETTERS.sub("", text.lower())


def scripts_of(text: str) -> frozenset[str]:
    """The Unicode scripts of a text's letters (common marks and digits excluded)."""
    return frozenset(text_scripts(text))


def main_script(text: str) -> str:
    """The script of a token: the first non-Latin one it uses, else Latin (or Common)."""
    found = scripts_of(text)
    others = sorted(found - {"Latin"})
    if others:
        return others[0]
    return "Latin" if found else "Common"


def syllables(token: str, script: str) -> list[str]:
    """Han characters or Hangul blocks one by one, each romanised (毛泽东 → mao, ze, dong)."""
    rules = "Han-Latin; Latin-ASCII" if script == "Han" else "Hangul-Latin; Latin-ASCII"
    tr = _icu(rules)
    return [s for s in (_letters(tr.transliterate(ch)) for ch in token) if s]


def split_glued_name(token: str) -> list[str] | None:
    """A Chinese or Korean name written without spaces, split into family and given name."""
    script = main_script(token)
    if script not in _SYLLABIC or not 2 <= len(token) <= 4:
        return None
    cut = 2 if script == "Han" and token[:2] in HAN_COMPOUND_SURNAMES else 1
    return [token[:cut], token[cut:]]


@functools.cache
def latin_forms(token: str) -> tuple[str, ...]:
    """Every Latin spelling of a casefolded token, the most usual first; () if it has none."""
    script = main_script(token)
    forms: list[str] = []
    if token.isascii():
        forms.append(_letters(token))
    elif script in _RIGOUR_SCRIPTS:
        if script == "Latin":
            forms.append(_letters(unicodedata.normalize("NFC", token).translate(_DIGRAPH_FOLD)))
        forms.append(_letters(maybe_ascii(token)))
    elif script in _SYLLABIC:
        parts = syllables(token, script)
        forms.append("".join(parts))
        if script == "Hangul" and len(parts) == 1:
            forms.extend(KOREAN_SURNAMES.get(parts[0], ()))
    else:
        raw = _icu("Any-Latin; Latin-ASCII").transliterate(token)
        romanised = _letters(raw)
        forms.append(romanised)
        if script == "Arabic" and "ʿ" in raw:  # an ayn is often written as a vowel: ʿbd → abd
            forms.append(_letters(raw.replace("ʿ", "a")))
        forms.extend(_script_variants(romanised, script))
    forms = [f for f in forms if f]
    if script in ("Hiragana", "Katakana"):
        forms.extend(_long_vowels_short(f) for f in list(forms))
    return tuple(dict.fromkeys(forms))


def _script_variants(romanised: str, script: str) -> list[str]:
    """Spellings a romanisation misses: Devanagari without the final schwa, Arabic without al-."""
    out: list[str] = []
    if script == "Thai" and "c" in romanised:  # ICU writes จ as c, the RTGS as ch
        out.append(romanised.replace("c", "ch"))
    if script in _INDIC and len(romanised) > 3 and romanised.endswith("a"):
        out.append(romanised[:-1])
    if script in ("Arabic", "Hebrew"):
        stem = romanised
        if script == "Arabic" and romanised.startswith("al") and len(romanised) > 4:
            stem = romanised[2:]
            out.append(stem)
        if script == "Arabic" and stem.endswith("h") and len(stem) > 3:  # ta marbuta, final he
            out.append(stem[:-1] + "a")
        # w and y inside a word mostly write long vowels (jbwry: Jaburi, Jubouri)
        inner = stem[:1] + stem[1:].replace("w", "").replace("y", "")
        if inner != stem and len(inner) >= 2:
            out.append(inner)
    return out


def _long_vowels_short(form: str) -> str:
    return form.replace("ou", "o").replace("oo", "o").replace("uu", "u").replace("ei", "e")
