"""Demo inspections through the real services: each result, rectifications open and accepted,
businesses in each colour and risk grade, and a random draw."""

from __future__ import annotations

from datetime import timedelta

from backend.accounts.models import User
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.inspections import planning, services
from backend.inspections.models import Checklist, Inspection, Rectification
from backend.registry.models import Business
from backend.staff.models import SafetyProfile

# business name -> [(days ago, failed items)] ; the grade follows from the scores
PLAN = {
    "如皋老张面馆": [(200, ["cold_chain"]), (40, [])],  # 优秀: green
    "张家港市农副产品批发市场鑫达水产经营部": [(60, ["storage", "cold_chain"])],  # 良好: yellow
    "上海市闵行区莘庄实验小学食堂": [
        (150, ["storage", "waste", "ventilation"]),  # then two key items
        (25, ["samples_kept", "tableware_disinfection", "special_rooms"]),
    ],  # red
}


def _principal(user: User) -> Principal:
    return Principal(user_id=str(user.id), role=REGULATOR, districts=tuple(user.districts))


def seed_inspections(users: dict) -> None:
    if Inspection.objects.count():
        return
    today = today_shanghai()
    services.ensure_shipped_checklists()
    for name, visits in PLAN.items():
        business = Business.objects(name=name).first()
        if business is None:
            continue
        inspectors = list(User.objects.regulators_covering(business.district_code))
        if len(inspectors) < 2:
            second = User(
                role=REGULATOR,
                username=f"inspector{business.district_code}",
                districts=[business.district_code],
                display_name="协查执法人员",
            ).save()
            inspectors.append(second)
        lead, second = _principal(inspectors[0]), inspectors[1]
        checklist = services.checklist_for(business)
        codes = [item.code for item in checklist.items]
        for days_ago, failed in visits:
            results = [
                {
                    "item": code,
                    "result": "failed" if code in failed else "passed",
                    "note": "现场检查发现问题，已要求限期整改" if code in failed else None,
                }
                for code in codes
            ]
            draft = services.create_draft(
                lead,
                {
                    "business_id": str(business.id),
                    "type": "routine",
                    "inspected_on": today - timedelta(days=days_ago),
                    "inspectors": [str(second.id)],
                    "results": results,
                },
            )
            services.sign(lead, draft.id)
        owner_key = next((key for key, user in users.items() if str(user.id) == str(business.owner_id)), None)
        fixes = list(Rectification.objects(business_id=business.id).order_by("deadline"))
        if owner_key and fixes:  # the first fix is done and accepted; the others stay open
            services.submit_evidence(
                str(business.owner_id), business.id, fixes[0].id, "已整改：更换冷柜温控器并复测", []
            )
            services.review_rectification(lead, fixes[0].id, True, "整改到位")
        if business.kind == "wholesaler":  # a large stall: a closer-watched risk grade
            SafetyProfile.objects(id=business.id).update_one(upsert=True, set__scale="large")
        planning.recompute_risk_grade(business.id)
    rugao = User.objects(username="rugao").first()
    if rugao is not None and Checklist.objects.count():
        planning.draw(_principal(rugao), count=1, district="320682", kind="farm_base")
