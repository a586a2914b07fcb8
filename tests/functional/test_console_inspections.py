"""监督检查 pages (`/console/inspections`): two inspectors start an inspection from a business's page,
fill the checklist on a tablet-sized screen with a photo from the device, and sign it — in a real
browser; over HTTP, signing before every item has a result, a forged form, another district's
inspection, and a form read before someone else saved."""

import os
import re

from tests.builders import jpeg_bytes
from tests.support import form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def _draft(inspector, live_server, business) -> tuple:
    """An inspection started on the business's form with a fellow inspector of the district; returns
    (the page after it, its CSRF token, its URL)."""
    start = f"{live_server.url}/console/inspections/new?business={business['id']}"
    colleague = re.search(r'name="inspectors" value="([0-9a-f]{24})"', inspector.get(start, timeout=30).text).group(1)
    token = form_token(inspector, start)
    made = inspector.post(
        f"{live_server.url}/console/inspections",
        data={
            "csrf_token": token,
            "business_id": business["id"],
            "inspected_on": "2026-12-01",
            "type": "routine",
            "inspectors": colleague,
        },
    )
    assert made.status_code == 200 and "已开始检查" in made.text
    return made, token, made.url.split("?")[0]


def test_sign_an_inspection_with_a_photo_in_a_browser(
    browser_page, live_server, owned_business, make_console_user, tmp_path
):
    business, _owner, _regulator = owned_business
    username, password = make_console_user("regulator", ("320682",))
    photo = tmp_path / "后厨.jpg"
    photo.write_bytes(jpeg_bytes())
    page = browser_page
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet
    page.goto(f"{live_server.url}/console/businesses/{business['id']}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(re.compile(f"/console/businesses/{business['id']}$"))
    page.click("text=开始一次监督检查")
    page.locator("input[name=inspectors]").first.check()  # a fellow inspector of the district
    page.click("button:has-text('开始检查')")
    page.wait_for_url(re.compile(r"/console/inspections/[0-9a-f]{24}\?done=created$"))
    items = page.locator(".items > li")
    count = items.count()
    assert count > 5
    for index in range(count):
        items.nth(index).locator("input[value=passed]").check()
    first = items.nth(0)
    first.locator("input[value=failed]").check()
    first.locator("input[name^=note]").fill("冷藏柜温度过高")
    first.locator("input[type=file]").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.screenshot(path=os.path.join(ARTIFACTS, "inspection-768x1024.png"))
    page.click("button:has-text('保存')")
    page.wait_for_url(re.compile(r"done=saved$"))
    assert "已有照片 1 张" in page.inner_text(".items > li:first-child")
    page.check("#sign-confirmed")
    page.click("button.sign")
    page.wait_for_url(re.compile(r"done=signed$"))
    assert "已签字" in page.inner_text("h1") and "检查结果" in page.inner_text("main")
    assert page.locator("input[type=radio]").count() == 0  # the record now reads, never edits


def test_inspection_forms_over_http(api, live_server, owned_business, console_pages):
    business, _owner, _regulator = owned_business
    inspector = console_pages()
    start = f"{live_server.url}/console/inspections/new?business={business['id']}"
    token = form_token(inspector, start)
    alone = inspector.post(
        f"{live_server.url}/console/inspections",
        data={"csrf_token": token, "business_id": business["id"], "inspected_on": "2026-12-01", "type": "routine"},
    )
    assert alone.status_code == 422 and 'id="inspectors-error"' in alone.text  # two inspectors, at least
    _made, _token, url = _draft(inspector, live_server, business)
    unconfirmed = inspector.post(f"{url}/sign", data={"csrf_token": token})
    assert unconfirmed.status_code == 422 and 'id="sign-confirmed-error"' in unconfirmed.text
    early = inspector.post(f"{url}/sign", data={"csrf_token": token, "confirmed": "yes"})
    assert early.status_code == 422 and "results-error" in early.text  # not every item has a result
    forged = inspector.post(f"{url}/results", data={"csrf_token": "x", "version": "1"})
    assert forged.status_code == 403
    item = re.search(r'name="result-([^"]+)"', inspector.get(url, timeout=30).text).group(1)
    saved = inspector.post(f"{url}/results", data={"csrf_token": token, "version": "1", f"result-{item}": "passed"})
    assert saved.status_code == 200 and "已保存" in saved.text
    stale = inspector.post(f"{url}/results", data={"csrf_token": token, "version": "1", f"result-{item}": "failed"})
    assert stale.status_code == 409  # read before the save above: it does not overwrite it

    elsewhere = console_pages(districts=("320582",))
    assert elsewhere.get(url, timeout=30).status_code == 404


def test_a_failed_item_becomes_a_rectification_the_inspector_reviews(api, live_server, owned_business, console_pages):
    business, owner, _regulator = owned_business
    inspector = console_pages()
    made, token, url = _draft(inspector, live_server, business)
    items = re.findall(r'name="result-([^"]+)" value="passed"', made.text)
    results = {f"result-{item}": "passed" for item in items} | {f"result-{items[0]}": "failed"}
    assert inspector.post(f"{url}/results", data={"csrf_token": token, "version": "1", **results}).status_code == 200
    signed = inspector.post(f"{url}/sign", data={"csrf_token": token, "confirmed": "yes"})
    assert signed.status_code == 200 and "整改中" in signed.text
    (rectification,) = api.get(f"/api/v1/mp/businesses/{business['id']}/rectifications", token=owner).json()
    evidence = {"note": "已更换冷藏柜温控器", "photos": []}
    rectification_url = f"/api/v1/mp/businesses/{business['id']}/rectifications/{rectification['id']}/evidence"
    assert api.post(rectification_url, token=owner, json=evidence).status_code == 200

    review = f"{url}/rectifications/{rectification['id']}"
    page = inspector.get(url, timeout=30).text
    assert "待复核" in page and "已更换冷藏柜温控器" in page
    bare = inspector.post(review, data={"csrf_token": token, "decision": "send_back"})
    assert bare.status_code == 422 and f'id="note-{rectification["id"]}-error"' in bare.text  # say what is missing
    done = inspector.post(review, data={"csrf_token": token, "decision": "accept", "note": "复查合格"})
    assert done.status_code == 200 and "已确认整改完成" in done.text and "已完成" in done.text
    again = inspector.post(review, data={"csrf_token": token, "decision": "accept"})
    assert again.status_code == 409


def test_a_photo_whose_name_lies_is_refused_and_the_results_are_kept(live_server, owned_business, console_pages):
    business, _owner, _regulator = owned_business
    inspector = console_pages()
    made, token, url = _draft(inspector, live_server, business)
    item = re.search(r'name="result-([^"]+)"', made.text).group(1)
    lying = inspector.post(
        f"{url}/results",
        data={"csrf_token": token, "version": "1", f"result-{item}": "failed"},
        files={f"photo-{item}": ("后厨.jpg", b"%PDF-1.4 not a picture", "image/jpeg")},
    )
    assert lying.status_code in (415, 422) and 'role="alert"' in lying.text and "Traceback" not in lying.text
    assert "已有照片" not in inspector.get(url, timeout=30).text  # nothing half-written
