"""今日待办 (`/console/`): what waits on a regulator, from every domain, the most pressing first, with
Chinese dates, overdue marked, another district's records absent, text escaped; and the page in a
browser at the console's two screen sizes."""

import os
from datetime import timedelta

import requests
import time_machine

from backend.core.timeutil import today_shanghai
from tests.builders import fresh_uscc, report_body, submitted_business

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def test_my_work_lists_what_waits_in_my_districts_most_pressing_first(api, live_server, mp_login, console_pages):
    complaint = api.post(
        "/api/v1/public/complaints", json=report_body(business_name="<script>alert(1)</script>小吃店")
    ).json()
    owner = mp_login()["access_token"]
    mine = submitted_business(api, owner, name="如皋待审面馆")
    elsewhere = submitted_business(
        api, mp_login()["access_token"], name="张家港待审面馆", district_code="320582", uscc=fresh_uscc("320582")
    )
    regulator = console_pages()

    shown = regulator.get(f"{live_server.url}/console/", timeout=30)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    text = shown.text
    today = today_shanghai()
    assert f"今日待办 <small>{today.year}年{today.month}月{today.day}日</small>" in text
    assert "待受理、办理、答复的投诉举报" in text and complaint["number"] in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;小吃店" in text and "<script>alert(1)" not in text
    assert "待审核的主体登记" in text and mine["name"] in text
    assert f'href="/console/businesses/{mine["id"]}"' in text  # to the page that reviews it
    assert elsewhere["name"] not in text  # another district's registration
    assert "已逾期" not in text

    # two weeks on, the complaint is past its deadline: its list comes first, the line marked. The
    # session of two weeks ago has ended by then (nobody used it: the idle timeout); sign in again.
    with time_machine.travel(today + timedelta(days=14), tick=True):
        assert 'name="password"' in regulator.get(f"{live_server.url}/console/", timeout=30).text
        later = console_pages().get(f"{live_server.url}/console/", timeout=30).text
    assert "1 件已逾期" in later and 'class="overdue"' in later and "已逾期" in later
    assert later.index("待受理、办理、答复的投诉举报") < later.index("待审核的主体登记")


def test_a_reader_without_work_sees_an_empty_list_and_an_anonymous_visitor_the_sign_in(api, live_server, console_pages):
    api.post("/api/v1/public/complaints", json=report_body())
    viewer = console_pages(role="viewer")
    shown = viewer.get(f"{live_server.url}/console/", timeout=30)
    assert shown.status_code == 200 and "没有等待您处理的事项" in shown.text and "投诉举报" not in shown.text
    other = console_pages(districts=("310112",))
    assert "没有等待您处理的事项" in other.get(f"{live_server.url}/console/", timeout=30).text
    anonymous = requests.get(f"{live_server.url}/console/", timeout=10)
    assert 'name="password"' in anonymous.text


def test_my_work_in_a_browser_fits_a_laptop_and_a_tablet(api, browser_page, live_server, make_console_user):
    for n in range(3):
        api.post("/api/v1/public/complaints", json=report_body(business_name=f"如皋市某某餐饮管理有限公司第{n}分店"))
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.goto(f"{live_server.url}/console/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/")
    assert page.locator("nav a[aria-current=page]").inner_text() == "今日待办"
    assert page.locator(".work tbody tr").count() == 3
    os.makedirs(ARTIFACTS, exist_ok=True)
    for width, height in ((1366, 768), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, height)
        page.screenshot(path=os.path.join(ARTIFACTS, f"my-work-{width}x{height}.png"), full_page=True)
    page.keyboard.press("Tab")  # the first stop is the skip link, to the main content
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"


def test_leads_wait_for_review_and_the_food_safety_office_has_its_own_list(
    api, live_server, owned_business, console_login, console_pages
):
    business, _owner, _approver = owned_business
    regulator_token = console_login("regulator", ("320682",))
    lead = api.post(
        "/api/v1/console/leads",
        token=regulator_token,
        json={"business_id": business["id"], "summary": "群众反映后厨使用过期原料"},
    )
    assert lead.status_code == 201, lead.text
    regulator = console_pages()
    shown = regulator.get(f"{live_server.url}/console/", timeout=30).text
    assert "待审查的案件线索" in shown and "群众反映后厨使用过期原料" in shown
    office = console_pages(role="office")
    mine = office.get(f"{live_server.url}/console/", timeout=30)
    assert mine.status_code == 200 and "今日待办" in mine.text and "案件线索" not in mine.text
