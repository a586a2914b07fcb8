"""Record state changes and verify the chain.

Each entry's hash is SHA-256 over a canonical JSON of its content and the previous entry's hash, so
changing, removing or reordering any entry breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bson import ObjectId
from mongoengine import NotUniqueError

from backend.audit.errors import AuditWriteContention
from backend.audit.models import AuditEntry
from backend.core.timeutil import as_utc, utcnow

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"
MAX_APPEND_ATTEMPTS = 50


def _plain(value: Any) -> Any:
    """JSON-stable form of what services pass as before/after."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, ObjectId):
        return str(value)
    return value


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    before: dict,
    after: dict,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": as_utc(at).isoformat(timespec="milliseconds"),
            "actor": actor,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "before": before,
            "after": after,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def actor_for(user_id: Any | None) -> str:
    return f"user:{user_id}" if user_id else SYSTEM_ACTOR


def record(
    *, actor: str, action: str, target_type: str, target_id: Any, before: dict | None = None, after: dict | None = None
) -> AuditEntry:
    """Append one entry at the head of the chain."""
    before, after = _plain(before or {}), _plain(after or {})
    for _ in range(MAX_APPEND_ATTEMPTS):
        head = AuditEntry.objects.only("seq", "hash").latest()
        seq = head.seq + 1 if head else 1
        prev_hash = head.hash if head else GENESIS_HASH
        at = utcnow()
        content = dict(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=before,
            after=after,
            prev_hash=prev_hash,
        )
        entry = AuditEntry(**content, hash=entry_hash(**content))
        try:
            return entry.save(force_insert=True)
        except NotUniqueError:
            continue  # another writer took this seq; link to the new head
    raise AuditWriteContention()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_broken_seq": self.first_broken_seq,
            "reason": self.reason,
        }


def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Walk the chain in order; report the first entry whose link or content does not hold."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.in_chain_order().batch_size(batch_size):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.seq, "prev_hash does not match the previous entry")
        recomputed = entry_hash(**entry.content())
        if recomputed != entry.hash:
            return ChainReport(False, checked, entry.seq, "content does not match its hash")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    return ChainReport(True, checked)


def entries(target_type: str | None = None, target_id: str | None = None):
    """Entries of a kind of target and / or one target, newest first (a queryset to page)."""
    return AuditEntry.objects.matching(target_type, target_id)
