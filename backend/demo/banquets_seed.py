"""Demo rural banquets through the real services: two approved chefs of 如皋 (one whose health
certificate runs out within the month), the 海阳 venue with its insurance, banquets of each size with
their guidance (the small one's checklist done by the chef, the others due), samples kept of two of a
banquet's three dishes, and two incidents — one closed as not food-borne, one confirmed."""

from __future__ import annotations

from datetime import timedelta

from backend.accounts.models import User
from backend.banquets import services
from backend.banquets.models import Chef
from backend.core.principal import OFFICE, REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.demo.cameras_seed import kitchen_frame
from backend.registry.models import Business

VENUE = "如皋市如城街道海阳社区集中办酒场所"
RESTAURANT = "如皋老张面馆"
CHEFS = (  # (user key, name, ID number, phone, certificate issued this many days ago)
    ("chef", "李春生", "320682197803154219", "13962791101", 40),
    ("chef-expiring", "陆海明", "320682198211070630", "13962791102", 350),
)


def seed_banquets(users: dict) -> None:
    if Chef.objects.count() or not all(key in users for key, *_ in CHEFS):
        return
    import cv2

    today = today_shanghai()
    regulator_user = User.objects.by_username("rugao").first()
    regulator = Principal(user_id=str(regulator_user.id), role=REGULATOR, districts=tuple(regulator_user.districts))
    office_user = User.objects.by_username("shianban").first()
    reviewer = (
        Principal(user_id=str(office_user.id), role=OFFICE, districts=tuple(office_user.districts))
        if office_user
        else regulator
    )
    chefs = []
    for key, name, id_number, phone, issued_days_ago in CHEFS:
        user_id = str(users[key].id)
        chef = services.register_chef(
            user_id,
            {
                "name": name,
                "id_number": id_number,
                "phone": phone,
                "district_code": "320682",
                "training_hours_this_year": 16,
                "team": [{"name": "周帮厨", "role": "帮厨"}, {"name": "吴服务", "role": "服务员"}],
            },
        )
        services.add_chef_certificate(
            user_id,
            chef.id,
            {
                "number": f"JKZ{id_number[-6:]}",
                "issuer": "如皋市疾病预防控制中心",
                "issued_on": today - timedelta(days=issued_days_ago),
            },
        )
        chefs.append(services.review_chef(reviewer, chef.id, {"approve": True, "reason": "资料齐全，健康证明有效"}))
    venue = Business.objects(name=VENUE).first()
    if venue is not None and "venue" in users:
        services.record_insurance(
            str(users["venue"].id),
            venue.id,
            {
                "policy_number": "PICC-RG-2026-0417",
                "insurer": "中国人民财产保险股份有限公司如皋支公司",
                "starts_on": today - timedelta(days=100),
                "ends_on": today + timedelta(days=265),
            },
        )
    host = str(users["citizen"].id)
    photo = cv2.imencode(".jpg", kitchen_frame(7))[1].tobytes()
    plans = (  # (guests, tables, days ahead, at the venue, occasion)
        (60, 6, 4, False, "满月酒"),
        (160, 16, 6, True, "婚宴"),
        (320, 32, 10, False, "寿宴"),
    )
    for index, (guests, tables, days, at_venue, occasion) in enumerate(plans):
        values = {
            "client_key": f"demo-banquet-{index}",
            "host_name": "吴小勇",
            "host_phone": "13962790000",
            "occasion": occasion,
            "held_on": today + timedelta(days=days),
            "meal": "lunch",
            "guests": guests,
            "tables": tables,
            "dishes": ["红烧肉", "清蒸鲈鱼", "时令蔬菜"],
            "chef_code": chefs[0].public_code,
            "pledge_name": "吴小勇",
        }
        if at_venue and venue is not None:
            values["venue_id"] = str(venue.id)
        else:
            values.update(address="江苏省如皋市如城街道海阳社区十组", district_code="320682")
        banquet, _ = services.report_banquet(host, values)
        if index == 0:  # the small one: the chef's checklist done, two dishes' samples kept
            chef_user = Principal(user_id=str(chefs[0].user_id), role="citizen")
            task = services.guidance_for(chef_user).filter(banquet_id=banquet.id).first()
            results = [{"item": item["code"], "result": "passed"} for item in services.checklist()["items"]]
            services.complete_guidance(chef_user, task.id, {"results": results, "result": "已落实各项要求"})
            for dish in ("红烧肉", "清蒸鲈鱼"):
                services.record_sample(str(chefs[0].user_id), banquet.id, {"dish": dish, "grams": 150}, photo)
    restaurant = Business.objects(name=RESTAURANT).first()
    for description, ill, confirm, reason in (
        ("家宴后 3 人腹泻，疑与凉拌菜有关", 3, False, "经流行病学调查，系病毒性感冒，非食源性"),
        ("午餐后 8 人出现呕吐、腹痛", 8, True, "流行病学调查和检验结果确认为食源性疾病"),
    ):
        incident = services.report_incident(
            None,
            {
                "description": description,
                "ill": ill,
                "occurred_on": today - timedelta(days=5),
                "address": "江苏省如皋市如城街道海阳南路88号",
                "business_code": restaurant.public_code if restaurant and confirm else None,
                "reporter_phone": "13962790001",
            },
        )
        services.add_step(
            regulator, incident.id, {"text": "接报后到场，封存剩余食品并采样", "samples_taken": ["剩余菜品"]}
        )
        services.decide_incident(regulator, incident.id, {"confirm": confirm, "reason": reason})


def demo_chef_urls(base_url: str) -> list[tuple[str, str]]:
    """The approved demo chefs' public cards (what a host scans before hiring)."""
    return [
        (chef.name, f"{base_url.rstrip('/')}/chef/{chef.public_code}")
        for chef in Chef.objects(status="approved").only("name", "public_code").order_by("name")
    ]
