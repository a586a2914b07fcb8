"""Demo staff, certificates (valid, expiring, expired), food-safety teams, and a month of the routine
with a few problems and their weekly and monthly follow-up, all through the real services."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from backend.core import context
from backend.core.timeutil import today_shanghai
from backend.registry.models import Business
from backend.routine import services as routine
from backend.staff import services as staff
from backend.staff.models import StaffMember
from backend.staff.validators import id_check_character

DAYS_OF_ROUTINE = 30

# owner key -> business name, diners per meal, [(name, post, handles food, roles, training h, days since the
# certificate was issued or None for none)]
TEAMS = {
    "restaurant": (
        "如皋老张面馆",
        60,
        [
            ("张志明", "management", False, ["head"], 16, None),
            ("李国强", "chef", True, ["officer"], 42, 100),
            ("王秀英", "kitchen_helper", True, [], 0, 350),  # runs out within 30 days
            ("赵建军", "prep", True, [], 0, 400),  # expired
            ("孙丽", "service", False, [], 0, None),
        ],
    ),
    "canteen": (
        "上海市闵行区莘庄实验小学食堂",
        800,
        [
            ("朱晓梅", "management", False, ["head"], 24, None),
            ("陈卫东", "management", False, ["director"], 48, None),
            ("刘海燕", "pastry", True, ["officer"], 40, 30),
            ("周志强", "chef", True, [], 0, 200),
            ("吴桂兰", "dishwashing", True, [], 0, 10),
        ],
    ),
}
PROBLEM_DAYS = {5: ("cold_chain", "冷藏柜温度10℃，已调整并复测"), 12: ("samples_kept", "午餐留样少一样，已补留并提醒")}


def _id_number(serial: int) -> str:
    first17 = f"320682198{serial % 10}0315{serial:03d}"
    return first17 + id_check_character(first17)


def seed_staff(users: dict) -> None:
    if StaffMember.objects.count():
        return
    runtime = context.current()
    month_back = runtime.settings.replace(ROUTINE_BACKFILL_DAYS=DAYS_OF_ROUTINE + 7)
    today = today_shanghai()
    with context.use(dataclasses.replace(runtime, settings=month_back)):
        serial = 0
        for owner_key, (business_name, diners, people) in TEAMS.items():
            business = Business.objects(name=business_name).first()
            if business is None or owner_key not in users:
                continue
            owner = str(users[owner_key].id)
            staff.set_profile(owner, business.id, {"diners_per_meal": diners})
            for name, post, handles_food, roles, hours, issued_days_ago in people:
                serial += 1
                person = staff.add_staff(
                    owner,
                    business.id,
                    {
                        "name": name,
                        "post": post,
                        "phone": f"1391234{serial:04d}",
                        "id_number": _id_number(serial),
                        "handles_food": handles_food,
                        "started_on": today - timedelta(days=500),
                        "safety_roles": roles,
                        "training_hours_this_year": hours,
                    },
                )
                if issued_days_ago is not None:
                    staff.add_certificate(
                        owner,
                        business.id,
                        person.id,
                        {
                            "number": f"JKZ{today.year}{serial:05d}",
                            "issuer": "区疾病预防控制中心",
                            "issued_on": today - timedelta(days=issued_days_ago),
                        },
                    )
            _seed_routine(owner, business, today)


def _seed_routine(owner: str, business: Business, today) -> None:
    items = [item.code for item in routine.risk_list(owner, business.id).items]
    problems = []
    for back in range(DAYS_OF_ROUTINE - 1, -1, -1):
        day = today - timedelta(days=back)
        if back in (3, 17):
            continue  # two days without a record: the console and the card show it
        results = [{"item": code, "result": "passed"} for code in items]
        failed = PROBLEM_DAYS.get(back)
        if failed and failed[0] in items:
            results[items.index(failed[0])] = {"item": failed[0], "result": "failed", "note": failed[1]}
            problems.append((day, failed))
        routine.record_daily_check(
            owner,
            business.id,
            {
                "client_id": f"demo-{business.id}-{day.isoformat()}",
                "day": day,
                "results": results,
                "signed_name": "食品安全员",
            },
        )
    for day, (item, note) in problems:
        monday = day - timedelta(days=day.weekday())
        if monday + timedelta(days=6) < today - timedelta(days=DAYS_OF_ROUTINE):
            continue
        routine.record_weekly_report(
            owner,
            business.id,
            {
                "client_id": f"demo-week-{business.id}-{monday.isoformat()}",
                "week_start": monday,
                "problems": [f"{day.isoformat()}:{item}"],
                "assessment": "fair",
                "signed_name": "食品安全总监",
                "fixes": [
                    {
                        "problem": note,
                        "refers_to": f"{day.isoformat()}:{item}",
                        "owner": "厨师长",
                        "deadline": day + timedelta(days=3),
                        "status": "done",
                    }
                ],
            },
        )
    routine.record_monthly_report(
        owner,
        business.id,
        {
            "client_id": f"demo-month-{business.id}-{today:%Y-%m}",
            "held_on": today - timedelta(days=min(2, today.day - 1)),
            "attendees": ["主要负责人", "食品安全总监", "食品安全员"],
            "problems": "冷链温度偶有超标；留样遗漏一次。",
            "decisions": "冷藏设备每日两次测温；留样由专人复核。",
            "next_focus": "冬季燃气与后厨消防安全。",
            "signed_name": "主要负责人",
        },
    )
