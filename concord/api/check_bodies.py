"""The commonest check bodies, recognised without pydantic for the checks lane.

A travel-document check, ``{"qid"?, "document": {"number", "issuing_country",
"type"?}}``, is nearly every single check and every manifest row. Validating it
by hand costs a fraction of building and dumping the models. Only bodies the
models would accept as they are come out; anything else is None, and the caller
sends the request on to the FastAPI route, whose answer (or error) is the rule.
The length limits are read from the models, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from concord.api.schemas import BatchCheckRequest, CheckQuery, DocumentQuery

# (qid, number, issuing state, document type): what Checker.check_documents takes.
DocumentRow = tuple[str | None, str, str, str | None]


def _max_len(model: type[BaseModel], name: str) -> int:
    for item in model.model_fields[name].metadata:
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    raise LookupError(f"{model.__name__}.{name} has no max_length")  # pragma: no cover


QID_MAX = _max_len(CheckQuery, "qid")
NUMBER_MAX = _max_len(DocumentQuery, "number")
ISSUING_MAX = _max_len(DocumentQuery, "issuing_country")
TYPE_MAX = _max_len(DocumentQuery, "type")
ITEMS_MAX = _max_len(BatchCheckRequest, "items")

_BATCH_KEYS = frozenset({"items"})


def document_row(item: Any) -> DocumentRow | None:
    """A document-only check item as a row, or None if it is not exactly that and valid.

    Runs once per manifest row, hence the shape of it: with ``document``,
    ``number`` and ``issuing_country`` present, counting the keys is the test
    for unknown ones.
    """
    if type(item) is not dict:
        return None
    document = item.get("document")
    qid = item.get("qid")
    if type(document) is not dict or len(item) != (1 if qid is None and "qid" not in item else 2):
        return None
    number = document.get("number")
    issuing = document.get("issuing_country")
    doc_type = document.get("type")
    if (
        type(number) is not str
        or type(issuing) is not str
        or len(document) != (2 if doc_type is None and "type" not in document else 3)
        or len(number) > NUMBER_MAX
        or len(issuing) > ISSUING_MAX
        or (qid is not None and (type(qid) is not str or len(qid) > QID_MAX))
        or (doc_type is not None and (type(doc_type) is not str or len(doc_type) > TYPE_MAX))
    ):
        return None
    return qid, number, issuing, doc_type


def single_item(body: Any) -> dict[str, Any] | None:
    """The item ``CheckQuery.model_dump(exclude_none=True)`` would give, or None."""
    row = document_row(body)
    if row is None:
        return None
    qid, number, issuing, doc_type = row
    document: dict[str, Any] = {"number": number, "issuing_country": issuing}
    if doc_type is not None:
        document["type"] = doc_type
    return {"document": document} if qid is None else {"qid": qid, "document": document}


def manifest_rows(body: Any) -> list[DocumentRow] | None:
    """The rows of a non-empty batch made only of document checks, or None."""
    if type(body) is not dict or not body.keys() <= _BATCH_KEYS:
        return None
    items = body.get("items")
    if type(items) is not list or not items or len(items) > ITEMS_MAX:
        return None
    rows = list(map(document_row, items))
    return None if None in rows else rows  # type: ignore[return-value]
