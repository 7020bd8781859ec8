"""The fast JSON of batch events is byte for byte what json.dumps writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from concord.audit import fastjson
from concord.audit.events import canonical

# Long text, mostly ASCII, sometimes with quotes, backslashes, controls or non-ASCII.
PIECES = st.sampled_from(['"', "\\", "\n", "\x00", "\x1f", "\x7f", "é", "ж", "D|FRA|AB1", " "])
LONG_TEXT = (
    st.lists(PIECES | st.text(max_size=20), max_size=120).map("".join).map(lambda t: "x" * 260 + t)
)
TEXT = LONG_TEXT | st.text(max_size=40)


@given(st.lists(TEXT, max_size=40) | st.lists(st.integers() | st.none(), max_size=12))
def test_string_list_is_json_dumps_or_declines(values: list[Any]) -> None:
    for value in (values, tuple(values)):
        fast = fastjson.string_list(value)
        assert fast is None or fast == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    plain = [f"D|FRA|AB{i:07d}" for i in range(20)]
    assert fastjson.string_list(plain) == json.dumps(plain, separators=(",", ":"))


@given(st.integers(min_value=1), TEXT | st.none(), st.text(max_size=10), st.none() | st.integers())
def test_canonical_is_the_documented_json(
    seq: int, details: Any, actor: str, actor_id: Any
) -> None:
    row = {
        "at": "2026-01-01T00:00:00.000000Z",
        "actor_id": actor_id,
        "actor": actor,
        "actor_role": "frontline",
        "actor_country": "FRA",
        "action": "check.batch",
        "resource": "check",
        "resource_id": None,
        "outcome": "no_hit",
        "details": details,
    }
    expected = json.dumps(
        [seq, *(row[k] for k in row)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert canonical(seq, row) == expected
