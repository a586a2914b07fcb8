"""定期通报: per district and level of official, over a period, what the 食安办 sends round — the paired
businesses lacking their 三类人 (a head or a safety officer), 三件事 completion (daily checks recorded
on the days of the period), supervision done, and problems still open. A handful of counted queries per
district and level, whatever the number of businesses; JSON, CSV with Chinese headers, and a PDF."""

from __future__ import annotations

from backend.core.indicators import Period
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.supervision.models import DONE, LEVELS, Assignment, SupervisionTask

HEADERS = (
    "地区代码",
    "包保层级",
    "包保主体数",
    "三类人不全",
    "日管控记录率",
    "督导应完成",
    "督导已完成",
    "督导完成率",
    "未整改问题",
)


def bulletin(principal: Principal, *, districts: tuple, period: Period, level: str | None = None) -> list[dict]:
    from backend.cameras.models import PROBLEM_ANSWERED, PROBLEM_OPEN, CameraEvent
    from backend.inspections.models import Rectification
    from backend.routine.models import DailyCheck
    from backend.staff.models import HEAD, OFFICER, StaffMember

    today = today_shanghai()
    last = min(period.end, today)
    days = max((last - period.start).days + 1, 0)
    rows = []
    for district in districts:
        pairings = Assignment.objects.visible_to(principal).current()
        if district:
            pairings = pairings.filter(district_scopes=district)
        for code in [level] if level else list(LEVELS):
            ids = pairings.filter(level=code).distinct("business_id")
            if not ids:
                continue
            staffed = StaffMember.objects(business_id__in=ids).employed_on(today)
            with_head = set(staffed.filter(safety_roles=HEAD).distinct("business_id"))
            with_officer = set(staffed.filter(safety_roles=OFFICER).distinct("business_id"))
            gaps = sum(1 for business_id in ids if business_id not in with_head or business_id not in with_officer)
            checks = DailyCheck.objects(business_id__in=ids, day__gte=period.start, day__lte=last).count()
            tasks = SupervisionTask.objects(
                business_id__in=ids, level=code, due_on__gte=period.start, due_on__lte=period.end
            )
            due = tasks.filter(due_on__lt=today).count() + tasks.filter(due_on__gte=today, status=DONE).count()
            done = tasks.filter(status=DONE).count()
            open_problems = (
                Rectification.objects(business_id__in=ids).unfinished().count()
                + CameraEvent.objects(business_id__in=ids, problem__status__in=[PROBLEM_OPEN, PROBLEM_ANSWERED]).count()
            )
            rows.append(
                {
                    "district_code": district,
                    "level": code,
                    "level_label": LEVELS[code],
                    "businesses": len(ids),
                    "staffing_gaps": gaps,
                    "daily_check_rate": round(checks / (len(ids) * days), 4) if days else None,
                    "tasks_due": due,
                    "tasks_done": done,
                    "supervision_rate": round(done / due, 4) if due else None,
                    "open_problems": open_problems,
                }
            )
    return rows


def for_principal(principal: Principal, *, districts, period: Period, level: str | None = None) -> list[dict]:
    """The bulletin for the districts asked (within the principal's; none: its own)."""
    from backend.core.indicators import scopes

    return bulletin(principal, districts=scopes(principal, districts), period=period, level=level)


def csv(rows: list[dict]) -> str:
    from backend.core import tables

    return tables.csv_text(HEADERS, table(rows))


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def table(rows: list[dict]) -> list[list]:
    return [
        [
            row["district_code"] or "全部",
            row["level_label"],
            row["businesses"],
            row["staffing_gaps"],
            _percent(row["daily_check_rate"]),
            row["tasks_due"],
            row["tasks_done"],
            _percent(row["supervision_rate"]),
            row["open_problems"],
        ]
        for row in rows
    ]


def pdf(rows: list[dict], period: Period) -> bytes:
    from backend.core.pdf import OfficialDocument, render

    end = period.end
    return render(
        OfficialDocument(
            title="食品安全包保工作定期通报",
            number=f"{period.start.isoformat()} 至 {end.isoformat()}",
            authority="食品安全委员会办公室",
            table=[list(HEADERS), *[[str(cell) for cell in row] for row in table(rows)]],
            sections=[
                (
                    "说明",
                    "三类人不全：未配备主要负责人或食品安全员的包保主体数；日管控记录率：期间内已记录日管控的天数"
                    "占应记录天数的比例；督导完成率：到期督导任务中已完成的比例；未整改问题：尚未整改完毕的整改事项"
                    "和明厨亮灶问题。",
                )
            ],
            dated=f"{end.year}年{end.month}月{end.day}日",
        )
    )
