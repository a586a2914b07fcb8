"""What the public sees of sampling: announcements (公告), the public results list and its exports, and
the card's section (the latest results, a failed one with its disposition)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from backend.core import districts, tables
from backend.core.errors import InvalidInput
from backend.core.ids import object_id
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.public_card import services as cards
from backend.sampling.models import (
    ACCEPTED,
    CLOSED,
    FAIL,
    OUTCOMES,
    PASS,
    REQUESTED,
    VERDICT_LABELS,
    Announcement,
    DispositionCase,
    Sample,
)
from backend.sampling.services import scope_district
from backend.workflow.services import create_record

log = logging.getLogger(__name__)
CARD_SECTION = "test_results"
CARD_RESULTS = 5
MAX_ANNOUNCED_NUMBERS = 1000
MAX_EXPORT_ROWS = 20_000


# -- announcements, the public list, the card ----------------------------------------------------


def announce(
    principal: Principal,
    *,
    number: str,
    title: str,
    announced_on: date,
    district: str | None,
    sampling_numbers: list[str] | None,
    import_id: str | None,
) -> Announcement:
    """Make a batch of results public (公告). Results are never public before this."""
    if bool(sampling_numbers) == bool(import_id):
        raise InvalidInput(
            errors={"sampling_numbers": [Text("Give the sampling numbers or an import_id (one of them).")]}
        )
    if announced_on > today_shanghai():
        raise InvalidInput(errors={"announced_on": [Text("In the future.")]})
    district = scope_district(principal, district)
    found = Sample.objects.visible_to(principal).filter(announcement_id=None)
    if import_id:
        found = found.filter(import_ids=object_id(import_id))
    else:
        if len(sampling_numbers) > MAX_ANNOUNCED_NUMBERS:
            raise InvalidInput(
                errors={
                    "sampling_numbers": [
                        Text(
                            "At most {max_announced_numbers}; announce an import instead.",
                            max_announced_numbers=MAX_ANNOUNCED_NUMBERS,
                        )
                    ]
                }
            )
        found = found.filter(sampling_number__in=sampling_numbers)
    total = found.count()
    if not total:
        raise InvalidInput(errors={"sampling_numbers": [Text("No unannounced sample of yours matches.")]})
    failed = found.filter(verdict=FAIL).count()
    announcement = Announcement(
        number=number,
        title=title,
        announced_on=announced_on,
        district_code=district,
        district_scopes=districts.enclosing_codes(district),
        city_code=district[:4] + "00",
        samples=total,
        failed=failed,
        announced_by=object_id(principal.user_id),
    )
    create_record(announcement, action="created", actor_id=principal.user_id, target_type="sampling_announcement")
    businesses = [b for b in found.distinct("business_id") if b]
    found.update(set__announcement_id=announcement.id, set__announced_on=announced_on, set__updated_at=utcnow())
    for business_id in businesses:
        publish_card(business_id)
    return announcement


def announcements_for(principal: Principal):
    return Announcement.objects.visible_to(principal).order_by("-announced_on")


def publish_card(business_id: Any) -> None:
    """The card's test results: the latest announced ones and, for a failed one, where its case is."""
    recent = list(
        Sample.objects(business_id=object_id(business_id), announcement_id__ne=None)
        .order_by("-sampled_on")
        .limit(CARD_RESULTS)
    )
    if not recent:
        cards.withdraw_section(business_id, CARD_SECTION)
        return
    failed_numbers = [s.sampling_number for s in recent if s.verdict == FAIL]
    cases = (
        {c.sampling_number: c for c in DispositionCase.objects(id__in=[f"S-{n}" for n in failed_numbers])}
        if failed_numbers
        else {}
    )
    announcements = {a.id: a for a in Announcement.objects(id__in=list({s.announcement_id for s in recent}))}
    entries = []
    for sample in recent:
        announcement = announcements.get(sample.announcement_id)
        entries.append(
            {
                "food_name": sample.food_name,
                "food_category": sample.food_category,
                "sampled_on": sample.sampled_on.isoformat(),
                "verdict": sample.verdict,
                "verdict_label": VERDICT_LABELS[sample.verdict],
                "failed_items": [i.item for i in sample.failed_items],
                "lab": sample.lab,
                "announcement": announcement.number if announcement else None,
                "announced_on": sample.announced_on.isoformat() if sample.announced_on else None,
                "disposition": case_state_label(cases.get(sample.sampling_number)) if sample.verdict == FAIL else None,
            }
        )
    alerts = [
        f"抽检不合格：{e['food_name']}（{'、'.join(e['failed_items'])}），{e['disposition'] or ''}"
        for e in entries
        if e["verdict"] == FAIL
    ]
    cards.publish_section(business_id, CARD_SECTION, {"recent": entries}, alerts=alerts[:3])


def public_results(*, city: str | None, date_from: date | None, date_to: date | None, verdict: str | None):
    found = Sample.objects.announced()
    if city:
        found = found.filter(district_scopes=city)
    if date_from:
        found = found.filter(announced_on__gte=date_from)
    if date_to:
        found = found.filter(announced_on__lte=date_to)
    if verdict:
        found = found.filter(verdict=verdict)
    return found.order_by("-announced_on", "sampling_number")


def public_places() -> list[tuple[str, str]]:
    """(code, full name) of the cities and counties with announced results: the public page's list."""
    from backend.core import districts

    codes = {
        code
        for scopes in Sample.objects.announced().distinct("district_scopes")
        for code in ([scopes] if isinstance(scopes, str) else scopes)
        if not code.endswith("0000")
    }
    return sorted((code, districts.full_name(code)) for code in codes if districts.is_known(code))


def announcement_numbers(samples: Iterable[Sample]) -> dict:
    ids = list({s.announcement_id for s in samples if s.announcement_id})
    return {a.id: a for a in Announcement.objects(id__in=ids)} if ids else {}


PUBLIC_COLUMNS = (
    ("index", "序号"),
    ("producer_name", "标称生产企业名称"),
    ("producer_address", "标称生产企业地址"),
    ("business_name", "被抽样单位名称"),
    ("business_address", "被抽样单位地址/所在省份"),
    ("food_name", "食品名称"),
    ("spec", "规格型号"),
    ("brand", "商标"),
    ("production_date", "生产日期/批号"),
    ("failed_items", "不合格项目‖检验结果‖标准值"),
    ("food_category", "分类"),
    ("announcement", "公告号"),
    ("announced_on", "公告日期"),
    ("task_source", "任务来源/项目名称"),
    ("lab", "检验机构"),
    ("remarks", "备注"),
)


def public_row(index: int, sample: Sample, announcements: dict) -> dict:
    announcement = announcements.get(sample.announcement_id)
    failed = "；".join(f"{i.item}‖{i.value or ''}{i.unit or ''}‖{i.standard or ''}" for i in sample.failed_items)
    return {
        "index": index,
        "producer_name": sample.producer_name,
        "producer_address": sample.producer_address,
        "business_name": sample.business_name,
        "business_address": sample.business_address,
        "food_name": sample.food_name,
        "spec": sample.spec,
        "brand": sample.brand,
        "production_date": sample.production_date,
        "failed_items": failed or None,
        "failed": [
            {"item": i.item, "value": f"{i.value or ''}{i.unit or ''}" or None, "standard": i.standard}
            for i in sample.failed_items
        ],
        "food_category": sample.food_category,
        "announcement": announcement.number if announcement else None,
        "announced_on": sample.announced_on.isoformat() if sample.announced_on else None,
        "task_source": sample.task_source,
        "lab": sample.lab,
        "remarks": sample.remarks,
        "verdict": sample.verdict,
        "verdict_label": VERDICT_LABELS[sample.verdict],
    }


def export_rows(samples) -> list[dict]:
    listed = list(samples.limit(MAX_EXPORT_ROWS + 1))
    if len(listed) > MAX_EXPORT_ROWS:
        raise InvalidInput(
            errors={
                "from": [
                    Text(
                        "More than {max_export_rows} results: choose a shorter period or one city.",
                        max_export_rows=MAX_EXPORT_ROWS,
                    )
                ]
            }
        )
    announcements = announcement_numbers(listed)
    return [public_row(n, s, announcements) for n, s in enumerate(listed, start=1)]


def export_table(rows: list[dict], *, failed: bool) -> tuple[list[str], list[list]]:
    columns = [(k, label) for k, label in PUBLIC_COLUMNS if failed or k != "failed_items"]
    return [label for _k, label in columns], [[tables.neutralise(row[k]) for k, _l in columns] for row in rows]


def export_csv(rows: list[dict]) -> str:
    headers, body = export_table(rows, failed=True)
    return tables.csv_text(
        ["结果", *headers], ([row["verdict_label"], *cells] for row, cells in zip(rows, body, strict=True))
    )


def export_xlsx(rows: list[dict]) -> bytes:
    """Two sheets in the SAMR layout: 不合格 and 合格."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, verdict in (("不合格产品信息", FAIL), ("合格产品信息", PASS)):
        sheet = book.create_sheet(title)
        chosen = [r for r in rows if r["verdict"] == verdict]
        for n, row in enumerate(chosen, start=1):
            row["index"] = n
        headers, body = export_table(chosen, failed=verdict == FAIL)
        sheet.append(headers)
        for cells in body:
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def case_state_label(case: DispositionCase | None) -> str | None:
    if case is None:
        return None
    if case.status == CLOSED:
        return f"已处置（{OUTCOMES.get(case.outcome, '')}）"
    if case.retest is not None and case.retest.status in (REQUESTED, ACCEPTED):
        return "复检中"
    return "核查处置中"
