"""The interface text comes from one catalogue per language, English the fallback."""

from __future__ import annotations

from concord.web.i18n import available, catalogue


def test_english_is_there_and_the_fallback() -> None:
    english = catalogue("en")
    assert english.direction == "ltr" and english("login_title") == "Log in"
    assert catalogue("xx").language == "en"  # an unknown language: English
    assert english("session_note", minutes=15).startswith("Your session closes after 15")
    assert english("no_such_key") == "no_such_key"  # visible, never a crash
    assert "en" in available()


def test_every_template_text_is_in_the_catalogue() -> None:
    import re
    from pathlib import Path

    import concord.web

    templates = Path(concord.web.__file__).parent / "templates"
    keys = {
        k
        for page in templates.rglob("*.html")
        for k in re.findall(r"t\([\"']([a-z_]+)[\"']\s*[,)]", page.read_text())
    }
    assert keys and keys <= set(catalogue("en").texts)
