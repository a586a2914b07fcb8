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
    before = queryset.filter(pk=object_id).first()
    if before is None:
        raise not_found()
    document_class = queryset._document
    precondition: dict[str, Any] = {"pk": before.pk, **shard_key_of(before), **(conditions or {})}
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
        current = document_class.objects(pk=before.pk, **shard_key_of(before)).first()
        found = (current.status if has_status else "changed") if current else "gone"
        if current is not None and expected_version is not None and current.version != expected_version:
            # the state may be the one the caller expects: what it lacks is the latest version
            raise conflict(
                Text(
                    "This {target} was changed since you read it (version {expected}, now {version}); reload it and try again.",
                    target=Word(target_type),
                    expected=expected_version,
                    version=current.version,
                )
            )
        raise conflict(
            conflict_message
            or Text(
                "Cannot {action} this {target}: it is {state}; reload it and try again.",
                action=action.replace("_", " "),  # the audit action; the Chinese leaves it out
                target=Word(target_type),
                state=State(target_type, found),
            )
        )
    _audit(
        action=action,
        actor_id=actor_id,
        actor=actor,
        target_type=target_type,
        target_id=(target_id or (lambda d: d.pk))(updated),
        before=before.audit_view(),
        after={**updated.audit_view(), **(audit_extra or {})},
    )
    if after_write is not None:
        after_write(updated)
    if business_id is not None:
        cards.invalidate(business_id(updated))
    return updated


def shard_key_of(document) -> dict[str, Any]:
    """The document's shard key values (its model's `meta["shard_key"]`), so that a write by id goes to
    the one shard that holds it rather than to every shard."""
    names = document._meta.get("shard_key", ())
    return {name: getattr(document, name) for name in names if not document._fields[name].primary_key}


def _audit(*, action: str, actor_id: Any, actor: str | None, target_type: str, target_id: Any, **views) -> None:
    audit.record(
        actor=actor or audit.actor_for(actor_id),
        action=f"{target_type}.{action}",
        target_type=target_type,
        target_id=target_id,
        **views,
    )


def create_record(
    document: _D,
    *,
    action: str,
    actor_id: Any,
    target_type: str,
    actor: str | None = None,
    target_id: Any = None,
    audit_view: Callable[[_D], dict] | None = None,
    then: Callable[[_D], None] | None = None,
) -> _D:
    """The one way a record comes into being: inserted (the model's own checks are 422); then
    `then(document)`, a write that belongs with it (the owner's membership, a claim on its parent) —
    if that raises, the record is deleted again and nothing is audited; then one audit entry with its
    audit view (or `audit_view(record)`), on `target_id` (default: the record) of `target_type`."""
    document.save(force_insert=True)
    if then is not None:
        try:
            then(document)
        except BaseException:
            document.delete()  # nothing half-written
            raise
    _audit(
        action=action,
        actor_id=actor_id,
        actor=actor,
        target_type=target_type,
        target_id=document.pk if target_id is None else target_id,
        after=(audit_view or (lambda d: d.audit_view()))(document),
    )
    return document


def create_records(documents: list[_D], *, action: str, actor_id: Any, target_type: str) -> list[_D]:
    """Several records that come into being together (the lots of one shipment): all inserted, or —
    when one insert fails (a unique key taken meanwhile) — none, the error raised; then one audit entry
    each."""
    written: list[_D] = []
    try:
        for document in documents:
            written.append(document.save(force_insert=True))
    except BaseException:
        for document in written:
            document.delete()
        raise
    for document in written:
        _audit(
            action=action,
            actor_id=actor_id,
            actor=None,
            target_type=target_type,
            target_id=document.pk,
            after=document.audit_view(),
        )
    return written


def delete_record(
    queryset: QuerySet,
    object_id: Any,
    *,
    action: str,
    actor_id: Any,
    target_type: str,
    conditions: dict | None = None,
    not_found: type[NotFound] = NotFound,
    conflict: type[Exception] = TransitionConflict,
    conflict_message: str | None = None,
    target_id: Callable[[Any], Any] | None = None,
    audit_before: Callable[[Any], dict] | None = None,
    after_delete: Callable[[Any], None] | None = None,
) -> Any:
    """Delete the record if `conditions` still hold (one conditional delete: of two racing requests one
    deletes, the other gets `conflict`); `after_delete(record)` removes what hangs on it; one audit entry
    with what was deleted. Returns the deleted record as it was."""
    before = queryset.filter(pk=object_id).first()
    if before is None:
        raise not_found()
    if not type(before).objects(pk=before.pk, **shard_key_of(before), **(conditions or {})).delete():
        raise conflict(conflict_message) if conflict_message is not None else conflict()
    if after_delete is not None:
        after_delete(before)
    _audit(
        action=action,
        actor_id=actor_id,
        actor=None,
        target_type=target_type,
        target_id=(target_id or (lambda d: d.pk))(before),
        before=(audit_before or (lambda d: d.audit_view()))(before),
    )
    return before


def upsert_record(
    document_class: type[_D],
    key: dict,
    *,
    updates: dict,
    action: str,
    actor_id: Any,
    target_type: str,
    target_id: Callable[[Any], Any] | None = None,
) -> _D:
    """Set a record identified by `key` (MongoEngine filters), creating it when there is none, in one
    atomic upsert; one audit entry with the record before (None when new) and after."""
    before = document_class.objects(**key).first()
    now = utcnow()
    updated = document_class.objects(**key).modify(
        upsert=True, new=True, set_on_insert__created_at=now, set__updated_at=now, **updates
    )
    _audit(
        action=action,
        actor_id=actor_id,
        actor=None,
        target_type=target_type,
        target_id=(target_id or (lambda d: d.pk))(updated),
        before=before.audit_view() if before is not None else None,
        after=updated.audit_view(),
    )
    return updated


def record_access(*, action: str, actor_id: Any, target_type: str, target_id: Any, details: dict) -> None:
    """An audited act that writes no record: a person reading personal data (a complainant's full
    contact), a draw whose outcome is the entry itself. Every other audit entry comes with its write,
    through the helpers above."""
    _audit(action=action, actor_id=actor_id, actor=None, target_type=target_type, target_id=target_id, after=details)
