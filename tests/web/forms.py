"""Reading the web application's forms in tests."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries (failing the test when there is none)."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)
