"""Manifest keying: the same keys as the one normalisation, row by row and batch-wise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from concord.errors import InvalidInput
from concord.identifiers.icao import normalise_issuing_state
from concord.identifiers.normalise import document_number_key
from concord.index.manifest import document_keys

ASCII_NUMBERS = st.text(alphabet=st.characters(max_codepoint=127), max_size=45)
NUMBERS = ASCII_NUMBERS | st.text(max_size=12) | st.sampled_from(["C01X00T47", "c01 x00-t47"])
STATES = st.sampled_from(["DEU", "D", "de", "FRA", "fr", "QQQ", "", "XXA", "gbr"])


def _expected(number: str, issuing: str) -> str | None:
    try:
        return f"D|{normalise_issuing_state(issuing)}|{document_number_key(number)}"
    except InvalidInput:
        return None


@given(st.lists(st.tuples(NUMBERS, STATES, st.sampled_from([None, None, "", "passport"]))))
def test_keys_match_the_one_normalisation(rows: list[tuple[str, str, str | None]]) -> None:
    numbers, issuings, types = ([r[i] for r in rows] for i in range(3))
    keyed = document_keys(numbers, issuings, types)
    assert len(keyed.keys) == len(keyed.states) == len(keyed.numbers) == len(rows)
    assert keyed.left == sorted(keyed.left)
    for n, (number, issuing, doc_type) in enumerate(rows):
        expected = _expected(number, issuing)
        if n in keyed.left:
            assert keyed.keys[n] == ""
            # Left over only for a reason: a type, non-ASCII text, or input the full path refuses.
            assert doc_type or not number.isascii() or expected is None
        else:
            assert keyed.keys[n] == expected
            assert keyed.keys[n] == f"D|{keyed.states[n]}|{keyed.numbers[n]}"


def test_a_clean_manifest_is_keyed_in_one_pass() -> None:
    keyed = document_keys(["c0i-x00 t47", "12AB34567"], ["D", "FRA"], [None, ""])
    assert keyed.keys == ["D|DEU|C01X00T47", "D|FRA|12AB34567"]
    assert keyed.left == []


def test_odd_rows_are_left_to_the_full_path() -> None:
    numbers = ["C01X00T47", "ÄÖ", "A|B", "A" * 41, " " * 1000 + "A", "", "X1", 5]
    issuings = ["DEU", "DEU", "DEU", "DEU", "DEU", "DEU", "QQQ", "DEU"]
    keyed = document_keys(numbers, issuings, [None] * len(numbers))
    assert keyed.keys[0] == "D|DEU|C01X00T47"
    assert keyed.left == [1, 2, 3, 4, 5, 6, 7]
