"""A year of history for the 如皋 demo district, made by the same services on the days it happened
(`time_machine` moves the clock while each month is made), so every chart has months to draw:
complaints received, accepted, answered and closed — most on time, some late, a few never answered —
a monthly sampling batch with agricultural products and now and then a failed sample, and the demo
restaurant's daily checks. Nothing is written into the read models by hand."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta

import time_machine

from backend.accounts.models import User
from backend.complaints import services as complaints
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import SHANGHAI, today_shanghai
from backend.demo.sampling_seed import COLUMNS, DISTRICT, LAB
from backend.demo.staff_seed import DAYS_OF_ROUTINE
from backend.registry.models import Business
from backend.routine import services as routine
from backend.sampling import importing
from backend.sampling import services as sampling
from backend.sampling.models import Sample

MARK = f"DC25{DISTRICT}H"  # the history's sampling numbers: seeded once
FOODS = (
    ("大米", "粮食加工品", "镉(以Cd计)", "≤0.2"),
    ("青菜", "食用农产品", "毒死蜱", "≤0.02"),
    ("猪肉", "食用农产品", "克伦特罗", "不得检出"),
    ("酱油", "调味品", "苯甲酸及其钠盐", "≤1.0"),
    ("豆腐", "豆制品", "铝的残留量", "≤100"),
    ("草鱼", "食用农产品", "孔雀石绿", "不得检出"),
)
COMPLAINTS = (
    ("hygiene", "后厨地面油污，垃圾未及时清理。"),
    ("spoiled_expired", "买到的面包已过保质期两天。"),
    ("other", "店内无健康证公示。"),
    ("hygiene", "餐具有污渍，消毒柜未开启。"),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _months(count: int, today: date) -> list[date]:
    """The first days of the `count` whole months before this one, oldest first."""
    firsts, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        firsts.append(first)
    return firsts[::-1]


def seed_history(months: int) -> int:
    """Seeds `months` whole months before this one (once); returns how many it made."""
    if months <= 0 or Sample.objects(sampling_number__startswith=MARK).first() is not None:
        return 0
    user = User.objects.by_username("rugao").first()
    restaurant = Business.objects(name="如皋老张面馆").first()
    if user is None or restaurant is None:
        return 0
    regulator = Principal(user_id=str(user.id), role=REGULATOR, session_id="demo-seed", districts=tuple(user.districts))
    rng = random.Random(2026)
    today = today_shanghai()
    for index, first in enumerate(_months(months, today)):
        _complaints(regulator, restaurant, first, index, rng)
        _samples(regulator, restaurant, first, index, rng)
        _daily_checks(restaurant, first, rng, today)
    return months


def _complaints(regulator: Principal, restaurant: Business, first: date, index: int, rng: random.Random) -> None:
    for n in range(2 + index % 3):
        category, text = COMPLAINTS[(index + n) % len(COMPLAINTS)]
        received = first + timedelta(days=2 + 7 * n)
        with time_machine.travel(_at(received, 10), tick=False):
            number = complaints.submit(
                {
                    "kind": "complaint",
                    "category": category,
                    "business_code": restaurant.public_code,
                    "description": f"{text}（{received.month}月{received.day}日）",
                    "claim": "要求整改",
                    "complainant": {
                        "name": "历史投诉人",
                        "phone": f"1377386{index:02d}{n:02d}",
                        "address": "江苏省如皋市如城街道",
                    },
                },
                client=f"10.1.{index}.{n}",
                source="web",
            ).complaint.number
            complaints.accept(regulator, number)
        answered = rng.random()
        if answered < 0.1:
            continue  # never answered: the reply rate misses its 100%
        late = answered > 0.85
        closing = received + timedelta(days=45 if late else 6)
        if closing >= today_shanghai():
            continue  # still open today
        with time_machine.travel(_at(closing, 15), tick=False):
            complaints.assign(regulator, number, regulator.user_id, "如城市场监管分局")
            complaints.handle(regulator, number, "现场检查，责令整改。")
            complaints.reply(regulator, number, "经核查属实，已责令商家整改并复查。")
            complaints.close(regulator, number, "已整改")


def _samples(regulator: Principal, restaurant: Business, first: date, index: int, rng: random.Random) -> None:
    sampled_on = first + timedelta(days=5)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _field, header in COLUMNS])
    for n in range(6 + index % 4):
        food, category, item, standard = FOODS[(index + n) % len(FOODS)]
        failed = rng.random() < 0.06
        row = {
            "sampling_number": f"{MARK}{index:02d}{n:02d}",
            "task_source": ("2025年如皋市食品安全监督抽检", "江苏省评价性抽检", "食品安全风险监测")[n % 3],
            "sampled_on": sampled_on.isoformat(),
            "business_name": restaurant.name,
            "business_address": restaurant.address,
            "uscc": restaurant.uscc or "",
            "producer_name": restaurant.name,
            "food_name": food,
            "spec": "散装",
            "production_date": (sampled_on - timedelta(days=1)).isoformat(),
            "food_category": category,
            "lab": LAB,
            "report_date": (sampled_on + timedelta(days=10)).isoformat(),
            "item": item,
            "value": "0.5" if failed else "未检出",
            "unit": "mg/kg",
            "standard": standard,
            "verdict": "不合格" if failed else "合格",
        }
        writer.writerow([row[field] for field, _header in COLUMNS])
    with time_machine.travel(_at(sampled_on + timedelta(days=12), 9), tick=False):
        record = sampling.start_import(
            regulator,
            filename=f"如皋市{first.year}年{first.month}月抽检结果.csv",
            data=out.getvalue().encode("utf-8-sig"),
            district=DISTRICT,
            mode="whole",
            background=False,
        )
        importing.run_import(str(record.id))


def _daily_checks(restaurant: Business, first: date, rng: random.Random, today: date) -> None:
    owner = str(restaurant.owner_id)
    items = [item.code for item in routine.risk_list(owner, restaurant.id).items]
    day, recent = first, today - timedelta(days=DAYS_OF_ROUTINE)  # the recent days are the staff seed's
    while day.month == first.month and day < recent:
        if rng.random() < 0.9:
            with time_machine.travel(_at(day, 20), tick=False):
                routine.record_daily_check(
                    owner,
                    restaurant.id,
                    {
                        "client_id": f"history-{restaurant.id}-{day.isoformat()}",
                        "day": day,
                        "results": [{"item": code, "result": "passed"} for code in items],
                        "signed_name": "食品安全员",
                    },
                )
        day += timedelta(days=1)
