"""Reminders, each sent once: health certificates running out in 30, 7 and 1 days, and a daily check
not recorded by DAILY_CHECK_REMINDER_HOUR. A run may happen as often as anyone likes (a scheduler, the
`python -m backend.notifications remind` command): claiming a notification's unique key is what sends
it, so a second run, or two at once, send nothing again. A message WeChat did not take is tried again
by later runs, at most MAX_ATTEMPTS times; one the user refused is not."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mongoengine import NotUniqueError

from backend.accounts.models import User
from backend.core import context
from backend.core.ids import object_id
from backend.core.masking import mask_name
from backend.core.timeutil import SHANGHAI, utcnow
from backend.notifications.errors import NotificationNotFound
from backend.notifications.models import FAILED, INBOX, REFUSED, SENDING, SENT, Notification
from backend.notifications.sender import Refused, Sender, Unreachable, WeChatSubscribeSender
from backend.registry.models import APPROVED, HOUSEHOLD, MANAGER, OWNER, Business, Membership
from backend.routine.models import DailyCheck, RiskControlList
from backend.staff.models import POSTS
from backend.staff.services import handler_statuses

log = logging.getLogger(__name__)

CERTIFICATE_STAGES = (1, 7, 30)  # days before the end of cover; each stage once
MAX_ATTEMPTS = 3


def sender() -> Sender:
    settings = context.settings()
    return context.stores().helper(
        "notifications:sender",
        lambda: WeChatSubscribeSender(
            api_base=settings.WECHAT_API_BASE,
            appid=settings.WECHAT_APPID or "",
            secret=settings.WECHAT_SECRET or "",
            redis_client=context.redis(),
            timeout=settings.WECHAT_TIMEOUT,
        ),
    )


def _thing(text: str) -> str:
    return text[:20]  # WeChat's "thing" values hold at most 20 characters


def _recipients(business_id) -> list[User]:
    """Those who run the business: its owner and managers, signed in through WeChat."""
    user_ids = Membership.objects(business_id=business_id, role__in=(OWNER, MANAGER)).distinct("user_id")
    return list(User.objects(id__in=user_ids, is_active=True, openid__ne=None))


def notify_business(business_id: Any, *, dedupe_key: str, **message) -> int:
    """Send one message once to each who runs the business (owner, managers); how many were sent."""
    sent = 0
    for user in _recipients(business_id):
        if notify(business_id=business_id, user=user, dedupe_key=f"{dedupe_key}:{user.id}", **message) is not None:
            sent += 1
    return sent


def notify(
    *, dedupe_key: str, kind: str, business_id: Any, user: User, template: str, data: dict, page: str | None = None
) -> Notification | None:
    """Send one message once. Returns the notification when this call sent (or tried to send) it."""
    try:
        note = Notification(
            dedupe_key=dedupe_key,
            kind=kind,
            business_id=business_id,
            user_id=user.id,
            template=template,
            data=data,
            page=page,
            status=SENDING,
            attempts=1,
        )
        note.save(force_insert=True)
    except NotUniqueError:
        note = Notification.objects(
            user_id=user.id, dedupe_key=dedupe_key, status=FAILED, attempts__lt=MAX_ATTEMPTS
        ).modify(new=True, set__status=SENDING, inc__attempts=1, set__updated_at=utcnow())
        if note is None:
            return None  # sent, refused, being sent by another run, or given up
    try:
        sender().send(openid=user.openid, template=template, data=data, page=page)
    except Refused:
        Notification.objects(user_id=user.id, id=note.id).update_one(set__status=REFUSED, set__updated_at=utcnow())
    except Unreachable as error:
        log.warning("subscribe message not sent", extra={"kind": kind, "reason": str(error)[:100]})
        Notification.objects(user_id=user.id, id=note.id).update_one(
            set__status=FAILED, set__error=str(error)[:200], set__updated_at=utcnow()
        )
    else:
        Notification.objects(user_id=user.id, id=note.id).update_one(
            set__status=SENT, set__sent_at=utcnow(), set__updated_at=utcnow()
        )
    return Notification.objects.get(user_id=user.id, id=note.id)


@dataclass
class ReminderRun:
    certificate_messages: int = 0
    daily_check_messages: int = 0
    statuses: dict = field(default_factory=dict)


def remind(now: datetime | None = None) -> ReminderRun:
    now = (now or utcnow()).astimezone(SHANGHAI)
    today = now.date()
    settings = context.settings()
    run = ReminderRun()
    businesses = {b.id: b for b in Business.objects(status=APPROVED, kind__ne=HOUSEHOLD).only("name", "kind")}
    recipients: dict = {}

    def send_all(business_id, **message) -> int:
        sent = 0
        for user in recipients.setdefault(business_id, _recipients(business_id)):
            note = notify(
                business_id=business_id, user=user, **{**message, "dedupe_key": f"{message['dedupe_key']}:{user.id}"}
            )
            if note is not None:
                sent += 1
                run.statuses[note.status] = run.statuses.get(note.status, 0) + 1
        return sent

    for status in handler_statuses(list(businesses), today):
        if status.valid_until is None:
            continue
        days_left = (status.valid_until - today).days
        stage = next((s for s in CERTIFICATE_STAGES if days_left <= s), None)
        if stage is None:
            continue
        person = status.staff
        run.certificate_messages += send_all(
            person.business_id,
            kind="certificate_expiring",
            template=settings.WECHAT_TEMPLATE_CERTIFICATE,
            dedupe_key=f"certificate:{person.id}:{status.valid_until.isoformat()}:{stage}",
            data={
                "thing1": _thing(f"{POSTS[person.post]} {mask_name(person.name)}"),
                "date2": status.valid_until.isoformat(),
                "thing3": _thing(businesses[person.business_id].name),
            },
            page=f"pages/staff/index?business={person.business_id}",
        )
    if now.hour >= settings.DAILY_CHECK_REMINDER_HOUR:
        keeping = set(RiskControlList.objects(id__in=list(businesses)).distinct("id"))
        done = set(DailyCheck.objects(business_id__in=list(keeping), day=today).distinct("business_id"))
        for business_id in sorted(keeping - done):
            run.daily_check_messages += send_all(
                business_id,
                kind="daily_check_missed",
                template=settings.WECHAT_TEMPLATE_DAILY_CHECK,
                dedupe_key=f"daily-check:{business_id}:{today.isoformat()}",
                data={
                    "thing1": _thing(businesses[business_id].name),
                    "date2": today.isoformat(),
                    "thing3": "今日食品安全检查尚未记录",
                },
                page=f"pages/routine/daily?business={business_id}",
            )
    return run


def post_to_inbox(user_ids, *, kind: str, text: str, link: str | None, dedupe_key: str) -> int:
    """A message for console users (regulators have no WeChat here) in their platform inbox, once per
    user and key, at once; how many were posted."""
    posted = 0
    for user_id in user_ids:
        try:
            Notification(
                dedupe_key=f"{dedupe_key}:{user_id}",
                kind=kind,
                user_id=user_id,
                data={"text": text[:500], "link": link},
                page=link,
                status=INBOX,
                sent_at=utcnow(),
            ).save(force_insert=True)
            posted += 1
        except NotUniqueError:
            continue  # posted before
    return posted


def inbox(user_id: Any, *, unread: bool = False):
    found = Notification.objects.inbox_of(object_id(user_id))
    if unread:
        found = found.filter(read_at=None)
    return found.order_by("-created_at")


def mark_read(user_id: Any, notification_id: Any) -> Notification:
    updated = Notification.objects(
        id=object_id(notification_id, NotificationNotFound), user_id=object_id(user_id), status=INBOX
    ).modify(new=True, set__read_at=utcnow())
    if updated is None:
        raise NotificationNotFound()
    return updated


def history_for_member(user_id: Any, business_id: Any):
    """What was sent about a business, to whom and when (owner, manager)."""
    from backend.registry import services as registry

    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    return Notification.objects.of_business(business.id).order_by("-created_at")
