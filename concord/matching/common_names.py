"""Words that are common as names somewhere in the world, from Faker's name lists.

A watchlist's own word counts say little about how common a name is at a
border: six thousand sanctioned people hold few Garcías, the travelling
public many. A word that is a common given or family name in any of Faker's
locales weighs at most as much as a frequent word of the index.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from concord.matching.analysis import Token, split_words
from concord.matching.transliterate import latin_forms

_LIST_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "last_names")


@functools.cache
def common_latin_forms() -> frozenset[str]:
    """First Latin spelling of every word of every Faker person-name list."""
    import faker.providers.person as person_providers

    words: set[str] = set()
    for module_info in pkgutil.iter_modules(person_providers.__path__):
        module = importlib.import_module(f"{person_providers.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        if provider is None:
            continue
        for attribute in _LIST_ATTRIBUTES:
            names = vars(provider).get(attribute)
            if isinstance(names, (list, tuple, dict)):
                for name in names:
                    words.update(split_words(str(name)))
    forms = (latin_forms(w) for w in words)
    return frozenset(f[0] for f in forms if f and len(f[0]) > 1)


def is_common(t: Token) -> bool:
    return bool(t.latin) and t.latin[0] in common_latin_forms()
