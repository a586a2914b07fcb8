"""投诉举报 pages (`/console/complaints`): a regulator accepts a complaint, takes it on, answers and
closes it by form in a real browser; over HTTP, a required field left out, a step someone else took,
the audited reveal of the complainant's contact, and another district's complaint."""

import os
import re
import uuid
from datetime import timedelta

from backend.core.timeutil import utcnow
from tests.support import form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def complaint(api, district="320682", **overrides) -> str:
    body = {
        "kind": "complaint",
        "category": "hygiene",
        "description": f"后厨地面积水，餐具未消毒。{uuid.uuid4().hex[:6]}",
        "occurred_at": (utcnow() - timedelta(days=1)).isoformat(),
        "claim": "要求退还餐费并整改",
        "complainant": {"name": "王小明", "phone": "13912345678", "address": "如皋市如城街道1号"},
        "business_name": "无名小吃",
        "business_address": "人民路5号",
        "district_code": district,
        **overrides,
    }
    created = api.post("/api/v1/public/complaints", json=body)
    assert created.status_code == 201, created.text
    return created.json()["number"]


def test_answer_and_close_a_complaint_in_a_browser(api, browser_page, live_server, make_console_user):
    number = complaint(api)
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/complaints")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/complaints")
    page.click(f"text={number}")
    page.wait_for_url(re.compile(f"/console/complaints/{number}$"))
    assert "王*明" in page.inner_text(".facts") and "139****5678" in page.inner_text(".facts")  # masked
    for button, notice in (("button.accept", "已受理"), ("button.assign", "已由您承办")):
        page.click(button)
        page.wait_for_url(re.compile(r"done="))
        assert notice in page.inner_text(".notice")
    page.fill("#reply-text", "已责令整改，餐费已退还。")
    page.click("text=答复投诉举报人")
    page.wait_for_url(re.compile(r"done=reply$"))
    assert "已责令整改，餐费已退还。" in page.inner_text(".timeline")
    page.fill("#close-result", "情况属实，已整改。")
    page.check("input[name=upheld]")
    page.click("form.step button:has-text('办结')")  # the browser keeps the form until it is confirmed
    assert "done=close" not in page.url and page.evaluate("!document.querySelector('#close-confirmed').validity.valid")
    page.check("#close-confirmed")
    page.click("form.step button:has-text('办结')")
    page.wait_for_url(re.compile(r"done=close$"))
    assert "已办结" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=os.path.join(ARTIFACTS, "complaint-closed-1366x768.png"), full_page=True)


def test_complaint_steps_by_form_over_http(api, app, live_server, console_pages):
    number = complaint(api, business_name="<i>某</i>小吃")
    formula = complaint(api, business_name="=HYPERLINK(1)")
    elsewhere = complaint(api, district="320582")
    first, second = console_pages(), console_pages()
    url = f"{live_server.url}/console/complaints/{number}"
    listed = first.get(f"{live_server.url}/console/complaints", timeout=30)
    assert number in listed.text and elsewhere not in listed.text and "&lt;i&gt;某&lt;/i&gt;小吃" in listed.text
    assert first.get(f"{live_server.url}/console/complaints/{elsewhere}", timeout=30).status_code == 404
    exported = first.get(f"{live_server.url}/console/complaints.csv", timeout=30).content.decode("utf-8-sig")
    assert number in exported and formula in exported and elsewhere not in exported
    assert "'=HYPERLINK(1)" in exported and "13912345678" not in exported  # no formula runs; no phone

    token, other_token = form_token(first, url), form_token(second, url)
    refused = first.post(f"{url}/refuse", data={"csrf_token": token, "reason": "", "confirmed": "yes"})
    assert refused.status_code == 422 and 'id="refuse-reason-error"' in refused.text
    assert first.post(f"{url}/accept", data={"csrf_token": token}).status_code == 200
    taken = second.post(f"{url}/accept", data={"csrf_token": other_token})  # the same step, a moment later
    assert taken.status_code == 409 and "已被他人办理" in taken.text
    assert first.post(f"{url}/assign", data={"csrf_token": token}).status_code == 200
    # the contact data: not for another regulator; for the handler, shown and audited
    assert second.post(f"{url}/contact", data={"csrf_token": other_token}).status_code == 403
    shown = first.post(f"{url}/contact", data={"csrf_token": token})
    assert shown.status_code == 200 and "13912345678" in shown.text and "王小明" in shown.text
    assert "13912345678" not in first.get(url, timeout=30).text  # not kept on the page
    with app.app_context():
        from backend.audit.models import AuditEntry

        assert AuditEntry.objects(target_type="complaint", target_id=number, action="complaint.contact_viewed").count()
    kept = first.post(f"{url}/reply", data={"csrf_token": token, "text": "   "})
    assert kept.status_code == 422 and 'id="reply-text-error"' in kept.text
    assert first.post(f"{url}/nonsense", data={"csrf_token": token}).status_code == 404


def test_a_complaint_handed_on_extended_and_closed_only_when_confirmed(api, app, live_server, console_pages):
    number = complaint(api, kind="report")
    first, colleague = console_pages(), console_pages()
    url = f"{live_server.url}/console/complaints/{number}"
    token, colleague_token = form_token(first, url), form_token(colleague, url)
    assert first.post(f"{url}/accept", data={"csrf_token": token}).status_code == 200
    page = first.get(url, timeout=30).text
    offered = re.findall(r'<option value="([0-9a-f]{24})">', page)
    assert offered, "the regulators of the district are offered to hand it to"
    wrong = first.post(f"{url}/transfer", data={"csrf_token": token, "assignee_id": "{'$ne': None}"})
    assert wrong.status_code == 422 and 'id="transfer-assignee-error"' in wrong.text
    with app.app_context():
        from backend.accounts.models import User

        colleague_id = str(User.objects(username=colleague.username).get().id)
    assert colleague_id in offered
    handed = first.post(f"{url}/transfer", data={"csrf_token": token, "assignee_id": colleague_id, "office": "稽查科"})
    assert handed.status_code == 200 and "已交由所选人员承办" in handed.text and "由其他人员承办" in handed.text
    assert colleague.post(f"{url}/reply", data={"csrf_token": colleague_token, "text": "已核查"}).status_code == 200
    extended = colleague.post(f"{url}/extend", data={"csrf_token": colleague_token, "reason": "需要抽样检验"})
    assert extended.status_code == 200 and "办理期限已延长" in extended.text
    assert "延长办理期限" not in extended.text  # once only
    again = colleague.post(f"{url}/extend", data={"csrf_token": colleague_token, "reason": "再延"})
    assert again.status_code == 409
    unconfirmed = colleague.post(f"{url}/close", data={"csrf_token": colleague_token, "result": "查实，已处罚"})
    assert unconfirmed.status_code == 422 and 'id="close-confirmed-error"' in unconfirmed.text
    assert "查实，已处罚" in unconfirmed.text  # what was typed is kept
    assert "已办结" not in first.get(url, timeout=30).text.split("</h1>")[0]
    closed = colleague.post(
        f"{url}/close", data={"csrf_token": colleague_token, "result": "查实，已处罚", "confirmed": "yes"}
    )
    assert closed.status_code == 200 and "已办结" in closed.text.split("</h1>")[0]


def test_a_long_list_pages_and_keeps_its_filters(api, live_server, console_pages):
    numbers = [complaint(api) for _ in range(21)]
    regulator = console_pages()
    first = regulator.get(f"{live_server.url}/console/complaints", params={"status": "received"}, timeout=30)
    assert "共 21 件，第 1/2 页" in first.text and 'href="?status=received&amp;page=2">下一页' in first.text
    second = regulator.get(f"{live_server.url}/console/complaints", params={"status": "received", "page": 2})
    assert "第 2/2 页" in second.text and "上一页" in second.text and "下一页" not in second.text
    shown = sum(number in first.text for number in numbers) + sum(number in second.text for number in numbers)
    assert shown == 21  # each once, none lost between the pages
    newest = regulator.get(f"{live_server.url}/console/complaints", params={"status": "received", "sort": "received"})
    assert newest.text.index(numbers[-1]) < newest.text.index(numbers[-2])  # the last received first
    assert '<option value="received" selected>' in newest.text
    odd = regulator.get(f"{live_server.url}/console/complaints", params={"sort": "{'$ne': 1}"}, timeout=30)
    assert odd.status_code == 200 and '<option value="deadline" selected>' in odd.text
    wrong = regulator.get(f"{live_server.url}/console/complaints", params={"page": "-3"}, timeout=30)
    assert wrong.status_code == 200 and "第 1/2 页" in wrong.text
