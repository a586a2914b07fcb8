"""抽检导入 pages (`/console/sampling`): a regulator uploads a result file in a real browser and watches
its progress bar follow the job to the end; a file with bad rows lists them and gives them as CSV; a
form without a file or with a forged token is refused beside the field."""

import os
import re

import requests

from tests.builders import result_csv, result_row
from tests.support import eventually, form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def test_upload_a_result_file_and_watch_it_finish_in_a_browser(
    browser_page, live_server, make_console_user, job_worker, tmp_path
):
    rows = [result_row(f"DC26320682{n:06d}", item=item) for n in range(30) for item in ("铅(以Pb计)", "镉(以Cd计)")]
    rows.append(result_row("DC26320682999999", item="苯甲酸", value="0.9", verdict="不合格", standard="≤0.5"))
    path = tmp_path / "结果.csv"
    path.write_bytes(result_csv(rows))
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/sampling")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/sampling")
    page.set_input_files("#file", str(path))
    page.click("text=上传并导入")
    page.wait_for_url(re.compile(r"/console/sampling/imports/[0-9a-f]{24}$"))
    assert page.locator("progress").count() == 1
    page.wait_for_selector("text=已完成", timeout=30_000)  # the page refreshed itself until the job ended
    assert page.get_attribute("progress", "value") == page.get_attribute("progress", "max") == str(len(rows))
    summary = page.inner_text(".summary")
    assert "新增样品" in summary and "31" in summary and "新开核查处置" in summary
    assert page.locator("#live[hx-trigger]").count() == 0  # no polling once it is done
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=os.path.join(ARTIFACTS, "sampling-import-1366x768.png"), full_page=True)
    # not public until announced; announced from the import's own page
    assert "DC26320682999999" not in requests.get(f"{live_server.url}/sampling", timeout=30).text
    assert "31 个样品的结果尚未公告" in page.inner_text("main")
    page.fill("#number", "如市监抽〔2026〕12号")
    page.fill("#title", "2026年第12期食品安全监督抽检信息")
    page.check("#announce-confirmed")
    page.click("button.announce")
    page.wait_for_url(re.compile(r"/console/sampling/announcements\?done="))
    listed = page.inner_text("table")
    assert "如市监抽〔2026〕12号" in listed and "31" in listed  # 31 samples, one failed
    public = requests.get(f"{live_server.url}/sampling", timeout=30).text
    assert "苯甲酸" in public or "不合格" in public


def test_bad_rows_are_listed_and_downloadable_and_bad_forms_refused(live_server, make_console_user, job_worker):
    username, password = make_console_user("regulator", ("320682",))
    browser = requests.Session()
    token = form_token(browser, f"{live_server.url}/console/login")
    browser.post(
        f"{live_server.url}/console/login", data={"username": username, "password": password, "csrf_token": token}
    )
    token = form_token(browser, f"{live_server.url}/console/sampling")
    upload = f"{live_server.url}/console/sampling/imports"

    missing = browser.post(upload, data={"csrf_token": token, "mode": "whole"})
    assert missing.status_code == 422 and 'id="file-error"' in missing.text and "请选择" in missing.text
    forged = browser.post(upload, data={"csrf_token": "x"}, files={"file": ("a.csv", b"x")})
    assert forged.status_code == 403 and "刷新页面" in forged.text
    not_a_table = browser.post(upload, data={"csrf_token": token}, files={"file": ("a.csv", b"\x00\x01\x02")})
    assert not_a_table.status_code == 422 and 'id="file-error"' in not_a_table.text

    bad = result_csv([result_row("DC26320682000001", sampled_on="2099-01-01"), result_row("DC26320682000002")])
    sent = browser.post(upload, data={"csrf_token": token, "mode": "whole"}, files={"file": ("bad.csv", bad)})
    assert sent.status_code == 200 and "/console/sampling/imports/" in sent.url
    import_url = sent.url

    def finished():
        shown = browser.get(import_url, timeout=30).text
        return shown if 'http-equiv="refresh"' not in shown else None  # it refreshes while the job runs

    shown = eventually(finished, 30, "the import finished")
    assert "未导入" in shown and "抽样日期" in shown  # the column as the file names it
    errors = browser.get(import_url + "/errors.csv", timeout=30)
    assert errors.headers["Content-Type"].startswith("text/csv")
    body = errors.content.decode("utf-8-sig")
    assert body.splitlines()[0] == "行号,列,问题" and "抽样日期" in body


def test_announce_by_sampling_numbers_refuses_what_it_should(live_server, console_pages, job_worker):

    browser, elsewhere = console_pages(), console_pages(districts=("320582",))
    token = form_token(browser, f"{live_server.url}/console/sampling")
    rows = [result_row(f"DC26320682{n:06d}") for n in range(500, 503)]
    sent = browser.post(
        f"{live_server.url}/console/sampling/imports",
        data={"csrf_token": token, "mode": "whole"},
        files={"file": ("r.csv", result_csv(rows))},
    )
    import_url = sent.url
    eventually(lambda: "已完成" in browser.get(import_url, timeout=30).text, 30, "the import finished")
    url = f"{live_server.url}/console/sampling/announcements"
    form = {"csrf_token": token, "number": "第1期", "title": "抽检信息", "announced_on": "", "confirmed": "yes"}
    form["sampling_numbers"] = "DC26320682000500, DC26320682000501"

    no_date = browser.post(url, data=form)
    assert no_date.status_code == 422 and 'id="announced_on-error"' in no_date.text
    assert "DC26320682000500, DC26320682000501" in no_date.text  # what was typed is kept
    future = browser.post(url, data=form | {"announced_on": "2099-01-01"})
    assert future.status_code == 422 and 'id="announced_on-error"' in future.text
    hostile = browser.post(url, data=form | {"announced_on": "2026-10-21", "sampling_numbers": "{'$ne': None}"})
    assert hostile.status_code == 422 and 'id="sampling_numbers-error"' in hostile.text
    unconfirmed = browser.post(
        url, data={k: v for k, v in form.items() if k != "confirmed"} | {"announced_on": "2026-10-21"}
    )
    assert unconfirmed.status_code == 422 and 'id="announce-confirmed-error"' in unconfirmed.text
    other_token = form_token(elsewhere, url)
    theirs = elsewhere.post(url, data=form | {"csrf_token": other_token, "announced_on": "2026-10-21"})
    assert theirs.status_code == 422 and "还没有公告" in theirs.text  # not their samples: nothing announced
    assert "还没有公告" in browser.get(url, timeout=30).text

    done = browser.post(url, data=form | {"announced_on": "2026-10-21"})
    assert done.status_code == 200 and "公告已发布" in done.text and "第1期" in done.text
    again = browser.post(url, data=form | {"announced_on": "2026-10-21"})  # a double submission
    assert again.status_code == 422 and 'id="sampling_numbers-error"' in again.text
    assert browser.get(url, timeout=30).text.count("<td>第1期</td>") == 1
    remaining = browser.get(import_url, timeout=30).text
    assert "1 个样品的结果尚未公告" in remaining  # the third one, still to announce from its import
