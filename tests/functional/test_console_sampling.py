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
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/sampling")
    page.set_input_files("#file", str(path))
    page.click("text=上传并导入")
    page.wait_for_url(re.compile(r"/console/sampling/imports/[0-9a-f]{24}$"))
    assert page.locator("progress").count() == 1
    page.wait_for_selector("text=已完成", timeout=30_000)  # the page refreshed itself until the job ended
    assert page.get_attribute("progress", "value") == page.get_attribute("progress", "max") == str(len(rows))
    summary = page.inner_text(".summary")
    assert "新增样品" in summary and "31" in summary and "新开核查处置" in summary
    assert page.locator("meta[http-equiv=refresh]").count() == 0  # no refreshing once it is done
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=os.path.join(ARTIFACTS, "sampling-import-1366x768.png"), full_page=True)


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
