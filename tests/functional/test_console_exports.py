"""Every console list exports what its filters show as CSV: a link on the page, a spreadsheet that
opens in Excel (UTF-8 with a BOM) with Chinese column names; a regulator's lists and an admin's own."""

import re

from tests.support import CONSOLE_LISTS


def _export(session, url: str) -> list[str]:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, url
    found = re.search(r'<a href="([^"]+)" class="export">导出 CSV</a>', page.text)
    assert found, f"no export link on {url}"
    link = found.group(1).replace("&amp;", "&")
    assert "page=" not in link
    exported = session.get(url.split("/console/")[0] + link, timeout=30)
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv"), link
    assert exported.content.startswith("\ufeff".encode()) and "attachment" in exported.headers["Content-Disposition"]
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert re.fullmatch(r"[\u4e00-\u9fff,/]+", lines[0]), lines[0]  # column names in Chinese
    return lines


def test_every_list_exports_what_it_shows(live_server, owned_business, console_pages):
    business, _owner, _regulator = owned_business
    regulator = console_pages()
    for path in CONSOLE_LISTS:
        _export(regulator, f"{live_server.url}{path}")
    assert any(business["name"] in line for line in _export(regulator, f"{live_server.url}/console/businesses?status="))
    filtered = _export(regulator, f"{live_server.url}/console/businesses?status=rejected&page=2")
    assert len(filtered) == 1  # the filter holds (and the page number does not cut the export)
    admin = console_pages("admin", ())
    accounts = _export(admin, f"{live_server.url}/console/users")
    assert accounts[0] == "用户名,姓名,角色,地区,单位,在岗" and len(accounts) >= 3
    assert not any("argon2" in line for line in accounts)
    assert regulator.get(f"{live_server.url}/console/users.csv", timeout=30).status_code == 403
