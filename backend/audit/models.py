from __future__ import annotations

from mongoengine import DateTimeField, DictField, Document, IntField, QuerySet, StringField

from backend.core.timeutil import utcnow


class AuditQuerySet(QuerySet):
    def in_chain_order(self):
        return self.order_by("seq")

    def latest(self):
        return self.order_by("-seq").first()

    def matching(self, target_type: str | None = None, target_id: str | None = None):
        """Entries of a kind of target and / or one target, newest first."""
        conditions = {k: v for k, v in (("target_type", target_type), ("target_id", target_id)) if v}
        return self.filter(**conditions).order_by("-seq")


class AuditEntry(Document):
    """One recorded state change. Never updated or deleted by the application.

    `seq` is unique, so two writers racing for the same link cannot fork the chain: the loser
    retries on the new head.
    """

    seq = IntField(required=True, unique=True, min_value=1)
    at = DateTimeField(required=True, default=utcnow)
    actor = StringField(required=True)  # "user:<id>", "system", "anonymous"
    action = StringField(required=True)
    target_type = StringField(required=True)
    target_id = StringField(required=True)
    before = DictField()
    after = DictField()
    prev_hash = StringField(required=True)
    hash = StringField(required=True)

    def content(self) -> dict:
        """What the hash covers: everything but the hash itself."""
        return {
            name: getattr(self, name)
            for name in ("seq", "at", "actor", "action", "target_type", "target_id", "before", "after", "prev_hash")
        }

    meta = {
        "collection": "audit_log",
        "queryset_class": AuditQuerySet,
        # Ranged on seq: the chain is one total order (README, "Sharding"); appends go to its last chunk.
        "shard_key": ("seq",),
        "indexes": [("target_type", "target_id", "seq"), "actor", "-at"],
    }
