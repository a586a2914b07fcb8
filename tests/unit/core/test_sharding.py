"""The shard keys the models declare, as MongoDB will hold a sharded deployment to them: every document
carries its key (a write without it is refused), every unique index starts with it (MongoDB refuses any
other on a sharded collection), and a saved document keeps it (MongoEngine refuses a change)."""

import pytest
from bson import ObjectId
from mongoengine import OperationError
from mongoengine.base import _document_registry

from backend.core.errors import InvalidInput
from backend.notifications.models import Notification
from backend.trace.models import Lot

GROWING = {
    "lots",
    "orders",
    "samples",
    "camera_events",
    "audit_log",
    "notifications",
    "daily_checks",
    "weekly_reports",
    "monthly_reports",
    "routine_photos",
    "public_cards",
}


def _sharded(app_context):
    return {
        document._meta["collection"]: document
        for document in _document_registry.values()
        if not document._meta.get("abstract") and document._meta.get("shard_key")
    }


def test_the_collections_that_grow_without_bound_declare_a_shard_key(app_context):
    assert set(_sharded(app_context)) >= GROWING


def test_a_shard_key_is_required_and_leads_every_unique_index(app_context):
    for collection, document in _sharded(app_context).items():
        key = document._meta["shard_key"]
        fields = [document._fields[name] for name in key]
        assert all(field.required or field.primary_key for field in fields), collection
        stored = ["_id" if field.primary_key else field.db_field for field in fields]
        for spec in document._meta.get("index_specs") or []:
            if spec.get("unique"):
                names = [name for name, _direction in spec["fields"]]
                assert names[: len(stored)] == stored, f"{collection}: unique {names} must start with {stored}"
        unique_fields = [
            field.db_field for field in document._fields.values() if field.unique and not field.primary_key
        ]
        assert unique_fields in ([], stored), f"{collection}: {unique_fields} unique alone"


def _lot(**changes):
    values = dict(
        trace_code="ABCDEFGH2345",
        supplier_id=ObjectId(),
        supplier_name="供应商",
        lot_code="L1",
        order_id=ObjectId(),
        order_number="PO1",
        line=0,
        product_id=ObjectId(),
        product_name="大米",
        category="粮食",
        quantity=1,
        unit="kg",
        produced_on="2026-12-01",
        origin="如皋",
        buyer_user_id=ObjectId(),
        buyer_name="食堂",
        shipped_at="2026-12-01T00:00:00Z",
    )
    values.update(changes)
    values["supplier_lot"] = f"{values['supplier_id']}:L1"
    return Lot(**values)


def test_a_write_without_its_shard_key_is_refused_and_a_saved_key_never_changes(app_context):
    with pytest.raises(InvalidInput) as refused:
        _lot(supplier_id=None).save()
    assert "supplier_id" in refused.value.errors
    note = Notification(dedupe_key="k:1", kind="test", user_id=ObjectId()).save()
    with pytest.raises(OperationError, match="immutable"):
        note.user_id = ObjectId()
