"""年度计划与双随机 pages (`/console/inspections/plan`, `/console/inspections/draws/<id>`): the year's
plan of a regulator's districts with its states and CSV; a 双随机 draw by form, refused beside the field
when it cannot be made, whose page shows the pairs, reproduces them from the seed and starts each
inspection; another district's draw is not found."""

import re

from tests.support import form_token


def test_the_plan_lists_states_and_exports(api, live_server, owned_business, console_pages):
    business, _owner, regulator_token = owned_business
    regulator = console_pages()
    plan = regulator.get(f"{live_server.url}/console/inspections/plan", timeout=30)
    assert plan.status_code == 200 and business["name"] in plan.text
    assert "逾期（两年内未检查）" in plan.text and "两年内检查覆盖率" in plan.text
    done_only = regulator.get(f"{live_server.url}/console/inspections/plan", params={"state": "done"}, timeout=30)
    assert business["name"] not in done_only.text  # never inspected: not done
    odd = regulator.get(f"{live_server.url}/console/inspections/plan", params={"year": "{'$ne': 1}", "state": "x"})
    assert odd.status_code == 200 and business["name"] in odd.text  # read as this year, all states
    exported = regulator.get(f"{live_server.url}/console/inspections/plan.csv", timeout=30)
    table = exported.content.decode("utf-8-sig").splitlines()
    assert table[0] == "名称,地区,风险等级,本年应检,本年已检,最近检查,状态"
    assert any(line.startswith(business["name"]) and line.endswith("逾期（两年内未检查）") for line in table)
    elsewhere = console_pages(districts=("320582",))
    assert business["name"] not in elsewhere.get(f"{live_server.url}/console/inspections/plan", timeout=30).text
    api_plan = api.get("/api/v1/console/inspection-plan", token=regulator_token, params={"year": 2026, "state": "x"})
    assert api_plan.status_code == 422 and "state" in api_plan.json()["errors"]


def test_a_draw_by_form_is_reproduced_and_starts_its_inspections(live_server, owned_business, console_pages):
    business, _owner, _regulator = owned_business
    regulator, _second = console_pages(), console_pages()
    url = f"{live_server.url}/console/inspections/draws"
    token = form_token(regulator, f"{live_server.url}/console/inspections/plan")

    too_many = regulator.post(url, data={"csrf_token": token, "count": "400"})
    assert too_many.status_code == 422 and 'id="count-error"' in too_many.text
    assert re.search(r'id="count-error"[^>]*>[^<]*\d', too_many.text)  # says how many match, in Chinese
    assert 'value="400"' in too_many.text  # kept
    hostile = regulator.post(url, data={"csrf_token": token, "count": "{'$ne': None}", "risk_grade": "Z"})
    assert hostile.status_code == 422 and 'id="count-error"' in hostile.text and 'id="risk_grade-error"' in hostile.text
    forged = regulator.post(url, data={"csrf_token": "x", "count": "1"})
    assert forged.status_code == 403 and "刷新页面" in forged.text

    made = regulator.post(url, data={"csrf_token": token, "count": "1", "kind": business["kind"]})
    assert made.status_code == 200 and re.search(r"/console/inspections/draws/[0-9a-f]{24}$", made.url)
    assert business["name"] in made.text and "结果一致" in made.text
    assert f'href="/console/inspections/new?business={business["id"]}"' in made.text
    assert len(re.findall(r"<code>[0-9a-f]{32}</code>", made.text)) == 1  # the seed, shown for anyone to check
    listed = regulator.get(f"{live_server.url}/console/inspections/plan", timeout=30).text
    assert made.url.split(live_server.url)[1] in listed  # among the recent draws
    elsewhere = console_pages(districts=("320582",))
    assert elsewhere.get(made.url, timeout=30).status_code == 404
    assert regulator.get(f"{url}/not-an-id", timeout=30).status_code == 404
