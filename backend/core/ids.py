"""Record ids as they arrive (a path segment, a JSON value): the one parser of ObjectIds."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from bson.errors import InvalidId


def object_id(value: Any, not_found: type[Exception] | None = None) -> ObjectId | None:
    """The ObjectId `value` names. When it names none: `not_found()` is raised when given (the id came
    from the caller: a 404, never a 500), else None (a query on None finds nothing)."""
    if isinstance(value, ObjectId):
        return value
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError):
        if not_found is not None:
            raise not_found() from None
        return None
