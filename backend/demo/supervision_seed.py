"""Demo 包保 through the real services: officials at every level of 如皋 (two bound to demo WeChat
users), the demo businesses of 如皋 paired by the level rules, pledges signed, last quarter's tasks
overdue and this quarter's due, one done remotely with a frame kept from the kitchen camera, and a
violation it found waiting for the 食安办. The bureau login for schools is a console user (seed.py)."""

from __future__ import annotations

from datetime import timedelta

from backend.accounts.models import User
from backend.core.errors import InvalidInput
from backend.core.principal import OFFICE, OFFICIAL, Principal
from backend.core.timeutil import today_shanghai
from backend.registry.models import APPROVED, HOUSEHOLD, Business
from backend.supervision import services
from backend.supervision.models import Official

OFFICIALS = (  # (name, level, organisation, phone, the demo WeChat user bound to it)
    ("季国华", "city", "如皋市人民政府", "13905130001", None),
    ("陈建军", "town", "如皋市如城街道办事处", "13905130002", "official"),
    ("许春燕", "village", "如城街道海阳社区", "13905130003", "official-village"),
    ("王小兵", "grid", "海阳社区第三网格", "13905130004", None),
)
PREFERENCE = ("town", "village", "grid", "city")  # who takes a business, of the levels the rules allow


def seed_supervision(users: dict) -> None:
    office_user = User.objects.by_username("shianban").first()
    if office_user is None or Official.objects.count():
        return
    office = Principal(user_id=str(office_user.id), role=OFFICE, districts=tuple(office_user.districts))
    officials = {}
    for name, level, organisation, phone, bound_to in OFFICIALS:
        official, code = services.create_official(
            office,
            {"name": name, "level": level, "organisation": organisation, "district_code": "320682", "phone": phone},
        )
        if bound_to and bound_to in users:
            services.bind_official(str(users[bound_to].id), code)
            official.reload()
        officials[level] = official
    for business in Business.objects(status=APPROVED, kind__ne=HOUSEHOLD, district_scopes="320682").order_by("name"):
        for level in PREFERENCE:
            if services.assignment_problem(officials[level], business) is None:
                services.assign(office, {"official_id": str(officials[level].id), "business_id": str(business.id)})
                break
    _sign_pledges(users)
    today = today_shanghai()
    this_quarter = services.quarter_of(today)
    services.generate_tasks(services.quarter_of(today - timedelta(days=92)))  # last quarter's: overdue
    services.generate_tasks(this_quarter)
    for level in ("town", "village"):  # the first bound official with a task that may be done remotely
        if _remote_visit(officials[level], this_quarter):
            break


def _sign_pledges(users: dict) -> None:
    for key in ("official", "restaurant"):
        if key not in users:
            continue
        for entry in services.pledges_to_sign(str(users[key].id)):
            text = entry["text"]
            services.sign_pledge(
                str(users[key].id),
                {
                    "kind": entry["kind"],
                    "subject_id": str(entry["subject_id"]),
                    "signed_name": users[key].display_name or "—",
                    "text_version": text["version"],
                    "text_sha256": text["sha256"],
                },
                "demo / WeChat",
            )


def _remote_visit(official: Official, quarter: str) -> bool:
    """The official supervises a business remotely: the camera's frame kept, the checklist, a minor risk
    for the business to fix and a violation for the 食安办. False: no task of theirs may be done so."""
    from backend.cameras.models import Camera

    if official.user_id is None:
        return False
    principal = Principal(user_id=str(official.user_id), role=OFFICIAL)
    task = services.tasks_for(principal, quarter=quarter, status="open").filter(on_site_required=False).first()
    if task is None:
        return False
    camera = Camera.objects(business_id=task.business_id).order_by("name").first()
    if camera is not None:
        try:
            services.capture_for_task(principal, task.id, camera.id)
        except InvalidInput:  # no snapshot yet (the worker has not sampled): the visit goes on without one
            pass
    results = [{"item": item["code"], "result": "passed"} for item in services.checklist()["items"]]
    results[-1] = {"item": results[-1]["item"], "result": "failed", "note": "上次督导发现的问题尚未整改"}
    services.complete_task(
        principal,
        task.id,
        {
            "mode": "remote",
            "results": results,
            "findings": [
                {"kind": "minor", "note": "后厨操作人员未规范佩戴帽子"},
                {"kind": "violation", "note": "远程查看发现冷藏柜内食品未标注日期"},
            ],
        },
    )
    return True
