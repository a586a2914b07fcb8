import threading

from backend.audit import services as audit
from backend.audit.models import AuditEntry


def _record(n):
    for i in range(n):
        audit.record(
            actor="user:a",
            action="thing.changed",
            target_type="thing",
            target_id=f"t{i}",
            before={"status": "draft"},
            after={"status": "submitted", "名称": "测试"},
        )


def test_entries_link_and_verify(app_context):
    _record(5)
    entries = list(AuditEntry.objects.in_chain_order())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    assert audit.verify_chain().as_dict() == {"ok": True, "checked": 5, "first_broken_seq": None, "reason": None}


def test_tampered_content_is_detected_at_that_entry(app_context):
    _record(5)
    AuditEntry._get_collection().update_one({"seq": 3}, {"$set": {"after.status": "approved"}})
    report = audit.verify_chain()
    assert (report.ok, report.first_broken_seq, report.checked) == (False, 3, 2)
    assert "hash" in report.reason


def test_rehashed_tampering_breaks_the_next_link(app_context):
    _record(4)
    entry = AuditEntry.objects.get(seq=2)
    forged = audit.entry_hash(**{**entry.content(), "actor": "user:mallory"})
    AuditEntry._get_collection().update_one({"seq": 2}, {"$set": {"actor": "user:mallory", "hash": forged}})
    report = audit.verify_chain()
    assert (report.ok, report.first_broken_seq) == (False, 3)


def test_removed_entry_is_detected(app_context):
    _record(4)
    AuditEntry._get_collection().delete_one({"seq": 2})
    report = audit.verify_chain()
    assert (report.ok, report.first_broken_seq) == (False, 2)
    assert "missing" in report.reason


def test_concurrent_writers_do_not_fork_the_chain(app_context):
    app = app_context
    errors = []

    def writer():
        try:
            with app.app_context():
                _record(10)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 40
    assert audit.verify_chain().ok
