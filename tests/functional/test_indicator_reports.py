"""The monthly report (指标月报): asked for over HTTP, made by the job worker with its progress, kept as
a PDF with every indicator, the misses charted and what lies behind them listed; the month-by-month
and district-by-district figures the charts draw; the cache of closed periods."""

from datetime import datetime, time, timedelta

from backend.core.indicators import Period
from backend.core.timeutil import SHANGHAI, today_shanghai
from backend.indicators.reports import last_month
from tests.builders import report_body
from tests.support import assert_error, eventually, pdf_text

REPORTS = "/api/v1/console/reports/monthly"


def _late_complaint_last_month(api, regulator):
    """A report received on the first of last month, accepted and never answered: last month's reply
    rate misses its 100% target, and the complaint is past its deadline."""
    from backend.complaints.models import Complaint

    number = api.post("/api/v1/public/complaints", json=report_body()).json()["number"]
    assert api.post(f"/api/v1/console/complaints/{number}/accept", token=regulator, json={}).status_code == 200
    first = Period.parse(last_month(today_shanghai())).start
    received = datetime.combine(first, time(9), tzinfo=SHANGHAI)
    Complaint.objects(number=number).update_one(
        set__received_at=received, set__received_on=first, set__accepted_at=received, set__current_due=first
    )
    return number


def test_a_monthly_report_is_made_by_a_job_and_kept_as_a_pdf(api, owned_business, console_login, job_worker):
    _business, _owner, regulator = owned_business
    number = _late_complaint_last_month(api, regulator)
    month = last_month(today_shanghai())
    asked = api.post(REPORTS, token=regulator, json={"district": "320682", "month": month})
    assert asked.status_code == 202, asked.text
    path = f"{REPORTS}/{asked.json()['id']}"
    done = eventually(
        lambda: (lambda r: r if r["status"] in ("done", "failed") else None)(api.get(path, token=regulator).json()),
        60,
        "the report",
    )
    assert done["status"] == "done" and done["done"] == done["total"] > 50 and done["missed"] >= 1
    pdf = api.get(f"{path}.pdf", token=regulator)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    year, month_number = month.split("-")
    assert f"{year}年{int(month_number)}月" in text and "食品安全指标月报" in text
    assert "答复率" in text and "未达标" in text  # the table with the miss marked
    assert "未达标指标近十二个月趋势" in text  # its trend, charted
    assert "逾期未办结的投诉举报" in text and number in text  # and what lies behind it

    again = api.post(REPORTS, token=regulator, json={"district": "320682", "month": month})
    assert again.json()["id"] == done["id"]  # made again on the same record
    listed = api.get(REPORTS, token=regulator, params={"district": "320682"}).json()
    assert [r["month"] for r in listed] == [month]


def test_reports_refuse_a_month_not_ended_another_district_and_a_foreign_id(api, console_login):
    regulator = console_login("regulator", ("320682",))
    this_month = today_shanghai().strftime("%Y-%m")
    assert (
        "month"
        in assert_error(api.post(REPORTS, token=regulator, json={"district": "320682", "month": this_month}), 422)[
            "errors"
        ]
    )
    assert (
        "month"
        in assert_error(api.post(REPORTS, token=regulator, json={"district": "320682", "month": "2026-13"}), 422)[
            "errors"
        ]
    )
    assert_error(api.post(REPORTS, token=regulator, json={"district": "310112", "month": "2026-01"}), 404)
    other = console_login("regulator", ("310112",))
    made = api.post(REPORTS, token=other, json={"district": "310112", "month": "2026-01"})
    assert made.status_code == 202
    assert_error(api.get(f"{REPORTS}/{made.json()['id']}", token=regulator), 404)
    assert_error(api.get(f"{REPORTS}/{made.json()['id']}.pdf", token=regulator), 404)
    assert_error(api.get(f"{REPORTS}/not-an-id", token=regulator), 404)
    viewer = console_login("viewer", ("320682",))
    assert_error(api.post(REPORTS, token=viewer, json={"district": "320682", "month": "2026-01"}), 403)


def test_the_series_and_the_districts_a_chart_draws(api, app, owned_business, console_login):
    from tests.builders import approved

    _business, _owner, regulator = owned_business
    with app.app_context():
        approved(district_code="310112", address="上海市闵行区古美路1号")  # another district's business
    _late_complaint_last_month(api, regulator)
    year = today_shanghai().year
    series = api.get(
        "/api/v1/console/indicators/complaints.reply_rate/series",
        token=regulator,
        params={"district": "320682", "period": str(year)},
    ).json()
    assert [row["period"][:7] for row in series] == [f"{year}-{m:02d}" for m in range(1, today_shanghai().month + 1)]
    by_month = {row["period"][:7]: row for row in series}
    missed = by_month[last_month(today_shanghai())]
    assert (missed["numerator"], missed["denominator"], missed["met"]) == (0, 1, False)
    assert by_month[f"{year}-01"]["value"] is None  # nothing received: no data, neither 0% nor 100%

    bars = api.get("/api/v1/console/indicators/complaints.received/districts", token=regulator).json()
    assert [row["district_code"] for row in bars] == ["320682"]
    viewer = console_login("viewer", ("320682",))
    compared = api.get("/api/v1/console/indicators/complaints.received/districts", token=viewer).json()
    assert [row["district_code"] for row in compared] == ["320682"]  # only the reader's own counties
    assert_error(
        api.get("/api/v1/console/indicators/complaints.received", token=viewer, params={"district": "310112"}), 404
    )


def test_a_closed_period_is_counted_once_and_kept_until_it_is_recomputed(app_context, mongo_commands):
    from backend.indicators import services
    from tests.builders import regulator_of

    reader, reference = regulator_of("320682"), "backend.complaints.services:indicators"

    def commands(period, **fresh):
        mongo_commands.reset()
        rows = services.provider_rows(reader, reference, "320682", period, None, **fresh)
        return rows, mongo_commands.count

    closed = Period.parse(last_month(today_shanghai()))
    rows, first = commands(closed)
    assert first > 0 and commands(closed) == (rows, 0)  # the second answer came from Redis
    running = Period(today_shanghai() - timedelta(days=3), today_shanghai())
    assert commands(running)[1] == commands(running)[1] > 0  # a running period is counted every time
    assert commands(closed, fresh=True) == (rows, first)  # recomputed at the closing
