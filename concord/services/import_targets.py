"""Import targets by name, so a parsing process can rebuild the one it is given."""

from __future__ import annotations

from concord.domain.principal import Principal
from concord.services.importer import Target


def target_named(name: str, principal: Principal) -> Target:
    from concord.services import import_objects, import_persons
    from concord.store.kinds import BY_NAME

    if name == import_persons.TARGET.name:
        return import_persons.TARGET
    return import_objects.target_for(BY_NAME[name], principal)
