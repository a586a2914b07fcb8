"""登记审核 (`/console/businesses`): a regulator finds a submitted registration, sees its documents
inline and approves or rejects it by form — in a real browser, and over HTTP for what a browser would not
send: a missing reason, a forged form, a review someone else made first, another district's record."""

import os
import re

import requests

from tests.builders import fresh_uscc, submitted_business
from tests.support import form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def signed_in(live_server, make_console_user, role="regulator", districts=("320682",)):
    username, password = make_console_user(role, districts)
    session = requests.Session()
    token = form_token(session, f"{live_server.url}/console/login")
    session.post(
        f"{live_server.url}/console/login",
        data={"username": username, "password": password, "csrf_token": token},
        timeout=10,
    )
    return session


def test_review_a_registration_in_a_browser(api, browser_page, live_server, mp_login, make_console_user):
    business = submitted_business(api, mp_login()["access_token"], name="如皋待审面馆")
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/businesses")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/businesses")
    page.click("text=如皋待审面馆")
    page.wait_for_url(re.compile(f"/console/businesses/{business['id']}$"))
    licence = page.locator(".documents img").first
    licence.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", licence.element_handle())  # shown inline
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=os.path.join(ARTIFACTS, "business-review-1366x768.png"), full_page=True)
    page.check("#approve-confirmed")  # approval is public at once: the box is ticked first
    page.click("button.approve")
    page.wait_for_url(re.compile(r"done=approve$"))
    assert "已批准" in page.inner_text("h1") and "公示二维码已生成" in page.inner_text(".notice")
    assert page.locator("button.approve").count() == 0  # nothing left to review
    assert "许可与登记" in page.inner_text("table.file") and "信用等级" in page.inner_text("main")  # 一户一档
    assert api.get(f"/api/v1/mp/businesses/{business['id']}", token=None).status_code in (401, 404)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768


def test_reviews_by_form_over_http(api, live_server, mp_login, make_console_user):
    business = submitted_business(api, mp_login()["access_token"], name="<b>如皋</b>面馆")
    elsewhere = submitted_business(
        api, mp_login()["access_token"], name="张家港面馆", district_code="320582", uscc=fresh_uscc("320582")
    )
    regulator = signed_in(live_server, make_console_user)
    listed = regulator.get(f"{live_server.url}/console/businesses", timeout=30)
    assert (
        listed.status_code == 200 and "&lt;b&gt;如皋&lt;/b&gt;面馆" in listed.text and "张家港面馆" not in listed.text
    )
    assert "共 1 家" in listed.text
    exported = regulator.get(f"{live_server.url}/console/businesses.csv", timeout=30)
    assert exported.headers["Content-Type"].startswith("text/csv")
    table = exported.content.decode("utf-8-sig").splitlines()
    assert table[0].startswith("名称,业态") and len(table) == 2 and "<b>如皋</b>面馆" in table[1]
    other = regulator.get(f"{live_server.url}/console/businesses/{elsewhere['id']}", timeout=30)
    assert other.status_code == 404 and "没有找到" in other.text  # as for a record that does not exist

    url = f"{live_server.url}/console/businesses/{business['id']}"
    token = form_token(regulator, url)
    # a rejection without a reason: shown beside the field, the status unchanged
    missing = regulator.post(f"{url}/review", data={"csrf_token": token, "action": "reject", "reason": " "})
    assert missing.status_code == 422 and 'id="reason-error"' in missing.text and "待审核" in missing.text
    # a forged form writes nothing
    forged = regulator.post(f"{url}/review", data={"csrf_token": "forged", "action": "approve"})
    assert forged.status_code == 403 and "刷新页面" in forged.text
    assert "待审核" in regulator.get(url, timeout=30).text
    unconfirmed = regulator.post(f"{url}/review", data={"csrf_token": token, "action": "approve"})
    assert unconfirmed.status_code == 422 and 'id="approve-confirmed-error"' in unconfirmed.text
    assert "待审核" in regulator.get(url, timeout=30).text
    # rejected with a reason; the same form sent again (a double click) is a clear 409 page
    done = regulator.post(f"{url}/review", data={"csrf_token": token, "action": "reject", "reason": "许可证不清晰"})
    assert done.status_code == 200 and "已驳回" in done.text and "许可证不清晰" in done.text
    again = regulator.post(f"{url}/review", data={"csrf_token": token, "action": "reject", "reason": "许可证不清晰"})
    assert again.status_code == 409 and "已被他人处理" in again.text

    viewer = signed_in(live_server, make_console_user, role="viewer")
    assert viewer.get(f"{live_server.url}/console/businesses", timeout=30).status_code in (403, 404)
    assert "登记审核" not in viewer.get(f"{live_server.url}/console/indicators", timeout=30).text


def test_a_huge_form_and_an_unknown_console_page_are_chinese_pages(live_server, make_console_user, config):
    regulator = signed_in(live_server, make_console_user)
    missing = regulator.get(f"{live_server.url}/console/no-such-page", timeout=30)
    assert (
        missing.status_code == 404
        and "没有找到" in missing.text
        and missing.headers["Content-Type"].startswith("text/html")
    )
    token = form_token(regulator, f"{live_server.url}/console/businesses")
    huge = regulator.post(
        f"{live_server.url}/console/logout",
        data={"csrf_token": token, "filler": "x" * (13 * 1024 * 1024)},
        timeout=60,
    )
    assert huge.status_code == 413 and "文件过大" in huge.text and "Traceback" not in huge.text
    assert regulator.get(f"{live_server.url}/console/businesses", timeout=30).status_code == 200  # still signed in
