"""Every console page, as the menu and each area's own links (本栏目) list them, at a laptop's 1366×768 and a tablet's 768×1024 in a
real browser: nothing wider than the screen, no script errors, one main landmark and a skip link, every
form field labelled; screenshots kept in test-artifacts/."""

import os
import re

from tests.builders import report_body, submitted_business

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")
SIZES = ((1366, 768), (768, 1024))
UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
  .filter(field => !(field.labels && field.labels.length) && !field.getAttribute('aria-label'))
  .map(field => field.name)"""


def _sign_in(page, live_server, username, password, path):
    page.goto(f"{live_server.url}{path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}{path}")


def _check(page, live_server, path):
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        assert page.locator("main").count() == 1 and page.locator("a.skip").count() == 1, path
        assert page.evaluate(UNLABELLED) == [], path
        name = path.strip("/").replace("/", "-") or "console"
        page.screenshot(path=os.path.join(ARTIFACTS, f"page-{name}-{width}x{height}.png"))


def test_every_page_of_the_menu_fits_a_laptop_and_a_tablet(api, browser_page, live_server, mp_login, make_console_user):
    """A regulator's menu, then the admins' own page (an admin's province-wide pages are theirs alone)."""
    api.post("/api/v1/public/complaints", json=report_body(business_name="如皋市某某餐饮管理有限公司城南分店"))
    submitted_business(api, mp_login()["access_token"], name="如皋市城南某某餐饮管理有限公司")
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    os.makedirs(ARTIFACTS, exist_ok=True)
    _sign_in(page, live_server, *make_console_user("regulator", ("320682",)), "/console/")
    paths = page.eval_on_selector_all("nav[aria-label=主菜单] a", "links => links.map(a => a.getAttribute('href'))")
    assert {"/console/", "/console/businesses", "/console/complaints", "/console/wall"} <= set(paths)
    seen = set()
    while paths:  # the menu's pages, then the pages each one links under its heading
        path = paths.pop(0)
        if path in seen:
            continue
        seen.add(path)
        _check(page, live_server, path)
        paths += page.eval_on_selector_all("nav.tabs a", "links => links.map(a => a.getAttribute('href'))")
    assert {"/console/inspections/plan", "/console/sampling/announcements"} <= seen
    page.context.clear_cookies()
    _sign_in(page, live_server, *make_console_user("admin"), "/console/users")
    _check(page, live_server, "/console/users")
    assert not errors, errors


def test_signing_in_and_filtering_with_the_keyboard_only(api, browser_page, live_server, make_console_user):
    api.post("/api/v1/public/complaints", json=report_body())
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.goto(f"{live_server.url}/console/login")

    def tab_to(selector: str, limit: int = 30) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#username")
    page.keyboard.type(username)
    tab_to("#password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/console/"
    page.goto(f"{live_server.url}/console/complaints")
    tab_to("#overdue-only")
    page.keyboard.press("Space")
    tab_to(".filters button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"overdue=1"))  # the list filters in place (htmx) and the address follows
    page.wait_for_selector("text=没有符合条件的投诉举报")
