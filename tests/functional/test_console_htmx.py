"""The console's partial updates: htmx, installed from the npm registry at set-up and served by the
platform itself (no CDN), filters and pages a list in place with the address following; without
JavaScript the same forms and links load whole pages, and a running job's page refreshes itself."""

import re

import requests

from tests.builders import report_body


def _sign_in(page, live_server, username, password, path):
    page.goto(f"{live_server.url}{path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}{path}")


def test_htmx_is_served_by_the_platform_itself(live_server, make_console_user):
    script = requests.get(f"{live_server.url}/console/static/vendor/htmx.min.js", timeout=30)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "htmx" in script.text and len(script.content) > 10_000
    login = requests.get(f"{live_server.url}/console/login", timeout=30).text
    assert '<script src="/console/static/vendor/htmx.min.js' in login
    assert not re.search(r'(src|href)="(https?:)?//', login)  # nothing from another host


def test_a_list_filters_and_pages_in_place(api, browser_page, live_server, make_console_user):
    for n in range(21):
        api.post("/api/v1/public/complaints", json=report_body(business_name=f"小吃店{n:02d}"))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server, *make_console_user("regulator", ("320682",)), "/console/complaints")
    page.evaluate("window.sameDocument = true")
    page.select_option("#status", "received")
    page.click(".filters button")
    page.wait_for_url(re.compile(r"status=received"))
    page.wait_for_selector("text=第 1/2 页")
    page.click("nav.pages >> text=下一页")
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_selector("text=第 2/2 页")
    assert page.evaluate("window.sameDocument") is True  # never a whole new page
    assert page.locator("header.top nav a").count() > 3 and page.title().startswith("投诉举报")
    page.go_back()  # the address was pushed: back is the first page
    page.wait_for_selector("text=第 1/2 页")


def test_without_javascript_the_same_forms_load_whole_pages(api, browser_page, live_server, make_console_user):
    api.post("/api/v1/public/complaints", json=report_body(business_name="无脚本小吃"))
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, live_server, *make_console_user("regulator", ("320682",)), "/console/complaints")
        page.select_option("#status", "received")
        with page.expect_navigation():
            page.click(".filters button")
        assert "status=received" in page.url and "无脚本小吃" in page.inner_text("main")
    finally:
        context.close()
