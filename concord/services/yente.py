"""The request and answer shapes of OpenSanctions yente's ``/match``, on Concord's checks.

A query is a FollowTheMoney entity: ``{"schema": "Person", "properties": {"name":
[...], "birthDate": [...], "nationality": [...], "gender": [...]}}`` (also
``firstName``, ``middleName``, ``fatherName``, ``lastName``, ``alias``). Each of
its names is checked; a record keeps its best score. Answers follow yente's
``EntityMatchResponse``: per query a status, the results (entities with
``score``, ``match`` and ``features``) and the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from concord.domain.principal import Principal
from concord.errors import ConcordError, InvalidInput
from concord.services.person_checks import PersonChecker

_NAME_PROPS = ("name", "alias")
_PART_PROPS = ("firstName", "middleName", "fatherName", "lastName")
_KNOWN = frozenset(
    {*_NAME_PROPS, *_PART_PROPS, "birthDate", "nationality", "citizenship", "gender", "country"}
)
MAX_QUERIES = 100


def match_queries(
    checker: PersonChecker,
    principal: Principal,
    body: Mapping[str, Any],
    dataset: str,
    limit: int,
    threshold: float | None,
) -> dict[str, Any]:
    queries = body.get("queries")
    if not isinstance(queries, Mapping) or not queries:
        raise InvalidInput("must be an object of named entity queries", field="queries")
    if len(queries) > MAX_QUERIES:
        raise InvalidInput(f"at most {MAX_QUERIES} queries", field="queries")
    cut = checker.thresholds.hit if threshold is None else threshold
    responses: dict[str, Any] = {}
    for name, query in queries.items():
        try:
            items = _items(query, f"queries.{name}")
            results = _best(checker, principal, items)
        except ConcordError as exc:
            responses[name] = {"status": 400, "error": exc.as_dict(), "results": []}
            continue
        shown = results[:limit]
        responses[name] = {
            "status": 200,
            "results": [_entity(c, dataset, cut) for c in shown],
            "total": {"value": len(results), "relation": "eq"},
            "query": query,
        }
    return {
        "responses": responses,
        "matcher": {"name": "concord", "thresholds": {"match": cut}},
        "limit": limit,
    }


def _items(query: Any, field: str) -> list[dict[str, Any]]:
    if not isinstance(query, Mapping):
        raise InvalidInput("must be an entity object", field=field)
    schema = query.get("schema")
    if schema not in ("Person", "LegalEntity", "Thing"):
        raise InvalidInput("only Person queries are supported", field=field + ".schema")
    props = query.get("properties") or {}
    if not isinstance(props, Mapping):
        raise InvalidInput("must be an object", field=field + ".properties")
    values: dict[str, list[str]] = {}
    for key, value in props.items():
        if key not in _KNOWN:
            continue
        seq = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in seq):
            raise InvalidInput("values must be strings", field=f"{field}.properties.{key}")
        values[key] = [v for v in seq if v.strip()][:20]
    names = [n for k in _NAME_PROPS for n in values.get(k, [])]
    parts = [" ".join(values[k]) for k in _PART_PROPS if values.get(k)]
    if parts:
        names.append(" ".join(parts))
    if not names:
        raise InvalidInput("a Person query needs a name", field=field + ".properties.name")
    dob = next(iter(values.get("birthDate", [])), None)
    countries = values.get("nationality") or values.get("citizenship") or []
    gender = next(iter(values.get("gender", [])), None)
    sex = {"male": "M", "female": "F"}.get((gender or "").lower())
    return [
        {"name": n, "dob": dob, "nationality": countries[:10] or None, "sex": sex}
        for n in dict.fromkeys(names)
    ]


def _best(checker: PersonChecker, principal: Principal, items: list[dict[str, Any]]) -> list[Any]:
    best: dict[Any, dict[str, Any]] = {}
    for item in items:
        answer = checker.check_one(principal, {k: v for k, v in item.items() if v is not None})
        for c in answer["candidates"]:
            held = best.get(c["id"])
            if held is None or c["score"] > held["score"]:
                best[c["id"]] = c
    return sorted(best.values(), key=lambda c: -c["score"])


def _entity(c: Mapping[str, Any], dataset: str, cut: float) -> dict[str, Any]:
    props: dict[str, list[str]] = {"name": [c["display_name"]]}
    if c["name"] != c["display_name"]:
        props["alias"] = [c["name"]]
    if c["dob"]:
        props["birthDate"] = [c["dob"]]
    if c["nationalities"]:
        props["nationality"] = list(c["nationalities"])
    if c["sex"]:
        props["gender"] = ["male" if c["sex"] == "M" else "female"]
    return {
        "id": f"concord-person-{c['id']}",
        "caption": c["display_name"],
        "schema": "Person",
        "properties": props,
        "datasets": [dataset],
        "referents": [],
        "target": True,
        "score": c["score"],
        "match": c["score"] >= cut,
        "features": {"name_and_facts": c["score"]},
        "explanations": {"concord": "; ".join(c["explanation"])},
        "owner": c["owner"],
    }
