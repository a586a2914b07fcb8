"""The console in English: a person switches from the header (a form, kept in a cookie), and the pages,
the labels the domains give and the refusals beside the fields read in English; 中文 switches back."""

import os
import re

from tests.support import console_pages_session, form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def test_switch_to_english_and_back_in_a_browser(api, browser_page, live_server, make_console_user):
    from tests.builders import report_body

    api.post("/api/v1/public/complaints", json=report_body(business_name="某小吃"))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/")
    page.click("form.language button")  # on the sign-in page too
    page.wait_for_selector("text=Sign in to the regulators' platform")
    username, password = make_console_user("regulator", ("320682",))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_selector("h1:has-text('My work')")
    assert page.get_attribute("html", "lang") == "en"
    menu = page.inner_text("nav[aria-label='Main menu']")
    assert "Registrations" in menu and "Complaints" in menu and "登记" not in menu
    page.goto(f"{live_server.url}/console/complaints")
    assert "Received, to accept" in page.inner_text("table") and "某小吃" in page.inner_text("table")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # English is longer: still fits
    page.screenshot(path=os.path.join(ARTIFACTS, "console-english-1366x768.png"), full_page=True)
    page.click("form.language button")
    page.wait_for_selector("h1:has-text('投诉举报')")
    assert page.get_attribute("html", "lang") == "zh-CN"


def test_refusals_beside_fields_come_in_english(live_server, make_console_user):
    session = console_pages_session(live_server.url, *make_console_user("regulator", ("320682",)))
    page = f"{live_server.url}/console/districts"
    token = form_token(session, page)
    chosen = session.post(
        f"{live_server.url}/console/language", data={"csrf_token": token, "lang": "en", "next": "/console/districts"}
    )
    assert chosen.status_code == 200 and "Working-day calendar" in chosen.text
    refused = session.post(
        f"{page}/residents", data={"csrf_token": token, "district": "320682", "year": "2026", "residents": "-5"}
    )
    error = re.search(r'id="residents_residents-error"[^>]*>([^<]+)<', refused.text).group(1)
    assert refused.status_code == 422 and re.search(r"[A-Za-z]", error) and not re.search(r"[\u4e00-\u9fff]", error)
    elsewhere = session.post(
        f"{page}/residents", data={"csrf_token": token, "district": "320582", "year": "2026", "residents": "5"}
    )
    assert "The district is outside yours." in elsewhere.text
    hostile = session.post(
        f"{live_server.url}/console/language", data={"csrf_token": token, "lang": "<script>", "next": "//evil.example"}
    )
    assert hostile.headers.get("Location", hostile.url).endswith("/console/") or hostile.url.endswith("/console/")
    assert "<h1>今日待办" in session.get(f"{live_server.url}/console/", timeout=30).text  # an unknown language: Chinese
