"""Match keys for a whole manifest of travel documents at once.

The lean batch path keys a thousand rows a call. Folding the joined numbers in
one ``str.translate`` and splitting them again does the folds of
``identifiers.normalise.document_number_key`` in a few C-level passes instead
of a dozen Python steps per traveller. Rows it cannot key exactly as that
function would (not plain ASCII, an unknown issuing state, a type to filter
on, a number that is empty, too long or holds a refused character) are left
to the full path, which keys them or says why not; a test holds the two to
the same keys.
"""

from __future__ import annotations

import operator
import string
from collections.abc import Sequence
from dataclasses import dataclass

from concord.errors import InvalidInput
from concord.identifiers.icao import normalise_issuing_state
from concord.identifiers.normalise import DOCUMENT_MAX, _is_separator

RAW_MAX = 1000  # normalise refuses longer input before folding: the full path says so
_JOIN = "|"  # neither a separator nor allowed in a number: a row holding it is left over
_SEPARATORS = [c for c in map(chr, range(128)) if _is_separator(c)]
_OCR = {"O": "0", "I": "1"}
# Upper case, the O -> 0 and I -> 1 folds, separators dropped: ASCII only.
_FOLD = str.maketrans(
    {
        **{c: _OCR.get(c.upper(), c.upper()) for c in string.ascii_lowercase},
        **_OCR,
        **dict.fromkeys(_SEPARATORS),
    }
)

# Issuing state as given -> its stored code ("" if unknown), and code -> "D|code|".
_STATES: dict[str, str] = {}
_PREFIXES: dict[str, str] = {}


@dataclass(slots=True)
class Keyed:
    """A manifest keyed: per row, the key ("" if left over), stored state and folded number."""

    keys: list[str]
    states: list[str]
    numbers: list[str]
    left: list[int]  # positions for the full path, ascending


def document_keys(
    numbers: Sequence[object], issuings: Sequence[object], types: Sequence[object]
) -> Keyed:
    """Key every row it can; the rest are listed in ``left`` (their key is "")."""
    states = _states(issuings)
    count = len(states)
    try:
        joined = _JOIN.join(numbers)  # type: ignore[arg-type]
    except TypeError:  # a number that is not text
        joined = None
    if joined is not None and joined.isascii():
        folded = joined.translate(_FOLD).split(_JOIN)
        if (
            len(folded) == count
            and all(states)
            and not any(types)
            and all(map(str.isalnum, folded))
            and max(map(len, folded), default=0) <= DOCUMENT_MAX
            and (len(joined) <= RAW_MAX or max(map(len, numbers)) <= RAW_MAX)  # type: ignore[arg-type]
        ):
            prefixes = map(_PREFIXES.__getitem__, states)
            return Keyed(list(map(operator.add, prefixes, folded)), states, folded, [])
    return _row_by_row(numbers, states, types)


def _row_by_row(numbers: Sequence[object], states: list[str], types: Sequence[object]) -> Keyed:
    """The same keys for a manifest holding odd rows: each row on its own."""
    keys: list[str] = []
    folded: list[str] = []
    left: list[int] = []
    for n, (number, state, doc_type) in enumerate(zip(numbers, states, types, strict=True)):
        part = ""
        if (
            state
            and not doc_type
            and isinstance(number, str)
            and len(number) <= RAW_MAX
            and number.isascii()
        ):
            part = number.translate(_FOLD)
            if len(part) > DOCUMENT_MAX or not part.isalnum():
                part = ""
        if part:
            keys.append(_PREFIXES[state] + part)
        else:
            keys.append("")
            left.append(n)
        folded.append(part)
    return Keyed(keys, states, folded, left)


def _states(issuings: Sequence[object]) -> list[str]:
    """The stored code of each row's issuing state, "" where unknown or not text."""
    get = _STATES.get
    try:
        states = list(map(get, issuings))  # type: ignore[arg-type]
    except TypeError:  # an unhashable value
        states = [get(s) if isinstance(s, str) else "" for s in issuings]
    if all(states):
        return states  # type: ignore[return-value]
    return [s if s is not None else _state(i) for s, i in zip(states, issuings, strict=True)]


def _state(issuing: object) -> str:
    if not isinstance(issuing, str):
        return ""
    try:
        state = normalise_issuing_state(issuing)
    except InvalidInput:
        state = ""
    if state:
        _PREFIXES.setdefault(state, f"D|{state}|")
    if len(_STATES) < 10_000:  # callers repeat a few hundred spellings; bound the rest
        _STATES[issuing] = state
    return state
