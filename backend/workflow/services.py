"""`change_state`: the conditional state change every workflow goes through.

1. The record is read once within the caller's scope (`queryset`, e.g. `visible_to(principal)`):
   outside it, `not_found` (404, no leak).
2. One `find_one_and_update` whose filter holds the precondition (status in `from_statuses`, the
   version the caller saw when it passes one, any `conditions`): of two requests racing for the
   same transition exactly one matches; the other gets `conflict` (409) with the status it found.
3. One audit entry (before / after views of the record, plus `audit_extra`).
4. After the write, `after_write(updated)` (e.g. the owner's part of the public card is published),
   then the public card of `business_id(updated)` is invalidated (when given).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from mongoengine import QuerySet

from backend.audit import services as audit
from backend.core.errors import NotFound
from backend.core.text import State, Text, Word
from backend.core.timeutil import utcnow
from backend.public_card import services as cards
from backend.workflow.errors import TransitionConflict

_D = TypeVar("_D")


def change_state(
    queryset: QuerySet,
    object_id: Any,
    *,
    action: str,
    actor_id: Any,
    target_type: str,
    from_statuses: Iterable[str] | None = None,
    to_status: str | None = None,
    updates: dict | None = None,
    conditions: dict | None = None,
    expected_version: int | None = None,
    audit_extra: dict | None = None,
    after_write: Callable[[Any], None] | None = None,
    business_id: Callable[[Any], Any] | None = None,
    not_found: type[NotFound] = NotFound,
    conflict: type[TransitionConflict] = TransitionConflict,
    conflict_message: str | None = None,
    target_id: Callable[[Any], Any] | None = None,
    actor: str | None = None,
) -> _D:
    """Apply `updates` (MongoEngine operands) and `to_status` to the record if its status is one of
    `from_statuses` (None: any) and `conditions` hold; returns the updated record."""
    before = queryset.filter(id=object_id).first()
    if before is None:
        raise not_found()
    document_class = queryset._document
    precondition: dict[str, Any] = {"id": before.id, **(conditions or {})}
    if from_statuses is not None:
        precondition["status__in"] = list(from_statuses)
    changes: dict[str, Any] = {"set__updated_at": utcnow(), **(updates or {})}
    if to_status is not None:
        changes["set__status"] = to_status
    if "version" in document_class._fields:
        if expected_version is not None:
            precondition["version"] = expected_version
        changes["inc__version"] = 1
    updated = document_class.objects(**precondition).modify(new=True, **changes)
    if updated is None:
        has_status = "status" in document_class._fields
        current = document_class.objects(id=before.id).only("status" if has_status else "id").first()
        found = (current.status if has_status else "changed") if current else "gone"
        raise conflict(
            conflict_message
            or Text(
                "Cannot {action} this {target}: it is {state}; reload it and try again.",
                action=action.replace("_", " "),  # the audit action; the Chinese leaves it out
                target=Word(target_type),
                state=State(target_type, found),
            )
        )
    audit.record(
        actor=actor or audit.actor_for(actor_id),
        action=f"{target_type}.{action}",
        target_type=target_type,
        target_id=(target_id or (lambda d: d.id))(updated),
        before=before.audit_view(),
        after={**updated.audit_view(), **(audit_extra or {})},
    )
    if after_write is not None:
        after_write(updated)
    if business_id is not None:
        cards.invalidate(business_id(updated))
    return updated


def create_record(document: _D, *, action: str, actor_id: Any, target_type: str) -> _D:
    """The one way a record comes into being: inserted (the model's own checks are 422), then one
    audit entry with its audit view."""
    document.save(force_insert=True)
    audit.record(
        actor=audit.actor_for(actor_id),
        action=f"{target_type}.{action}",
        target_type=target_type,
        target_id=document.id,
        after=document.audit_view(),
    )
    return document
