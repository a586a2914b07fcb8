"""Demo complaints in several states, one of them overdue, through the real services."""

from __future__ import annotations

from datetime import timedelta

from backend.accounts.models import User
from backend.complaints import services
from backend.complaints.models import Complaint
from backend.core import context
from backend.core.calendar import current_calendar
from backend.core.principal import Principal
from backend.core.timeutil import utcnow
from backend.demo.registry_seed import demo_code
from backend.registry.models import Business


def _regulator(username: str) -> Principal:
    user = User.objects.by_username(username).first()
    return Principal(user_id=str(user.id), role=user.role, session_id="demo-seed", districts=tuple(user.districts))


def seed_complaints() -> dict[str, services.Submitted]:
    if Complaint.objects.count():
        return {}
    # Redis can outlive an embedded MongoDB (REDIS_URL set, MONGODB_URI not): with no complaint
    # stored, every duplicate claim it still holds is stale, and would refuse the demo's complaints.
    redis = context.redis()
    for key in redis.scan_iter(match=services.DEDUPE_KEY_PREFIX + "*", count=500):
        redis.delete(key)
    restaurant = Business.objects(kind="restaurant_small").first()
    canteen = Business.objects(kind="school_canteen").first()
    wholesaler = Business.objects(kind="wholesaler").first()
    rugao, minhang = _regulator("rugao"), _regulator("minhang")
    made = {}

    def submit(key, values, client):
        made[key] = services.submit(values, client=client, source="web", query_key=demo_code(f"complaint:{key}", 24))
        return made[key].complaint.number

    person = {"name": "吴小勇", "phone": "13773861122", "address": "江苏省如皋市如城街道益寿路20号"}
    # received, still waiting for acceptance
    submit(
        "received",
        {
            "kind": "complaint",
            "category": "hygiene",
            "business_code": restaurant.public_code,
            "description": "就餐时发现碗里有头发，后厨门口垃圾桶未加盖。",
            "claim": "要求退还餐费",
            "complainant": person,
        },
        "10.0.0.1",
    )
    # closed and rated
    number = submit(
        "closed",
        {
            "kind": "complaint",
            "category": "spoiled_expired",
            "business_code": restaurant.public_code,
            "description": "购买的卤菜有异味，疑似变质。",
            "claim": "退款并赔偿",
            "complainant": {**person, "phone": "13773861123"},
        },
        "10.0.0.2",
    )
    services.accept(rugao, number)
    services.assign(rugao, number, rugao.user_id, "如城市场监管分局")
    services.handle(rugao, number, "现场检查，留样卤菜送检，责令下架。")
    services.reply(rugao, number, "经调解，商家退还货款并赔偿100元，已责令整改。")
    services.close(rugao, number, "调解成功")
    services.rate(number, made["closed"].query_key, 5, "处理及时，满意")
    # an anonymous report being handled in Minhang
    number = submit(
        "handling",
        {
            "kind": "report",
            "category": "illegal_additive",
            "business_code": canteen.public_code,
            "description": "学校食堂疑似使用过期面粉制作点心。",
        },
        "10.0.0.3",
    )
    services.accept(minhang, number)
    services.assign(minhang, number, minhang.user_id, "莘庄市场监管所")
    services.handle(minhang, number, "已抽检面粉批次，等待检验结果。")
    # refused
    number = submit(
        "refused",
        {
            "kind": "complaint",
            "category": "false_advertising",
            "business_code": wholesaler.public_code if wholesaler else restaurant.public_code,
            "description": "宣传“野生鱼”实为养殖鱼。",
            "claim": "退一赔三",
            "complainant": {**person, "phone": "13773861124"},
        },
        "10.0.0.4",
    )
    if wholesaler:
        services.refuse(_regulator("zhangjiagang"), number, "该纠纷已由人民法院受理")
    # overdue: received 12 working days ago and never accepted
    number = submit(
        "overdue",
        {
            "kind": "complaint",
            "category": "food_poisoning",
            "business_name": "如皋夜市烧烤摊",
            "business_address": "如皋市海阳路夜市12号摊位",
            "district_code": "320682",
            "description": "晚上吃完烧烤后一家三口腹泻呕吐。",
            "claim": "赔偿医药费",
            "complainant": {**person, "phone": "13773861125"},
        },
        "10.0.0.5",
    )
    calendar = current_calendar()
    received = utcnow() - timedelta(days=18)
    received_on = received.date()
    accept_due = calendar.add_working_days(received_on, services.ACCEPT_DAYS)
    Complaint.objects(number=number).update_one(
        set__received_at=received, set__received_on=received_on, set__accept_due=accept_due, set__current_due=accept_due
    )
    return made
