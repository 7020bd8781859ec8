"""Latin forms of single words in every script the check must handle."""

from __future__ import annotations

import pytest

from concord.matching.analysis import split_words, token
from concord.matching.transliterate import latin_forms, main_script, split_glued_name

CASES = [
    # (word as written, script, a Latin form it must have)
    ("щербаков", "Cyrillic", "shcherbakov"),
    ("ščerbakov", "Latin", "shcherbakov"),
    ("müller", "Latin", "mueller"),
    ("müller", "Latin", "muller"),
    ("γεώργιος", "Greek", "georgios"),
    ("محمد", "Arabic", "mhmd"),
    ("الرحمن", "Arabic", "rhmn"),
    ("כהן", "Hebrew", "khn"),
    ("毛", "Han", "mao"),
    ("泽东", "Han", "zedong"),
    ("やまだ", "Hiragana", "yamada"),
    ("タロウ", "Katakana", "taro"),
    ("김", "Hangul", "kim"),
    ("정은", "Hangul", "jeongeun"),
    ("दाहाल", "Devanagari", "dahal"),
    ("สมชาย", "Thai", "smchay"),
    ("გიორგი", "Georgian", "giorgi"),
    ("խաչատրյան", "Armenian", "khachatryan"),
]


@pytest.mark.parametrize(("word", "script", "latin"), CASES)
def test_latin_forms(word: str, script: str, latin: str) -> None:
    assert main_script(word) == script
    assert latin in latin_forms(word)


def test_glued_chinese_and_korean_names_split_into_family_and_given() -> None:
    assert split_glued_name("毛泽东") == ["毛", "泽东"]
    assert split_glued_name("欧阳修") == ["欧阳", "修"]
    assert split_glued_name("김정은") == ["김", "정은"]
    assert split_glued_name("mao") is None
    assert split_words("毛泽东") == ["毛", "泽东"]


def test_words_split_on_punctuation_and_apostrophes_vanish() -> None:
    assert split_words("AL-'ANZI, Wa'el  O’Brien") == ["al", "anzi", "wael", "obrien"]
    assert split_words("Jean-Claude VAN DAMME") == ["jean", "claude", "van", "damme"]


def test_tokens_know_particles_initials_and_keys() -> None:
    assert token("al").particle and not token("al").keys
    assert token("j").initial and not token("j").keys
    muhammad = token("muhammad")
    assert "l:muhammad" in muhammad.keys
    assert "k:MHMT" in muhammad.keys
    # rigour's name symbols link the Arabic and Latin spellings of the same given name
    assert muhammad.symbols & token("محمد").symbols
