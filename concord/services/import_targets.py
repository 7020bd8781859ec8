"""Import targets by name, so a parsing process can rebuild the one it is given."""

from __future__ import annotations

from concord.domain.principal import Principal
from concord.services.importer import Target


def target_named(name: str, principal: Principal) -> Target:
    """Only the module the target needs is imported: a parsing process starts sooner."""
    from concord.store.kinds import BY_NAME

    if name in BY_NAME:
        from concord.services import import_objects

        return import_objects.target_for(BY_NAME[name], principal)
    from concord.services import import_persons

    if name != import_persons.TARGET.name:
        raise KeyError(name)
    return import_persons.TARGET
