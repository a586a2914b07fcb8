"""Reminders go out once, through the WeChat subscribe-message API (imitated on loopback)."""

import threading
import uuid
from datetime import datetime, time, timedelta

import pytest

from backend.core.timeutil import SHANGHAI, today_shanghai
from backend.notifications import services
from backend.notifications.models import FAILED, REFUSED, SENT, Notification
from backend.routine import services as routine
from backend.staff import services as staff
from tests.builders import approved, citizen, staff_values


def _at(hour):
    """This day in Shanghai at the hour, read when the test runs (a run may cross midnight)."""
    return datetime.combine(today_shanghai(), time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def shop(app_context):
    owner = citizen()
    return approved(owner), owner


def _certificate_ending_in(owner, business, days_left):
    person = staff.add_staff(owner.user_id, business.id, staff_values())
    issued = staff.add_months(today_shanghai() + timedelta(days=days_left), -12)
    staff.add_certificate(
        owner.user_id,
        business.id,
        person.id,
        {
            "number": "JKZ1",
            "issuer": "疾控",
            "issued_on": issued,
            "expires_on": today_shanghai() + timedelta(days=days_left),
        },
    )
    return person


def test_a_certificate_running_out_is_told_once(shop, wechat):
    business, owner = shop
    _certificate_ending_in(owner, business, 6)
    first = services.remind(_at(9))
    assert first.certificate_messages == 1 and first.statuses == {SENT: 1}
    (message,) = wechat.messages
    assert message["template_id"] == "sfs-certificate-expiring" and "*" in message["data"]["thing1"]["value"]
    assert message["data"]["date2"]["value"] == (today_shanghai() + timedelta(days=6)).isoformat()
    assert services.remind(_at(9)).certificate_messages == 0 and len(wechat.messages) == 1  # not once per run


def test_two_runs_at_once_send_one_message(shop, wechat, app_context):
    business, owner = shop
    _certificate_ending_in(owner, business, 20)
    barrier = threading.Barrier(3)

    def run():
        with app_context.app_context():
            barrier.wait()
            services.remind(_at(9))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wechat.messages) == 1


def test_each_stage_once_and_nothing_far_from_the_end(shop, wechat):
    business, owner = shop
    _certificate_ending_in(owner, business, 90)
    assert services.remind(_at(9)).certificate_messages == 0
    _certificate_ending_in(owner, business, 1)
    assert services.remind(_at(9)).certificate_messages == 1
    keys = {n.dedupe_key.split(":")[3] for n in Notification.objects}
    assert keys == {"1"}


def test_a_refusing_user_is_not_asked_again_and_an_unreachable_wechat_is_retried(shop, wechat, app_context):
    business, owner = shop
    _certificate_ending_in(owner, business, 3)
    from backend.accounts.models import User

    wechat.refusing.add(User.objects.get(id=owner.user_id).openid)
    assert services.remind(_at(9)).statuses == {REFUSED: 1}
    assert services.remind(_at(9)).certificate_messages == 0
    wechat.refusing.clear()
    other_owner = citizen()
    other = approved(other_owner)
    _certificate_ending_in(other_owner, other, 3)
    wechat.stop()
    assert services.remind(_at(9)).statuses == {FAILED: 1}
    assert services.remind(_at(9)).statuses == {FAILED: 1}  # tried again
    assert Notification.objects.get(business_id=other.id).attempts == 2


def test_a_missing_daily_check_is_reminded_after_the_hour_once(shop, wechat):
    business, owner = shop
    routine.risk_list(owner.user_id, business.id)  # the business keeps the routine
    assert services.remind(_at(9)).daily_check_messages == 0
    assert services.remind(_at(18)).daily_check_messages == 1
    assert services.remind(_at(18)).daily_check_messages == 0
    other_owner = citizen()
    other = approved(other_owner)
    items = routine.risk_list(other_owner.user_id, other.id).items
    routine.record_daily_check(
        other_owner.user_id,
        other.id,
        {
            "client_id": uuid.uuid4().hex,
            "day": today_shanghai(),
            "signed_name": "李安全",
            "results": [{"item": item.code, "result": "passed"} for item in items],
        },
    )
    assert services.remind(_at(18)).daily_check_messages == 0  # checked today: nothing to say
