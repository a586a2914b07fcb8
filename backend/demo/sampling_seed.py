"""Demo sampling through the real services: a lab's result file imported (passing and failing
samples, one of them microbiological), a disposition in progress and one closed, and an announced
batch, so the public results page, the card's 抽检结果 and the console's cases all have something."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from backend.accounts.models import User
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.registry.models import Business
from backend.sampling import cases, importing, publishing, services
from backend.sampling.models import DispositionCase, Sample

DISTRICT = "320682"  # 如皋: the samples are the 如皋 regulator's
COLUMNS = (
    ("sampling_number", "抽样编号"),
    ("task_source", "任务来源/项目名称"),
    ("sampled_on", "抽样日期"),
    ("business_name", "被抽样单位名称"),
    ("business_address", "被抽样单位地址"),
    ("uscc", "被抽样单位统一社会信用代码"),
    ("producer_name", "标称生产企业名称"),
    ("food_name", "食品名称"),
    ("spec", "规格型号"),
    ("production_date", "生产日期/批号"),
    ("food_category", "分类"),
    ("lab", "检验机构"),
    ("report_date", "报告日期"),
    ("item", "检验项目"),
    ("value", "检验结果"),
    ("unit", "单位"),
    ("standard", "标准值"),
    ("verdict", "单项判定"),
)
TASK = "2026年如皋市食品安全监督抽检"
LAB = "南通市食品药品监督检验中心"

# (sampling number suffix, business name, food, category, [(item, value, unit, standard, verdict)])
SAMPLES = (
    ("01", "如皋老张面馆", "手工面条", "粮食加工品", [("铅(以Pb计)", "0.05", "mg/kg", "≤0.2", "合格")]),
    (
        "02",
        "如皋老张面馆",
        "复用餐饮具",
        "餐饮食品",
        [
            ("大肠菌群", "未检出", "/50cm²", "不得检出", "合格"),
            ("阴离子合成洗涤剂", "未检出", "mg/100cm²", "不得检出", "合格"),
        ],
    ),
    (
        "03",
        "如皋市长江镇绿源蔬菜种植基地",
        "韭菜",
        "食用农产品",
        [("腐霉利", "0.86", "mg/kg", "≤0.2", "不合格"), ("毒死蜱", "未检出", "mg/kg", "≤0.02", "合格")],
    ),
    ("04", "如皋市长江镇绿源蔬菜种植基地", "芹菜", "食用农产品", [("毒死蜱", "0.09", "mg/kg", "≤0.05", "不合格")]),
    ("05", "如皋市长江镇绿源蔬菜种植基地", "青菜", "食用农产品", [("毒死蜱", "未检出", "mg/kg", "≤0.02", "合格")]),
)


def _result_file(businesses: dict[str, Business]) -> bytes:
    today = today_shanghai()
    sampled_on, report_date = today - timedelta(days=40), today - timedelta(days=28)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _field, header in COLUMNS])
    for suffix, name, food, category, items in SAMPLES:
        business = businesses[name]
        for item, value, unit, standard, verdict in items:
            row = {
                "sampling_number": f"DC26{DISTRICT}4000{suffix}",
                "task_source": TASK,
                "sampled_on": sampled_on.isoformat(),
                "business_name": business.name,
                "business_address": business.address,
                "uscc": business.uscc or "",
                "producer_name": business.name,
                "food_name": food,
                "spec": "散装",
                "production_date": (sampled_on - timedelta(days=1)).isoformat(),
                "food_category": category,
                "lab": LAB,
                "report_date": report_date.isoformat(),
                "item": item,
                "value": value,
                "unit": unit,
                "standard": standard,
                "verdict": verdict,
            }
            writer.writerow([row[field] for field, _header in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def seed_sampling(users: dict) -> None:
    if Sample.objects.count():
        return
    businesses = {name: Business.objects(name=name).first() for name in {spec[1] for spec in SAMPLES}}
    if not all(businesses.values()):
        return
    regulator_user = User.objects.by_username("rugao").first()
    if regulator_user is None:
        return
    regulator = Principal(user_id=str(regulator_user.id), role=REGULATOR, districts=tuple(regulator_user.districts))
    record = services.start_import(
        regulator,
        filename="如皋市2026年第4期抽检结果.csv",
        data=_result_file(businesses),
        district=DISTRICT,
        mode="whole",
        background=False,
    )
    importing.run_import(str(record.id))
    farm, farm_owner = businesses["如皋市长江镇绿源蔬菜种植基地"], users["farm"]
    opened = {case.sampling_number[-2:]: case for case in DispositionCase.objects(business_id=farm.id)}
    # 04: the farm has stopped selling and sealed the batch (in progress)
    in_progress = opened["04"]
    for action, note in (("stopped_sale", "已停止销售该批次芹菜"), ("sealed", "剩余120公斤已封存待处理")):
        cases.record_action(farm_owner.id, farm.id, str(in_progress.id), action=action, note=note, photos=[])
    # 03: traced to a spraying too close to harvest; warned and closed
    closed = opened["03"]
    cases.record_action(
        farm_owner.id,
        farm.id,
        str(closed.id),
        action="cause_found",
        note="采收前7天喷施腐霉利，未满安全间隔期",
        photos=[],
    )
    cases.record_action(
        farm_owner.id, farm.id, str(closed.id), action="fixed", note="建立用药记录，严格执行安全间隔期", photos=[]
    )
    cases.close_case(regulator, str(closed.id), outcome="warning", note="责令整改，予以警告")
    publishing.announce(
        regulator,
        number="如市监抽〔2026〕4号",
        title="如皋市2026年第4期食品安全监督抽检信息公告",
        announced_on=today_shanghai() - timedelta(days=7),
        district=DISTRICT,
        sampling_numbers=None,
        import_id=str(record.id),
    )
