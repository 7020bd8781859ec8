"""JSON byte-identical to ``json.dumps(..., ensure_ascii=False)``, faster for string lists.

A manifest check's audit event lists a thousand qids and keys. ``json``'s
encoder with ``ensure_ascii=False`` quotes them one by one, character by
character, under the GIL the checks need; for plain ASCII strings with no
quote, backslash or control character the same output is a join. Anything
else goes to ``json.dumps``. Tests hold both to the same bytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _plain(text: str) -> bool:
    """ASCII with no control character (what json.dumps would escape as \\uXXXX or \\n)."""
    if not text.isascii():
        return False
    codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return not bool((codes < 0x20).any())


def string_list(value: Any) -> str | None:
    """Compact JSON of a long list or tuple of plain strings needing no escape, else None."""
    if type(value) not in (list, tuple) or len(value) <= 8:
        return None
    try:
        text = "".join(value)
    except TypeError:  # not all strings
        return None
    if '"' in text or "\\" in text or not _plain(text):
        return None
    return '["' + '","'.join(value) + '"]'
