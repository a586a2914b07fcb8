"""change_state: one winner under a race, 409 for the loser, one audit entry, the card invalidated."""

import threading

import pytest

from backend.audit.models import AuditEntry
from backend.public_card.services import generation_key
from backend.registry.errors import BusinessNotFound, InvalidTransition
from backend.registry.models import SUBMITTED, Business
from backend.workflow.errors import TransitionConflict
from backend.workflow.services import change_state
from tests.builders import admin_principal, approved, submitted


def _suspend(business_id):
    return change_state(
        Business.objects,
        business_id,
        action="suspend",
        actor_id=admin_principal().user_id,
        target_type="business",
        from_statuses=("approved",),
        to_status="suspended",
        conflict=InvalidTransition,
        not_found=BusinessNotFound,
        business_id=lambda business: business.id,
    )


def test_of_racing_changes_exactly_one_wins_and_one_entry_is_audited(app_context, redis_server):
    business = approved()
    generation_before = int(redis_server.client().get(generation_key(business.public_code)) or 0)
    barrier, outcomes = threading.Barrier(6), []

    def attempt():
        with app_context.app_context():
            barrier.wait()
            try:
                outcomes.append(_suspend(business.id).status)
            except TransitionConflict as conflict:
                outcomes.append(conflict.http_status)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [409] * 5 + ["suspended"]
    assert (
        AuditEntry.objects(target_type="business", target_id=str(business.id), action="business.suspend").count() == 1
    )
    assert int(redis_server.client().get(generation_key(business.public_code))) > generation_before


def test_the_loser_hears_what_it_found_and_a_record_outside_the_scope_does_not_exist(app_context):
    business, _owner = submitted()
    with pytest.raises(InvalidTransition, match=f"is {SUBMITTED}"):
        _suspend(business.id)
    with pytest.raises(BusinessNotFound):
        change_state(
            Business.objects.none(),
            business.id,
            action="approve",
            actor_id=None,
            target_type="business",
            not_found=BusinessNotFound,
        )


def test_a_version_precondition_refuses_a_stale_writer(app_context):
    business, owner = submitted()
    with pytest.raises(TransitionConflict) as stale:
        change_state(
            Business.objects,
            business.id,
            action="approve",
            actor_id=None,
            target_type="business",
            from_statuses=(SUBMITTED,),
            to_status="approved",
            expected_version=business.version - 1,
        )
    assert Business.objects.get(id=business.id).status == SUBMITTED
    # the status is the one expected: the message names the real cause, the version read
    assert "changed since you read it" in str(stale.value.message)
    assert "读取后已被修改" in stale.value.message.render("zh")
