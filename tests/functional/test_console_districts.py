"""辖区设置 (`/console/districts`): an admin loads a year of the working-day calendar and sets an
indicator's target; a regulator keeps the residents of their own district — each by form, refused beside
the field with what was typed kept; what belongs to admins is refused to a regulator, and the page to a
viewer."""

from tests.support import form_token


def test_an_admin_loads_a_calendar_year_and_sets_a_target(live_server, console_pages):
    admin = console_pages("admin", ())
    page = f"{live_server.url}/console/districts"
    token = form_token(admin, page)
    calendar = {"csrf_token": token, "year": "2030", "makeup_workdays": "2030-02-09"}

    outside = admin.post(f"{page}/calendar", data=calendar | {"holidays": "2030-01-01\n2031-02-03..2031-02-09"})
    assert outside.status_code == 422 and 'id="calendar_holidays-error"' in outside.text
    assert "2031-02-03..2031-02-09" in outside.text  # kept
    garbled = admin.post(f"{page}/calendar", data=calendar | {"holidays": "2030-01-01", "year": "{'$ne': 1}"})
    assert garbled.status_code == 422 and 'id="calendar_year-error"' in garbled.text
    no_such_day = admin.post(f"{page}/calendar", data=calendar | {"holidays": "2030-13-01"})
    assert no_such_day.status_code == 422 and 'id="calendar_holidays-error"' in no_such_day.text
    loaded = admin.post(f"{page}/calendar", data=calendar | {"holidays": "2030-01-01，2030-02-02..2030-02-08"})
    assert loaded.status_code == 200 and "已载入该年度" in loaded.text and "2030" in loaded.text.split("已载入年度")[1]

    target = {"csrf_token": token, "code": "complaints.reply_rate", "district_code": "320682", "year": "2030"}
    too_high = admin.post(f"{page}/targets", data=target | {"value": "150%", "reason": "省考核要求"})
    assert too_high.status_code == 422 and 'id="target_value-error"' in too_high.text and "150%" in too_high.text
    no_reason = admin.post(f"{page}/targets", data=target | {"value": "98%"})
    assert no_reason.status_code == 422 and 'id="target_reason-error"' in no_reason.text
    kept = admin.post(f"{page}/targets", data=target | {"value": "98%", "reason": "省考核要求"})
    assert kept.status_code == 200 and "已保存指标目标" in kept.text and "<td>98%</td>" in kept.text
    forged = admin.post(f"{page}/targets", data=target | {"csrf_token": "x", "value": "1", "reason": "x"})
    assert forged.status_code == 403 and "刷新页面" in forged.text


def test_a_regulator_keeps_their_districts_residents_only(live_server, console_pages):
    regulator = console_pages()
    page = f"{live_server.url}/console/districts"
    shown = regulator.get(page, timeout=30)
    assert shown.status_code == 200 and "常住人口" in shown.text
    assert 'action="/console/districts/calendar"' not in shown.text  # admins load the calendar
    token = form_token(regulator, page)
    residents = {"csrf_token": token, "district": "320682", "year": "2026", "source": "2025年统计公报"}

    elsewhere = regulator.post(f"{page}/residents", data=residents | {"district": "320582", "residents": "1000"})
    assert elsewhere.status_code == 403 and 'id="residents_district-error"' in elsewhere.text
    negative = regulator.post(f"{page}/residents", data=residents | {"residents": "-5"})
    assert negative.status_code == 422 and 'id="residents_residents-error"' in negative.text
    assert 'value="2025年统计公报"' in negative.text  # what was typed is kept
    saved = regulator.post(f"{page}/residents", data=residents | {"residents": "1238000"})
    assert saved.status_code == 200 and "<td>1,238,000</td>" in saved.text
    again = regulator.post(f"{page}/residents", data=residents | {"residents": "1240000"})  # a correction
    assert "<td>1,240,000</td>" in again.text and "1,238,000" not in again.text

    calendar = regulator.post(f"{page}/calendar", data={"csrf_token": token, "year": "2030", "holidays": "2030-01-01"})
    assert calendar.status_code == 403
    target = regulator.post(
        f"{page}/targets",
        data={
            "csrf_token": token,
            "code": "complaints.reply_rate",
            "district_code": "320682",
            "value": "1",
            "reason": "x",
        },
    )
    assert target.status_code == 403

    other = console_pages(districts=("320582",))
    assert "1,240,000" not in other.get(page, timeout=30).text
    viewer = console_pages("viewer")
    assert viewer.get(page, timeout=30).status_code == 403
