"""Every console page, as the menu lists them, at a laptop's 1366×768 and a tablet's 768×1024 in a
real browser: nothing wider than the screen, no script errors, one main landmark and a skip link, every
form field labelled; screenshots kept in test-artifacts/."""

import os

from tests.builders import report_body, submitted_business

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")
SIZES = ((1366, 768), (768, 1024))
UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
  .filter(field => !(field.labels && field.labels.length) && !field.getAttribute('aria-label'))
  .map(field => field.name)"""


def test_every_page_of_the_menu_fits_a_laptop_and_a_tablet(api, browser_page, live_server, mp_login, make_console_user):
    api.post("/api/v1/public/complaints", json=report_body(business_name="如皋市某某餐饮管理有限公司城南分店"))
    submitted_business(api, mp_login()["access_token"], name="如皋市城南某某餐饮管理有限公司")
    username, password = make_console_user("admin")
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/console/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/")
    paths = page.eval_on_selector_all("nav[aria-label=主菜单] a", "links => links.map(a => a.getAttribute('href'))")
    assert {"/console/", "/console/businesses", "/console/complaints", "/console/users", "/console/wall"} <= set(paths)
    os.makedirs(ARTIFACTS, exist_ok=True)
    for path in paths:
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            assert page.locator("main").count() == 1 and page.locator("a.skip").count() == 1, path
            assert page.evaluate(UNLABELLED) == [], path
            name = path.strip("/").replace("/", "-") or "console"
            page.screenshot(path=os.path.join(ARTIFACTS, f"page-{name}-{width}x{height}.png"))
    assert not errors, errors
