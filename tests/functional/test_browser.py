"""Headless Chromium (Debian's) opens the QR page at phone size; the screenshot is kept as an artifact."""

import os
from pathlib import Path

import pytest

from backend.core.timeutil import today_shanghai
from tests.support import LiveServer

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


@pytest.fixture
def demo_server(config):
    """The platform with the demo's data (an announced sampling batch, with a failed sample)."""
    from backend.app import create_app

    app = create_app({**config, "SEED_DEMO": True})
    server = LiveServer(app)
    server.app = app
    yield server
    server.stop()


NARROWEST_CELL = 40  # px: under three characters wide, a name reads one character a line


def _cells_too_narrow(page, selector: str) -> list[str]:
    return page.evaluate(
        """([selector, least]) => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null && e.innerText.trim().length > 2)
            .filter(e => e.getBoundingClientRect().width < least)
            .map(e => e.innerText.trim())""",
        [selector, NARROWEST_CELL],
    )


@pytest.mark.parametrize(("width", "height", "shown"), [(390, 844, ".results-cards"), (1366, 900, ".results-table")])
def test_the_sampling_page_reads_as_cards_on_a_phone_and_a_table_where_it_fits(
    browser_page, demo_server, width, height, shown
):
    browser_page.set_viewport_size({"width": width, "height": height})
    browser_page.goto(f"{demo_server.url}/sampling")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / f"sampling-{width}x{height}.png"), full_page=True)
    failed = browser_page.locator("#failed")
    assert failed.locator(shown).first.is_visible()
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert _cells_too_narrow(browser_page, "td, th, dd, dt, h3") == []  # nothing reads vertically
    if shown == ".results-cards":  # the failing item with its value and limit, on the card itself
        assert "检验结果" in failed.locator(".result").first.inner_text()
        assert "标准值" in failed.locator(".result").first.inner_text()


def test_the_sampling_page_takes_a_place_by_name_and_says_when_it_knows_none(browser_page, demo_server):
    browser_page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(f"{demo_server.url}/sampling?city=不存在县")
    error = browser_page.locator("#city-error")
    assert error.is_visible() and "不存在县" in error.inner_text()
    assert browser_page.locator("#city").input_value() == "不存在县"  # the input is kept
    assert browser_page.locator(".result").count() == 0  # and nothing silently listed instead
    options = browser_page.locator("#places option").evaluate_all("options => options.map(o => o.value)")
    assert options and all(not value.isdigit() for value in options)  # names, not 6-digit codes
    browser_page.locator("#city").fill(options[0])
    with browser_page.expect_navigation():
        browser_page.get_by_role("button", name="查询").click()
    assert browser_page.locator("#city-error").count() == 0
    assert options[0] in browser_page.locator("h1").inner_text()


def test_the_complaint_form_says_every_missing_field_at_once_each_beside_its_field(browser_page, live_server):
    browser_page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(f"{live_server.url}/complaints/new")
    browser_page.locator("#phone").fill("12345")  # wrong, and the other personal fields empty
    browser_page.locator("input[name=consent]").check()
    with browser_page.expect_navigation():
        browser_page.get_by_role("button", name="提交").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "complaint-form-errors-390x844.png"), full_page=True)
    beside = browser_page.evaluate(
        """ids => Object.fromEntries(ids.map(id => {
            const next = document.getElementById(id).nextElementSibling;
            return [id, next && next.className === "err" ? next.innerText : null];
        }))""",
        [
            "business_name",
            "business_address",
            "district_code",
            "category",
            "description",
            "claim",
            "name",
            "phone",
            "address",
        ],
    )
    assert all(beside.values()), beside  # one round: every field that is wrong says so, under itself
    assert "11" in beside["phone"] and "投诉须填写" in beside["name"]
    assert browser_page.locator("#phone").input_value() == "12345"  # what was typed is kept
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_every_demo_card_fits_a_phone_with_its_inspection_history(browser_page, demo_server):
    from backend.demo.registry_seed import demo_public_urls

    with demo_server.app.app_context():
        urls = [url for _name, url in demo_public_urls(demo_server.url)]
    assert urls
    browser_page.set_viewport_size({"width": 390, "height": 844})
    histories = 0
    for index, url in enumerate(urls):
        browser_page.goto(url)
        assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390, url
        assert _cells_too_narrow(browser_page, "td, th, dd, dt") == [], url
        if browser_page.locator("table.history").count():
            histories += 1
            browser_page.screenshot(path=str(ARTIFACTS / f"card-history-{index}-390x844.png"), full_page=True)
    assert histories  # the demo has a business inspected more than once


def test_the_incident_form_says_its_problems_beside_their_fields_on_a_phone(browser_page, live_server):
    browser_page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(f"{live_server.url}/incidents/new")
    browser_page.locator("#description").fill("婚宴后多人呕吐")
    browser_page.locator("#ill").fill("6")
    browser_page.locator("#occurred_on").fill(today_shanghai().isoformat())
    browser_page.locator("#address").fill("海阳南路88号")  # names no county
    browser_page.locator("#reporter_phone").fill("13700001234")  # and no consent given
    with browser_page.expect_navigation():
        browser_page.get_by_role("button", name="提交报告").click()
    errors = browser_page.locator(".err").all_inner_texts()
    assert any("区县" in text for text in errors) and any("同意" in text for text in errors), errors
    assert browser_page.locator("#description").input_value() == "婚宴后多人呕吐"
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_demo_chefs_card_fits_a_phone(browser_page, demo_server):
    from backend.banquets.models import Chef

    with demo_server.app.app_context():
        code = Chef.objects(status="approved").first().public_code
    browser_page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(f"{demo_server.url}/chef/{code}")
    text = browser_page.locator("main").inner_text()
    assert "乡厨" in text and "健康证明" in text and "320682" not in text
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390
