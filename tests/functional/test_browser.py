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
