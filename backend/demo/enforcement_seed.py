"""Demo enforcement through the real services: a lead handed to a business and answered, a case
waiting for the party's statement, a closed case with its public disclosure, a warning on the spot,
and a person banned from food work. (The school canteen's failed inspection raised a lead itself.)"""

from __future__ import annotations

from datetime import date, timedelta

from backend.accounts.models import User
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.enforcement import services
from backend.enforcement.models import Case
from backend.registry.models import Business

RESTAURANT = "如皋老张面馆"
WHOLESALER = "张家港市农副产品批发市场鑫达水产经营部"
CANTEEN = "上海市闵行区莘庄实验小学食堂"


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
    # a warning on the spot, and a person banned from food work
    minhang = _regulator(canteen)
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
