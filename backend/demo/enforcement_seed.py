"""Demo enforcement through the real services: a camera capture that became a lead the restaurant saw
(faces blurred) and fixed; a tip-off handed to it and answered; cases at every step (filed, told,
decided, delivered, closed with its PDFs and public disclosure); a warning on the spot; a supplier on
the serious-dishonesty list (recorded from a decision made months ago) that applied for credit
repair; and a person banned from food work. (The school canteen's failed inspection raised a lead
itself.)"""

from __future__ import annotations

import time
from datetime import date, timedelta

import cv2

from backend.accounts.models import User
from backend.cameras import services as cameras
from backend.cameras import snapshots
from backend.cameras.models import Camera
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.enforcement import services
from backend.enforcement.models import Case, Lead
from backend.registry.models import Business

RESTAURANT = "如皋老张面馆"
WHOLESALER = "张家港市农副产品批发市场鑫达水产经营部"
CANTEEN = "上海市闵行区莘庄实验小学食堂"
FARM = "如皋市长江镇绿源蔬菜种植基地"


def _regulator(business: Business) -> Principal:
    user = User.objects.regulators_covering(business.district_code).first()
    return Principal(user_id=str(user.id), role=REGULATOR, districts=tuple(user.districts))


def seed_enforcement(users: dict) -> None:
    if Case.objects.count():
        return
    restaurant, wholesaler, canteen = (
        Business.objects(name=name).first() for name in (RESTAURANT, WHOLESALER, CANTEEN)
    )
    if not (restaurant and wholesaler and canteen):
        return
    owner = str(users["restaurant"].id)
    rugao = _regulator(restaurant)
    _captured_and_fixed(rugao, restaurant, owner)
    # a tip-off handed to the business to fix, and its answer
    tip = services.register_lead(rugao, {"business_id": restaurant.id, "summary": "群众反映后厨垃圾桶未加盖"})
    services.review_lead(
        rugao,
        tip.id,
        {"action": "rectify", "reason": "情节轻微，责令整改", "due_on": today_shanghai() + timedelta(days=3)},
    )
    services.respond_to_lead(
        owner, restaurant.id, tip.id, {"stance": "confirm", "note": "已更换带盖垃圾桶", "photos": []}
    )
    # a case carried through: filed from a lead, told, stated, decided, delivered electronically, paid, closed
    lead = services.register_lead(rugao, {"business_id": restaurant.id, "summary": "检查发现使用超过保质期的面粉"})
    opened = services.review_lead(
        rugao,
        lead.id,
        {"action": "open_case", "reason": "初查属实", "violation": "使用超过保质期的食品原料", "approved_by": "王建国"},
    )
    case_id = opened.case_id
    fine = [{"kind": "fine", "amount_yuan": 5000}]
    notice = {
        "facts": "现场查见超过保质期的面粉 2 袋",
        "rule_broken": "《中华人民共和国食品安全法》第三十四条",
        "intended": fine,
    }
    services.notify(rugao, case_id, notice)
    services.state_and_defend(
        owner, case_id, {"text": "系初次违法，已全部销毁并建立查验制度，请求从轻处罚", "photos": []}
    )
    services.decide(rugao, case_id, {"penalties": fine})
    services.consent_to_electronic_delivery(owner, restaurant.id, "张志明")
    services.deliver(rugao, case_id, {"method": "electronic"})
    services.execute(rugao, case_id, {"kind": "paid"})
    services.close(rugao, case_id, {})
    # a case waiting for the party's statement
    zhangjiagang = _regulator(wholesaler)
    filed = services.file_case(
        zhangjiagang, {"business_id": wholesaler.id, "violation": "未按规定查验供货者许可证", "approved_by": "沈国强"}
    )
    services.notify(
        zhangjiagang,
        filed.id,
        {
            "facts": "进货台账缺少3批次供货者资质",
            "rule_broken": "《中华人民共和国食品安全法》第五十三条",
            "intended": [{"kind": "warning"}],
        },
    )
    _cases_at_each_step(rugao, restaurant, owner)
    _listed_and_repairing(users)
    # a warning on the spot, a case just filed, and a person banned from food work
    minhang = _regulator(canteen)
    services.file_case(minhang, {"business_id": canteen.id, "violation": "餐用具未经清洗消毒", "approved_by": "陆建华"})
    services.simplified_case(
        minhang,
        {"business_id": canteen.id, "violation": "未按规定公示从业人员健康证明", "penalties": [{"kind": "warning"}]},
    )
    services.ban_person(
        minhang,
        {
            "id_number": "110101198001010053",
            "name": "赵某",
            "reason": "licence_revoked",
            "basis": "沪闵市监罚〔2024〕15号",
            "since": date(2024, 9, 1),
        },
    )


def _captured_and_fixed(rugao: Principal, restaurant: Business, owner: str) -> None:
    """非现场执法: the kitchen camera's frame captured by the regulator, escalated to a lead, handed to
    the business, which sees the frame on its phone and answers with what it fixed."""
    from backend.demo.cameras_seed import kitchen_frame

    camera = Camera.objects(business_id=restaurant.id).order_by("name").first()
    if camera is None:  # the demo runs without clips (CAMERA_FILE_DIR unset)
        return
    frame = cv2.imencode(".jpg", kitchen_frame(42))[1].tobytes()  # no face in the drawn kitchen to blur
    meta = {"captured_at": time.time(), "status": "online", "activity": 0.2, "phash": None, "worker": "demo"}
    snapshots.store(cameras.binary_redis(), camera.id, public_jpeg=frame, full_jpeg=frame, meta=meta)
    event = cameras.capture(rugao, camera.id, "操作人员未戴口罩、未戴工作帽")
    cameras.escalate_problem(rugao, event.id, "多次抓拍到同类问题")
    lead = Lead.objects(source_kind="camera", source_id=str(event.id)).first()
    due = today_shanghai() + timedelta(days=3)
    services.review_lead(rugao, lead.id, {"action": "rectify", "reason": "情节轻微，限期整改", "due_on": due})
    answer = {"stance": "confirm", "note": "已对全体厨师培训，配发口罩和工作帽并每日检查", "photos": []}
    services.respond_to_lead(owner, restaurant.id, lead.id, answer)


def _cases_at_each_step(rugao: Principal, restaurant: Business, owner: str) -> None:
    """A case waiting for delivery (decided), and one delivered whose fine is not yet paid."""
    for violation, deliver in (("未按规定贮存食品原料", False), ("未按规定留样", True)):
        filed = services.file_case(
            rugao, {"business_id": restaurant.id, "violation": violation, "approved_by": "王建国"}
        )
        fine = [{"kind": "fine", "amount_yuan": 2000}]
        services.notify(
            rugao,
            filed.id,
            {
                "facts": f"现场检查发现{violation}",
                "rule_broken": "《中华人民共和国食品安全法》第五十四条",
                "intended": fine,
            },
        )
        services.state_and_defend(owner, filed.id, {"text": "已立即整改，请求从轻处罚", "photos": []})
        services.decide(rugao, filed.id, {"penalties": fine})
        if deliver:
            services.deliver(rugao, filed.id, {"method": "in_person", "note": "店长签收"})


def _listed_and_repairing(users: dict) -> None:
    """A supplier listed by a decision made five months ago (buyers see it), which applied for repair."""
    farm = Business.objects(name=FARM).first()
    if farm is None or "farm" not in users:
        return
    regulator = _regulator(farm)
    listing = services.list_dishonest(
        regulator,
        {
            "business_id": farm.id,
            "basis": "如皋市监信〔2026〕2号",
            "reason": "销售农药残留超标蔬菜，拒不召回",
            "listed_by": "王建国",
            "listed_on": today_shanghai() - timedelta(days=150),
        },
    )
    services.apply_for_repair(
        str(users["farm"].id),
        farm.id,
        {
            "target": "listing",
            "target_id": str(listing.id),
            "statement": "已全部召回销毁问题蔬菜，建立农残自检制度",
            "photos": [],
        },
    )
