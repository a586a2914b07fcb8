"""指标月报: per district and month, every indicator of the catalogue against its target, the trend of
each missed one over the last twelve months (vector charts), and the lists behind the misses (the
complaints past their deadline …), as a PDF kept as a blob.

Made by the job worker: on the first working day of a month for every county with businesses (the
daily command `python -m backend.indicators monthly`, which first recomputes the periods that just
closed), and on demand by a regulator. Safe to run twice: the same record gets a new PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape

from mongoengine import NotUniqueError
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.blobs.services import blob_store
from backend.core import context, districts, domains
from backend.core.calendar import current_calendar
from backend.core.errors import InvalidInput
from backend.core.ids import object_id
from backend.core.indicators import Period, Shortfall, scopes
from backend.core.jobs import enqueue
from backend.core.pdf import cjk_font, styles
from backend.core.principal import ADMIN, Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.indicators import charts, services
from backend.indicators.errors import ReportNotFound
from backend.indicators.models import DONE, FAILED, QUEUED, RUNNING, IndicatorReport
from backend.registry import services as registry
from backend.workflow.errors import TransitionConflict
from backend.workflow.services import change_state, create_record

JOB = "backend.indicators.reports.run_report"
TREND_MONTHS = 12
MAX_TREND_CHARTS = 12  # the missed indicators charted, the rest listed
REPORTER = Principal(user_id="000000000000000000000000", role=ADMIN)  # aggregates of the report's district


def first_working_day(month_start: date) -> date:
    calendar, day = current_calendar(), month_start
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def last_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def request_report(principal: Principal, district: str, month: str) -> IndicatorReport:
    """A regulator asks for a district's report of an ended month; one already queued or running is
    returned as it is (a retried request queues nothing twice), a finished one is made again."""
    (district,) = scopes(principal, [district])
    period = Period.parse(month)
    if period.end >= today_shanghai():
        raise InvalidInput(errors={"month": [Text("The month has not ended yet.")]})
    return _queue(district, month, requested_by=principal.user_id)


def _queue(district: str, month: str, *, requested_by: Any = None) -> IndicatorReport:
    """The district's report of the month queued: made, or made again when finished. Two asking at once
    (a double click, the schedule and a person) get the one record, queued once."""
    record = IndicatorReport.objects(district_code=district, month=month).first()
    if record is None:
        try:
            record = create_record(
                IndicatorReport(
                    district_code=district,
                    district_scopes=districts.enclosing_codes(district),
                    month=month,
                    requested_by=object_id(requested_by) if requested_by else None,
                ),
                action="requested",
                actor_id=requested_by,
                target_type="indicator_report",
            )
        except NotUniqueError:  # made meanwhile by the other request
            record = IndicatorReport.objects(district_code=district, month=month).first()
    elif record.status in (DONE, FAILED):
        try:
            record = change_state(
                IndicatorReport.objects,
                record.id,
                action="requested",
                actor_id=requested_by,
                target_type="indicator_report",
                from_statuses=(DONE, FAILED),
                to_status=QUEUED,
                updates={"set__done": 0, "set__requested_by": object_id(requested_by) if requested_by else None},
            )
        except TransitionConflict:  # queued again meanwhile by the other request
            record = IndicatorReport.objects(id=record.id).first()
    enqueue(JOB, str(record.id), job_id=f"indicator-report-{record.id}", timeout=context.settings().REPORT_JOB_TIMEOUT)
    return record


def reports_for(principal: Principal, *, district: str | None = None, month: str | None = None):
    found = IndicatorReport.objects.visible_to(services.reader(principal))
    if district:
        found = found.filter(district_code=district)
    if month:
        found = found.filter(month=month)
    return found.order_by("-month", "district_code")


def get_report(principal: Principal, report_id: Any) -> IndicatorReport:
    found = IndicatorReport.objects.visible_to(services.reader(principal)).filter(
        id=object_id(report_id, ReportNotFound)
    )
    record = found.first()
    if record is None:
        raise ReportNotFound()
    return record


def report_pdf(principal: Principal, report_id: Any) -> bytes:
    record = get_report(principal, report_id)
    if record.status != DONE or not record.pdf_sha256:
        raise ReportNotFound(Text("The report is not ready yet."))
    return blob_store().get(record.pdf_sha256)


def monthly(today: date | None = None) -> dict:
    """The daily run: on the first working day of a month, recompute the periods that closed (the
    month, and the quarter and year when they ended too) and queue every county's report of the last
    month. Any other day it does nothing, however often it runs."""
    today = today or today_shanghai()
    if today != first_working_day(today.replace(day=1)):
        return {"queued": 0, "recomputed": 0, "month": None}
    month = last_month(today)
    counties = registry.served_districts(REPORTER)
    recomputed = services.close_periods(REPORTER, counties, month)
    for county in counties:
        _queue(county, month)
    return {"queued": len(counties), "recomputed": recomputed, "month": month}


def run_report(report_id: str) -> dict:
    """The job: evaluate every indicator, chart the misses, list what lies behind them, keep the PDF."""
    record = IndicatorReport.objects(id=object_id(report_id)).first()
    if record is None or record.status in (DONE, FAILED):
        return {"status": record.status if record else "gone"}
    IndicatorReport.objects(id=record.id).update_one(set__status=RUNNING, set__done=0, set__updated_at=utcnow())
    period = Period.parse(record.month)
    district = record.district_code
    rows = services.evaluate_many(REPORTER, None, districts=[district], period=period)
    IndicatorReport.objects(id=record.id).update_one(
        set__done=len(rows), set__total=len(rows), set__updated_at=utcnow()
    )
    missed = [row for row in rows if row["met"] is False]
    back = period.start.year * 12 + period.start.month - 1 - (TREND_MONTHS - 1)
    history = Period(date(back // 12, back % 12 + 1, 1), period.end)
    trends = [
        (row, services.series(REPORTER, row["code"], districts=[district], period=history))
        for row in missed[:MAX_TREND_CHARTS]
    ]
    lists = [
        found
        for provider in domains.contributed("shortfalls")
        for found in provider(REPORTER, district, today_shanghai())
        if found.total
    ]
    pdf = render(district, record.month, rows, trends, lists)
    change_state(
        IndicatorReport.objects,
        record.id,
        action="made",
        actor_id=None,
        target_type="indicator_report",
        to_status=DONE,
        updates={
            "set__done": len(rows),
            "set__pdf_sha256": blob_store().put(pdf),
            "set__pdf_bytes": len(pdf),
            "set__missed": len(missed),
            "set__finished_at": utcnow(),
        },
    )
    return {"status": DONE, "indicators": len(rows), "missed": len(missed)}


# -- the PDF ------------------------------------------------------------------------------------------


def _cell(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def _met(row: dict) -> str:
    return {True: "达标", False: "未达标", None: "—"}[row["met"]]


def _trend(row: dict) -> str:
    if row["trend"] is None:
        return "—"
    sign = "+" if row["trend"] > 0 else ""
    return f"{sign}{row['trend'] * 100:.1f}个百分点" if row["unit"] == "ratio" else f"{sign}{row['trend']:g}"


def render(district: str, month: str, rows: list[dict], trends: list, lists: list[Shortfall]) -> bytes:
    font = cjk_font()
    style = styles(font)
    name = districts.full_name(district)
    year, number = month.split("-")
    counted = [row for row in rows if row["met"] is not None]
    met = sum(row["met"] for row in counted)
    story: list = [
        _cell(f"{name}食品安全指标月报", style["title"]),
        _cell(f"{year}年{int(number)}月", style["number"]),
        _cell(
            f"本月共评价指标 {len(rows)} 项，其中有目标且有数据的 {len(counted)} 项：达标 {met} 项，"
            f"未达标 {len(counted) - met} 项；无数据（分母为零）的指标不计达标与否。",
            style["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    table = [[_cell(text, style["small"]) for text in ("指标", "数值", "分子/分母", "目标", "达标", "较上期")]]
    for row in rows:
        parts = "—" if row["denominator"] is None else f"{row['numerator']:g}/{row['denominator']:g}"
        target = "—" if row["target"] is None else charts.shown(row["target"], row["unit"])
        cells = (row["name"], charts.shown(row["value"], row["unit"]), parts, target, _met(row), _trend(row))
        table.append([_cell(text, style["small"]) for text in cells])
    grid = Table(table, colWidths=[58 * mm, 22 * mm, 26 * mm, 20 * mm, 16 * mm, 28 * mm], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f3f5")),
                *(
                    ("TEXTCOLOR", (4, i), (4, i), charts.MISSED)
                    for i, row in enumerate(rows, start=1)
                    if row["met"] is False
                ),
            ]
        )
    )
    story.append(grid)
    if trends:
        story.append(_cell("未达标指标近十二个月趋势", style["heading"]))
        for row, series in trends:
            story.append(
                KeepTogether(
                    [
                        _cell(f"{row['name']}（目标 {charts.shown(row['target'], row['unit'])}）", style["body"]),
                        charts.trend(series),
                    ]
                )
            )
    for found in lists:
        story.append(_cell(f"{found.title}（共 {found.total} 项）", style["heading"]))
        story += [_cell(f"{i}. {line}", style["small"]) for i, line in enumerate(found.items, start=1)]
        if found.total > len(found.items):
            story.append(_cell(f"……另有 {found.total - len(found.items)} 项，见平台。", style["small"]))
    story.append(_cell(f"生成时间：{today_shanghai().isoformat()}（数据截至{month}月末）", style["right"]))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{name}食品安全指标月报 {month}",
        author="智慧食安平台",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        initialFontName=font,
    ).build(story)
    return out.getvalue()
