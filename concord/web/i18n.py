"""The interface text: one TOML catalogue per language under ``web/locales``, so a
translation is a file, not a code change; Arabic is rendered right to left."""

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
    texts: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        """The text of ``key`` (English when this language lacks it), filled in."""
        text = self.texts.get(key) or catalogue(DEFAULT).texts.get(key) or key
        return text.format(**values) if values else text


@lru_cache(maxsize=8)
def catalogue(language: str = DEFAULT) -> Catalogue:
    path = LOCALES / f"{language}.toml"
    if not path.is_file():
        path = LOCALES / f"{DEFAULT}.toml"
        language = DEFAULT
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Catalogue(language, data["meta"]["direction"], dict(data["text"]))


def available() -> list[str]:
    return sorted(p.stem for p in LOCALES.glob("*.toml"))
