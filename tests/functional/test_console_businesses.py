"""登记审核 (`/console/businesses`): a regulator finds a submitted registration, sees its documents
inline and approves or rejects it by form — in a real browser, and over HTTP for what a browser would not
send: a missing reason, a forged form, a review someone else made first, another district's record."""

import os
import re

from tests.builders import fresh_uscc, submitted_business
from tests.support import form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def test_review_a_registration_in_a_browser(api, browser_page, live_server, mp_login, make_console_user):
    business = submitted_business(api, mp_login()["access_token"], name="如皋待审面馆")
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/businesses")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
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


def test_reviews_by_form_over_http(api, live_server, mp_login, console_pages):
    business = submitted_business(api, mp_login()["access_token"], name="<b>如皋</b>面馆")
    elsewhere = submitted_business(
        api, mp_login()["access_token"], name="张家港面馆", district_code="320582", uscc=fresh_uscc("320582")
    )
    regulator = console_pages()
    listed = regulator.get(f"{live_server.url}/console/businesses", timeout=30)
    assert (
        listed.status_code == 200 and "&lt;b&gt;如皋&lt;/b&gt;面馆" in listed.text and "张家港面馆" not in listed.text
    )
    assert "共 1 家" in listed.text
    exported = regulator.get(f"{live_server.url}/console/businesses.csv", timeout=30)
    assert exported.headers["Content-Type"].startswith("text/csv")
    table = exported.content.decode("utf-8-sig").splitlines()
    assert table[0].startswith("名称,业态") and len(table) == 2 and "<b>如皋</b>面馆" in table[1]
    second = submitted_business(api, mp_login()["access_token"], name="阿福小吃")  # newer, but later by name
    newest = regulator.get(f"{live_server.url}/console/businesses.csv", timeout=30).content.decode("utf-8-sig")
    by_name = regulator.get(f"{live_server.url}/console/businesses.csv", params={"sort": "name"}).content
    assert [line.split(",")[0] for line in newest.splitlines()[1:]] == [second["name"], business["name"]]
    assert [line.split(",")[0] for line in by_name.decode("utf-8-sig").splitlines()[1:]] == [
        business["name"],
        second["name"],
    ]  # "<" sorts before "阿" as the index orders them
    shown = regulator.get(f"{live_server.url}/console/businesses", params={"sort": "name"}, timeout=30).text
    assert '<option value="name" selected>' in shown
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

    viewer = console_pages(role="viewer")
    assert viewer.get(f"{live_server.url}/console/businesses", timeout=30).status_code in (403, 404)
    assert "登记审核" not in viewer.get(f"{live_server.url}/console/indicators", timeout=30).text


def test_a_huge_form_and_an_unknown_console_page_are_chinese_pages(live_server, console_pages, config):
    regulator = console_pages()
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


def test_a_change_and_a_closure_are_reviewed_on_the_business_page(api, live_server, owned_business, console_pages):
    business, owner, _regulator = owned_business
    asked = api.post(
        f"/api/v1/mp/businesses/{business['id']}/changes", token=owner, json={"address": "如皋市如城街道新址 8 号"}
    )
    assert asked.status_code == 201, asked.text
    regulator, colleague = console_pages(), console_pages()
    work = regulator.get(f"{live_server.url}/console/", timeout=30).text
    url = f"{live_server.url}/console/businesses/{business['id']}"
    assert f'href="/console/businesses/{business["id"]}#change"' in work  # the to-do line opens it
    shown = regulator.get(url, timeout=30).text
    assert 'id="change"' in shown and "如皋市如城街道新址 8 号" in shown and business["address"] in shown
    token, other_token = form_token(regulator, url), form_token(colleague, url)
    action = f"{url}/changes/{asked.json()['id']}"

    unconfirmed = regulator.post(action, data={"csrf_token": token, "action": "approve"})
    assert unconfirmed.status_code == 422 and 'id="change-confirmed-error"' in unconfirmed.text
    no_reason = regulator.post(action, data={"csrf_token": token, "action": "reject", "reason": " "})
    assert no_reason.status_code == 422 and 'id="change-reason-error"' in no_reason.text
    approved = regulator.post(action, data={"csrf_token": token, "action": "approve", "confirmed": "yes"})
    assert approved.status_code == 200 and "已批准变更" in approved.text and 'id="change"' not in approved.text
    assert "如皋市如城街道新址 8 号" in approved.text.split("<dl", 1)[1].split("</dl>", 1)[0]  # the record took it
    late = colleague.post(action, data={"csrf_token": other_token, "action": "reject", "reason": "材料不全"})
    assert late.status_code == 409 and "已被他人处理" in late.text

    closing = api.post(
        f"/api/v1/mp/businesses/{business['id']}/closure", token=owner, json={"note": "店面到期不再经营"}
    )
    assert closing.status_code == 201, closing.text
    shown = regulator.get(url, timeout=30).text
    assert "待审核的注销申请" in shown and "店面到期不再经营" in shown
    closed = regulator.post(
        f"{url}/changes/{closing.json()['id']}", data={"csrf_token": token, "action": "approve", "confirmed": "yes"}
    )
    assert closed.status_code == 200 and "已批准注销" in closed.text
    elsewhere = console_pages(districts=("320582",))
    assert (
        elsewhere.post(action, data={"csrf_token": form_token(elsewhere, f"{live_server.url}/console/")}).status_code
        == 404
    )
