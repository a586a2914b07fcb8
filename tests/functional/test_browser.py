"""Headless Chromium (Debian's) opens the QR page at phone size; the screenshot is kept as an artifact."""

import os
from pathlib import Path

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def _in_viewport(box) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= 375
        and box["y"] + box["height"] <= 667
    )


def test_card_on_a_phone_screen(browser_page, live_server, approved_business):
    business = approved_business[0]
    url = f"{live_server.url}/q/{business['public_code']}"
    browser_page.goto(url)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "public-card-375x667.png"
    browser_page.screenshot(path=str(shot))
    assert shot.stat().st_size > 5000
    name = browser_page.locator("#name")
    grade = browser_page.locator("#grade")
    assert name.is_visible() and name.inner_text() == business["name"]
    assert grade.is_visible() and "暂未评级" in grade.inner_text()
    assert _in_viewport(name.bounding_box()) and _in_viewport(grade.bounding_box())  # above the fold
    assert browser_page.requested == [url]  # no other request: no external fonts, scripts or images
    width = browser_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing overflows sideways


def test_search_offers_the_phones_position_and_lists_what_is_near(browser_page, live_server, api, owned_business):
    business, owner, _regulator = owned_business
    placed = api.put(
        f"/api/v1/mp/businesses/{business['id']}/location",
        token=owner,
        json={"latitude": 32.3716, "longitude": 120.5661},
    )
    assert placed.status_code == 200
    browser_page.context.grant_permissions(["geolocation"])
    browser_page.context.set_geolocation({"latitude": 32.3720, "longitude": 120.5650})
    browser_page.goto(f"{live_server.url}/search")
    with browser_page.expect_navigation():
        browser_page.get_by_role("button", name="使用我的位置").click()
    assert "near=32.372000%2C120.565000" in browser_page.url
    results = browser_page.locator("#results").inner_text()
    assert business["name"] in results and "由近及远" in results and " 米" in results
