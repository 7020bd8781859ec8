"""The interface text: one folder per language under ``web/locales``, one TOML file
per area of the application inside it, so a translation is a set of files, not a
code change; Arabic is rendered right to left. English is the fallback key by key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
DEFAULT = "en"


@dataclass(frozen=True, slots=True)
class Catalogue:
    language: str
    direction: str  # ltr or rtl
    name: str
    texts: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        """The text of ``key`` (English when this language lacks it), filled in."""
        text = self.texts.get(key) or catalogue(DEFAULT).texts.get(key) or key
        return text.format(**values) if values else text


@lru_cache(maxsize=8)
def catalogue(language: str = DEFAULT) -> Catalogue:
    folder = LOCALES / language
    if not (folder / "_meta.toml").is_file():
        folder, language = LOCALES / DEFAULT, DEFAULT
    meta = tomllib.loads((folder / "_meta.toml").read_text(encoding="utf-8"))["meta"]
    texts: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name != "_meta.toml":
            area = tomllib.loads(path.read_text(encoding="utf-8")).get("text", {})
            clash = texts.keys() & area.keys()
            if clash:
                raise ValueError(f"{path}: keys already defined elsewhere: {sorted(clash)}")
            texts.update(area)
    return Catalogue(language, meta["direction"], meta["name"], texts)


@lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """The languages with a catalogue, read once: every page asks (its language menu)."""
    return tuple(sorted(p.parent.name for p in LOCALES.glob("*/_meta.toml")))


@lru_cache(maxsize=1)
def languages() -> tuple[tuple[str, str], ...]:
    """(code, the language's own name) of every catalogue, for the language menu."""
    return tuple((code, catalogue(code).name) for code in available())


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The language chosen in the menu (its cookie), else the browser's first that has
    a catalogue, else English."""
    have = set(available())
    if cookie in have:
        return str(cookie)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in have:
            return code
    return DEFAULT
