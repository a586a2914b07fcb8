"""Demo: what 如皋's figures rest on — its residents (第七次人口普查) for this year and last, behind
samples per 1,000 residents, and a target set by the admin with its reason, as `/console/districts`
shows them."""

from __future__ import annotations

from backend.accounts.models import User
from backend.core.principal import ADMIN, REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.demo.sampling_seed import DISTRICT
from backend.indicators import services as indicators
from backend.indicators.models import Target
from backend.sampling import kpis as sampling_kpis

RESIDENTS = 1_237_400  # 第七次全国人口普查: 如皋市常住人口


def seed_indicators() -> None:
    regulator, admin = User.objects.by_username("rugao").first(), User.objects.by_username("admin").first()
    if regulator is None or admin is None:
        return
    today = today_shanghai()
    as_regulator = Principal(
        user_id=str(regulator.id), role=REGULATOR, session_id="demo-seed", districts=tuple(regulator.districts)
    )
    for year in (today.year - 1, today.year):
        sampling_kpis.set_residents(as_regulator, district=DISTRICT, year=year, residents=RESIDENTS, source="人口普查")
    if Target.objects(code="complaints.reply_rate", district_code=DISTRICT).first() is None:
        indicators.set_target(
            Principal(user_id=str(admin.id), role=ADMIN, session_id="demo-seed", districts=()),
            {
                "code": "complaints.reply_rate",
                "district_code": DISTRICT,
                "year": today.year,
                "value": 1.0,
                "reason": "如皋市食品安全工作要点：投诉举报答复率100%",
            },
        )
