"""A county's worth of records for benches and counted-query tests: businesses of every kind, and a
year of complaints, inspections (with rectifications), samples (with disposition cases), daily checks
of the businesses keeping a risk list, and cameras — built as the models define them (validated) and
written with `insert_many` under our own ids, so a large county takes seconds, not hours.

Not demo data (that goes through the services): this is load, shaped like the real records."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bson import ObjectId

from backend.cameras.models import Camera
from backend.complaints.models import Complaint, Reply
from backend.core.districts import enclosing_codes
from backend.core.timeutil import SHANGHAI
from backend.inspections.models import Inspection, Rectification
from backend.registry.models import Business
from backend.routine.models import DailyCheck, RiskControlList, Signature
from backend.sampling.models import DispositionCase, Sample

KINDS = (
    ("restaurant_small", 45),
    ("restaurant_medium", 15),
    ("food_seller", 20),
    ("school_canteen", 6),
    ("elderly_canteen", 2),
    ("hospital_canteen", 1),
    ("government_canteen", 1),
    ("wholesaler", 5),
    ("restaurant_large", 5),
)
BATCH = 5_000
MODELS = (Business, Complaint, Inspection, Rectification, Sample, DispositionCase, RiskControlList, DailyCheck, Camera)


@dataclass
class County:
    district: str
    businesses: int
    complaints: int
    inspections: int
    samples: int
    daily_checks: int
    cameras: int


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _write(document_class, documents) -> int:
    """Validated (the first of each kind fully), then written in batches."""
    collection = document_class._get_collection()
    written, batch = 0, []
    for document in documents:
        if written == 0 and not batch:
            document.validate()
        batch.append(document.to_mongo().to_dict())
        if len(batch) == BATCH:
            collection.insert_many(batch, ordered=False)
            written, batch = written + len(batch), []
    if batch:
        collection.insert_many(batch, ordered=False)
        written += len(batch)
    return written


def generate(
    district: str = "320682",
    *,
    businesses: int = 5_000,
    year_end: date,
    seed: int = 26,
    routine_share: float = 0.1,
    routine_days: int = 365,
) -> County:
    """`businesses` approved businesses in `district` with a year (to `year_end`) of records around them."""
    rng = random.Random(seed)
    scopes = enclosing_codes(district)
    start = year_end - timedelta(days=364)
    owner = ObjectId()
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    ids = [ObjectId() for _ in range(businesses)]
    kind_of = {business_id: rng.choice(kinds) for business_id in ids}

    def day_in_year() -> date:
        return start + timedelta(days=rng.randrange(365))

    _write(
        Business,
        (
            Business(
                id=business_id,
                kind=kind_of[business_id],
                name=f"负载测试经营者{n}",
                status="approved",
                owner_id=owner,
                district_code=district,
                district_scopes=scopes,
                approved_at=_moment(start),
                public_code=f"LOAD{district}{n:07d}",
            )
            for n, business_id in enumerate(ids)
        ),
    )

    def complaints():
        for n in range(businesses // 2):
            received = day_in_year()
            closed = rng.random() < 0.9 and received + timedelta(days=3) <= year_end
            closed_on = min(received + timedelta(days=rng.randrange(3, 40)), year_end)
            yield Complaint(
                number=f"TS{received:%Y%m%d}{district}{n:06d}",
                query_key_hash="x" * 64,
                kind="complaint",
                category=rng.choice(("hygiene", "spoiled_expired", "other")),
                status="closed" if closed else "accepted",
                business_id=rng.choice(ids),
                business_name="负载测试经营者",
                district_code=district,
                district_scopes=scopes,
                description="后厨卫生差",
                received_at=_moment(received),
                received_on=received,
                accept_due=received + timedelta(days=7),
                current_due=received + timedelta(days=30),
                accepted_at=_moment(received, 15),
                replies=[Reply(at=_moment(closed_on, 9), by=owner, text="已处理")] if closed else [],
                closed_at=_moment(closed_on) if closed else None,
                closed_on_time=int(rng.random() < 0.97) if closed else None,
                rating=rng.randint(3, 5) if closed else None,
            )

    inspections, rectifications = [], []
    for business_id in ids:
        for _ in range(rng.choice((0, 1, 1, 2))):
            inspection_id, on = ObjectId(), day_in_year()
            result = rng.choice(("compliant", "compliant", "basically_compliant", "non_compliant"))
            inspections.append(
                Inspection(
                    id=inspection_id,
                    business_id=business_id,
                    district_scopes=scopes,
                    checklist_id=owner,
                    checklist_kind=kind_of[business_id],
                    checklist_version=1,
                    inspected_on=on,
                    type="routine",
                    inspectors=[owner, owner],
                    status="signed",
                    result=result,
                    score=round(rng.uniform(6, 10), 1),
                    dynamic_grade=rng.choice(("excellent", "good", "fair")),
                    graded=True,
                    signed_at=_moment(on, 16),
                )
            )
            if result != "compliant":
                rectifications.append(
                    Rectification(
                        inspection_id=inspection_id,
                        business_id=business_id,
                        district_scopes=scopes,
                        item="2.1",
                        text="冷藏温度不达标",
                        key=False,
                        deadline=on + timedelta(days=14),
                        status=rng.choice(("open", "accepted", "accepted")),
                    )
                )

    samples, cases = [], []
    for n in range(businesses):
        on, business_id = day_in_year(), rng.choice(ids)
        failed = rng.random() < 0.03
        number = f"DC{district}{n:010d}"
        samples.append(
            Sample(
                sampling_number=number,
                task_source=rng.choice(("监督抽检", "评价性抽检", "风险监测")),
                sampled_on=on,
                business_id=business_id,
                business_name="负载测试经营者",
                district_code=district,
                district_scopes=scopes,
                food_name=rng.choice(("大米", "青菜", "酱油")),
                food_category=rng.choice(("粮食加工品", "食用农产品", "调味品")),
                lab="负载测试检验中心",
                report_date=on + timedelta(days=10),
                verdict="fail" if failed else "pass",
                announcement_id=owner if rng.random() < 0.8 else None,
            )
        )
        if failed:
            opened = on + timedelta(days=12)
            cases.append(
                DispositionCase(
                    id=f"sample-{number}",
                    source="sample",
                    sampling_number=number,
                    business_id=business_id,
                    business_name="负载测试经营者",
                    district_scopes=scopes,
                    food_name="大米",
                    status=rng.choice(("open", "closed", "closed")),
                    opened_at=_moment(opened),
                    notified_on=opened,
                    retest_request_by=_moment(opened + timedelta(days=7)),
                    deadline=opened + timedelta(days=90),
                )
            )

    keeping = [business_id for business_id in ids if rng.random() < routine_share]
    signature = Signature(user_id=owner, name="负载测试", at=_moment(start))

    def daily_checks():
        for business_id in keeping:
            for offset in range(routine_days):
                day = year_end - timedelta(days=offset)
                if rng.random() < 0.9:
                    yield DailyCheck(
                        business_id=business_id,
                        district_scopes=scopes,
                        client_id=f"{business_id}-{day}",
                        signature=signature,
                        day=day,
                    )

    canteens = [b for b in ids if kind_of[b].endswith("canteen")]
    cameras = [
        Camera(
            business_id=business_id,
            district_scopes=scopes,
            name="后厨",
            area="cooking",
            stream_url="rtsp://127.0.0.1/none",
            enabled=True,
            status=rng.choice(("online", "online", "online", "offline")),
            approved_at=_moment(start),
            last_sample_at=_moment(year_end),
        )
        for business_id in canteens
    ]
    written_complaints = _write(Complaint, complaints())
    written_inspections = _write(Inspection, inspections)
    _write(Rectification, rectifications)
    written_samples = _write(Sample, samples)
    _write(DispositionCase, cases)
    _write(RiskControlList, (RiskControlList(id=business_id, template="restaurant") for business_id in keeping))
    return County(
        district=district,
        businesses=businesses,
        complaints=written_complaints,
        inspections=written_inspections,
        samples=written_samples,
        daily_checks=_write(DailyCheck, daily_checks()),
        cameras=_write(Camera, cameras),
    )
