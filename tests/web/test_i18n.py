"""The interface text comes from one catalogue per language, English the fallback."""

from __future__ import annotations

from fastapi.testclient import TestClient

from concord.web.i18n import available, catalogue, choose


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
        for k in re.findall(r"(?<![\w.])t\([\"']([a-z_]+)[\"']\s*[,)]", page.read_text())
    }
    assert keys and keys <= set(catalogue("en").texts)


def test_the_language_menu_sets_a_cookie_and_goes_back(web: TestClient) -> None:
    answer = web.get("/web/language", params={"lang": "en", "back": "/web/check"})
    assert answer.status_code == 303 and answer.headers["location"] == "/web/check"
    assert "concord_lang=en" in answer.headers["set-cookie"]
    elsewhere = web.get("/web/language", params={"lang": "en", "back": "//evil.example/"})
    assert elsewhere.headers["location"] == "/web/home"  # never off the site
    unknown = web.get("/web/language", params={"lang": "xx"})
    assert "concord_lang=en" in unknown.headers["set-cookie"]


def test_the_browser_language_is_the_default() -> None:
    assert choose(None, "xx-XX,en;q=0.5") == "en"
    assert choose("xx", None) == "en"
    for code in available():
        assert choose(None, f"{code}-ZZ,en;q=0.1") == code
        assert choose(code, "en") == code
