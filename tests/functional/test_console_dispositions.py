"""核查处置 pages (`/console/dispositions`): a failed sample's case, the business's re-test request decided,
the re-test's result recorded and the case closed by form; a refusal without its reason, a result
without its lab, a close without its note and a step on a case that changed are refused beside the
field or as a 409."""

import requests

from backend.sampling import importing
from backend.sampling import services as sampling
from tests.builders import regulator_of, result_csv, result_row
from tests.support import form_token


def _case(app, business) -> str:
    """A failed sample of the business, imported as the job would: its disposition case's id."""
    rows = [result_row("DC26320682000077", uscc=business["uscc"], item="苯甲酸", value="0.9", verdict="不合格")]
    with app.app_context():
        record = sampling.start_import(
            regulator_of("320682"),
            filename="r.csv",
            data=result_csv(rows),
            district=None,
            mode="whole",
            background=False,
        )
        assert importing.run_import(str(record.id))["cases_opened"] == 1
    return "S-DC26320682000077"


def test_decide_a_retest_record_its_result_and_close_the_case(api, app, live_server, owned_business, make_console_user):
    business, owner, _regulator = owned_business
    case_id = _case(app, business)
    username, password = make_console_user("regulator", ("320682",))
    regulator = requests.Session()
    token = form_token(regulator, f"{live_server.url}/console/login")
    regulator.post(
        f"{live_server.url}/console/login", data={"username": username, "password": password, "csrf_token": token}
    )
    listed = regulator.get(f"{live_server.url}/console/dispositions", timeout=30)
    assert listed.status_code == 200 and business["name"] in listed.text and "苯甲酸" in listed.text
    asked = api.post(
        f"/api/v1/mp/businesses/{business['id']}/dispositions/{case_id}/retest",
        token=owner,
        json={"items": ["苯甲酸"], "reason": "检测方法存疑", "lab": "江苏省产品质量监督检验研究院"},
    )
    assert asked.status_code == 200, asked.text

    url = f"{live_server.url}/console/dispositions/{case_id}"
    token = form_token(regulator, url)
    assert "待决定" in regulator.get(url, timeout=30).text
    refused = regulator.post(f"{url}/retest-decision", data={"csrf_token": token, "accept": "no"})
    assert refused.status_code == 422 and 'id="note-error"' in refused.text  # a refusal says why
    accepted = regulator.post(f"{url}/retest-decision", data={"csrf_token": token, "accept": "yes"})
    assert accepted.status_code == 200 and "已决定复检申请" in accepted.text and "记录复检结果" in accepted.text
    again = regulator.post(f"{url}/retest-decision", data={"csrf_token": token, "accept": "yes"})
    assert again.status_code == 409  # decided already
    no_lab = regulator.post(f"{url}/retest-result", data={"csrf_token": token, "verdict-苯甲酸": "pass"})
    assert no_lab.status_code == 422 and 'id="lab-error"' in no_lab.text
    recorded = regulator.post(
        f"{url}/retest-result", data={"csrf_token": token, "verdict-苯甲酸": "pass", "lab": "省质检院"}
    )
    assert recorded.status_code == 200 and "已记录复检结果" in recorded.text
    bare = regulator.post(f"{url}/close", data={"csrf_token": token, "outcome": "no_violation"})
    assert bare.status_code == 422 and 'id="close_note-error"' in bare.text
    unconfirmed = regulator.post(
        f"{url}/close", data={"csrf_token": token, "outcome": "no_violation", "note": "复检合格，未发现违法行为"}
    )
    assert unconfirmed.status_code == 422 and 'id="close-confirmed-error"' in unconfirmed.text
    assert "复检合格，未发现违法行为" in unconfirmed.text and "办理中" in unconfirmed.text  # kept, not closed
    closed = regulator.post(
        f"{url}/close",
        data={"csrf_token": token, "outcome": "no_violation", "note": "复检合格，未发现违法行为", "confirmed": "yes"},
    )
    assert closed.status_code == 200 and "已办结" in closed.text and "复检合格，未发现违法行为" in closed.text
    forged = regulator.post(f"{url}/close", data={"csrf_token": "x", "outcome": "other", "note": "x"})
    assert forged.status_code == 403
