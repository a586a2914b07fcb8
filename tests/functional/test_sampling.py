"""Sampling through HTTP: result files imported by the job queue (RQ on a real Redis, the in-process
worker the embedded default runs), disposition of failed samples with re-tests, rapid tests, public
disclosure and its exports, KPIs."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from tests.builders import result_csv, result_row, result_xlsx
from tests.support import assert_error, eventually

IMPORTS = "/api/v1/console/sampling/imports"


def upload(api, token, data: bytes, filename="results.csv", **form):
    return api.post(IMPORTS, token=token, files={"file": (filename, data)}, data=form)


def wait_for(api, token, import_id, seen: list | None = None, timeout=60) -> dict:
    def finished():
        body = api.get(f"{IMPORTS}/{import_id}", token=token).json()
        if seen is not None:
            seen.append(body)
        return body if body["status"] in ("done", "refused", "failed") else None

    return eventually(finished, timeout, f"import {import_id} finished", every=0.02)


def imported(api, token, data, **form) -> dict:
    started = upload(api, token, data, **form)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    return wait_for(api, token, started.json()["id"])


def test_a_gbk_file_is_imported_by_the_job_queue_and_a_failed_sample_opens_a_case(
    api, owned_business, job_worker, mp_login, console_login
):
    business, owner, regulator = owned_business
    rows = [
        result_row("DC26320682000001", uscc=business["uscc"], item="铅(以Pb计)"),
        result_row(
            "DC26320682000001", uscc=business["uscc"], item="苯甲酸", value="0.9", verdict="不合格", standard="≤0.5"
        ),
        result_row("DC26320682000002", item="镉(以Cd计)", value="0.01mg/kg", unit=""),
    ]
    result = imported(api, regulator, result_csv(rows, "gbk", extra_headers=("内部编码",)))
    assert result["status"] == "done", result
    assert result["unknown_columns"] == ["内部编码"]
    assert result["summary"]["samples_created"] == 2 and result["summary"]["items_created"] == 3
    assert result["summary"]["unregistered_units"] == 1 and result["summary"]["cases_opened"] == 1
    assert result["progress"] == 1.0

    sample = api.get("/api/v1/console/samples/DC26320682000001", token=regulator).json()
    assert sample["verdict"] == "fail" and sample["business_id"] == business["id"] and sample["registered"]
    other = api.get("/api/v1/console/samples/DC26320682000002", token=regulator).json()
    assert other["items"][0]["number"] == 0.01 and other["items"][0]["unit"] == "mg/kg" and not other["registered"]

    cases = api.get("/api/v1/console/dispositions", token=regulator).json()
    assert [c["id"] for c in cases] == ["S-DC26320682000001"]
    assert cases[0]["failed_items"] == ["苯甲酸"] and cases[0]["status"] == "open"
    mine = api.get(f"/api/v1/mp/businesses/{business['id']}/dispositions", token=owner).json()
    assert [c["id"] for c in mine] == ["S-DC26320682000001"]
    stranger = mp_login()["access_token"]
    assert_error(
        api.get(f"/api/v1/mp/businesses/{business['id']}/dispositions/S-DC26320682000001", token=stranger), 404
    )
    elsewhere = api.get("/api/v1/console/dispositions", token=console_login("regulator", ("320100",))).json()
    assert elsewhere == []


@pytest.mark.redis_cluster
def test_reimport_creates_no_duplicates_and_an_overlapping_file_reports_its_changes(api, owned_business, job_worker):
    _business, _owner, regulator = owned_business
    rows = [result_row(f"DC263206820001{n:02d}", item=item) for n in range(5) for item in ("铅", "镉", "总汞")]
    first = imported(api, regulator, result_csv(rows))
    assert first["summary"]["samples_created"] == 5 and first["summary"]["items_created"] == 15
    again = imported(api, regulator, result_csv(rows))
    assert again["summary"]["samples_created"] == 0 and again["summary"]["items_unchanged"] == 15
    assert again["changes"] == []
    overlap = [
        result_row("DC26320682000100", item="铅", value="0.07"),  # changed
        result_row("DC26320682000100", item="苯并[a]芘"),  # added to an existing sample
        result_row("DC26320682000199", item="铅"),  # a new sample
        result_row("DC26320682000101", item="镉"),  # unchanged
    ]
    third = imported(api, regulator, result_csv(overlap))
    summary = third["summary"]
    assert (summary["samples_created"], summary["samples_changed"], summary["samples_unchanged"]) == (1, 1, 1)
    assert (summary["items_created"], summary["items_changed"], summary["items_unchanged"]) == (2, 1, 1)
    assert third["changes"] == [
        {
            "sampling_number": "DC26320682000100",
            "item": "铅",
            "before": {"value": "0.05", "verdict": "pass"},
            "after": {"value": "0.07", "verdict": "pass"},
        }
    ]
    listed = api.get("/api/v1/console/samples?per_page=100", token=regulator)
    assert json.loads(listed.headers["X-Pagination"])["total"] == 6
    sample = api.get("/api/v1/console/samples/DC26320682000100", token=regulator).json()
    assert sorted(i["item"] for i in sample["items"]) == ["总汞", "苯并[a]芘", "铅", "镉"]
    # the first file again puts the first value back (it is the newest import now)
    back = imported(api, regulator, result_csv(rows))
    assert back["summary"]["items_changed"] == 1


def test_whole_mode_refuses_a_file_with_bad_rows_and_partial_mode_imports_the_good_samples(
    api, owned_business, job_worker
):
    _business, _owner, regulator = owned_business
    rows = [
        result_row("DC26320682000201"),
        result_row("DC26320682000202", sampled_on="2099-01-01"),  # in the future
        result_row("DC26320682000203", value="0.05mg/kg", unit="g/kg"),  # the units disagree
        result_row("DC26320682000204", verdict="也许"),
        result_row("DC26320682000205", food_name='=HYPERLINK("http://x")'),  # a formula
        result_row("DC26320682000205", item="镉"),  # a good row of the same sample: skipped with it
    ]
    refused = imported(api, regulator, result_csv(rows))
    assert refused["status"] == "refused" and refused["message"].startswith("文件中有 4 处问题，未导入任何数据")
    problems = {(e["row"], e["column"]): e["reason"] for e in refused["errors"]}
    assert set(problems) == {(3, "sampled_on"), (4, "value"), (5, "verdict"), (6, "food_name")}
    assert problems[(3, "sampled_on")] == "晚于今天：2099-01-01"
    assert problems[(4, "value")] == "检测值的单位是 mg/kg，单位列却是 g/kg"
    # kept with the import in both languages: the reader's language is the one shown
    english = api.get(f"{IMPORTS}/{refused['id']}", token=regulator, headers={"Accept-Language": "en"}).json()
    assert english["message"].startswith("4 problems in the file; nothing was imported")
    assert {(e["row"], e["column"]): e["reason"] for e in english["errors"]}[(5, "verdict")] == (
        "not a verdict: 也许 (合格/不合格)"
    )
    assert api.get("/api/v1/console/samples", token=regulator).json() == []

    partial = imported(api, regulator, result_csv(rows), mode="partial")
    assert partial["status"] == "done"
    assert partial["summary"]["samples_created"] == 1 and partial["summary"]["samples_skipped"] == 4
    assert partial["error_count"] == 4
    listed = api.get("/api/v1/console/samples", token=regulator).json()
    assert [s["sampling_number"] for s in listed] == ["DC26320682000201"]


def test_files_that_cannot_be_read_are_refused_at_upload_with_the_reason(api, owned_business, job_worker):
    _business, _owner, regulator = owned_business
    body = assert_error(upload(api, regulator, b"\xff\xfe\xff\xff not text\n"), 422)
    assert body["message"] == "文件编码既不是 UTF-8，也不是 GBK/GB18030。"
    body = assert_error(upload(api, regulator, "抽样编号,食品名称\nA1,米\n".encode()), 422)
    assert body["message"].startswith("表头缺少必需的列：")
    english = api.post(
        IMPORTS,
        token=regulator,
        files={"file": ("results.csv", "抽样编号,食品名称\nA1,米\n".encode())},
        headers={"Accept-Language": "en"},
    )
    assert "lacks required columns" in assert_error(english, 422)["message"]
    # an image named .csv
    from tests.builders import jpeg_bytes

    assert_error(upload(api, regulator, jpeg_bytes(), filename="results.csv"), 415)
    # a sheet declaring a million rows is refused before it is read
    import zipfile

    book = io.BytesIO(result_xlsx([result_row("DC26320682000301")]))
    patched = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes the element with or without a space before "/>", by whether lxml is there
                data, replaced = re.subn(rb'<dimension ref="A1:R2"\s*/>', b'<dimension ref="A1:R1000000"/>', data)
                assert replaced == 1
            target.writestr(info, data)
    body = assert_error(upload(api, regulator, patched.getvalue(), filename="big.xlsx"), 422)
    assert "1000000 行" in body["message"]
    # a zip bomb: one part that inflates a thousandfold
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (50 * 1024 * 1024) + b"/>")
    body = assert_error(upload(api, regulator, bomb.getvalue(), filename="bomb.xlsx"), 422)
    assert "压缩炸弹" in body["message"]
    # no right to import
    citizen = api.post("/api/v1/mp/auth/login", json={"code": "code-sampling-citizen"}).json()["access_token"]
    assert_error(upload(api, citizen, result_csv([result_row("DC26320682000302")])), 403)
    assert_error(upload(api, None, result_csv([result_row("DC26320682000302")])), 401)


def test_an_xlsx_file_is_imported_and_its_formula_cells_are_reported_not_evaluated(api, owned_business, job_worker):
    _business, _owner, regulator = owned_business
    rows = [result_row("DC26320682000401"), result_row("DC26320682000402"), result_row("DC26320682000403")]
    data = result_xlsx(rows, cells={"H3": "=1+2", "C4": "2026-10-08"})  # H: food_name of the second row
    result = imported(api, regulator, data, filename="results.xlsx", mode="partial")
    assert result["status"] == "done" and result["summary"]["samples_created"] == 2
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "food_name")]
    assert result["errors"][0]["reason"] == "是公式（不计算公式，请粘贴数值）"


def test_progress_is_reported_while_the_job_runs(api, owned_business, job_worker):
    _business, _owner, regulator = owned_business
    rows = [result_row(f"DC2632068{n:07d}") for n in range(6000)]
    started = upload(api, regulator, result_csv(rows), mode="partial")
    assert started.status_code == 202
    seen: list[dict] = []
    final = wait_for(api, regulator, started.json()["id"], seen)
    assert final["status"] == "done" and final["summary"]["samples_created"] == 6000
    running = [b for b in seen if b["status"] == "running" and 0 < b["rows_done"] < 6000]
    assert running, [(b["status"], b["rows_done"]) for b in seen]
    assert all(0 < b["progress"] < 1 for b in running)
    assert running[0]["rows_total"] >= 6000


@pytest.fixture
def failed_sample(api, owned_business, job_worker):
    """A registered business with one failed sample (a chemical and a microbiological item failing)."""
    business, owner, regulator = owned_business
    rows = [
        result_row("DC26320682000501", uscc=business["uscc"], item="苯甲酸", value="0.9", verdict="不合格"),
        result_row(
            "DC26320682000501", uscc=business["uscc"], item="菌落总数", value="5000", unit="CFU/g", verdict="不合格"
        ),
        result_row("DC26320682000501", uscc=business["uscc"], item="铅"),
    ]
    result = imported(api, regulator, result_csv(rows))
    assert result["summary"]["cases_opened"] == 1
    return business, owner, regulator, result["id"]


CASE = "S-DC26320682000501"


def test_disposition_with_a_retest_that_passes_closes_with_no_violation(api, failed_sample, console_login):
    business, owner, regulator, _import_id = failed_sample
    listed = f"/api/v1/mp/businesses/{business['id']}/dispositions"
    assert [c["id"] for c in api.get(listed, token=owner, params={"status": "open"}).json()] == [CASE]
    assert api.get(listed, token=owner, params={"status": "closed"}).json() == []  # the filter filters
    mp = f"/api/v1/mp/businesses/{business['id']}/dispositions/{CASE}"
    case = api.get(mp, token=owner).json()
    assert case["failed_items"] == ["苯甲酸", "菌落总数"] and not case["microbiological_only"]
    acted = api.post(f"{mp}/actions", token=owner, json={"action": "stopped_sale", "note": "已下架封存同批次产品"})
    assert acted.status_code == 200 and acted.json()["actions"][0]["action_label"] == "停止销售"
    # microbiological items are never re-tested
    body = assert_error(api.post(f"{mp}/retest", token=owner, json={"items": ["菌落总数"], "reason": "异议"}), 422)
    assert "items" in body["errors"]
    requested = api.post(
        f"{mp}/retest", token=owner, json={"reason": "对苯甲酸结果有异议", "lab": "江苏省产品质量监督检验研究院"}
    )
    assert requested.status_code == 200, requested.text
    assert requested.json()["retest"]["items"] == ["苯甲酸"] and requested.json()["retest"]["status"] == "requested"
    assert_error(api.post(f"{mp}/retest", token=owner, json={"reason": "again"}), 422)  # one request per case

    console = f"/api/v1/console/dispositions/{CASE}"
    assert_error(api.post(f"{console}/close", token=regulator, json={"outcome": "warning", "note": "x"}), 409)
    assert api.post(f"{console}/retest-decision", token=regulator, json={"accept": True}).status_code == 200
    bad = api.post(f"{console}/retest-result", token=regulator, json={"verdicts": {"铅": "pass"}, "lab": "省院"})
    assert_error(bad, 422)
    result = api.post(f"{console}/retest-result", token=regulator, json={"verdicts": {"苯甲酸": "pass"}, "lab": "省院"})
    assert result.status_code == 200 and result.json()["retest"]["result_verdict"] == "pass"
    sample = api.get("/api/v1/console/samples/DC26320682000501", token=regulator).json()
    item = next(i for i in sample["items"] if i["item"] == "苯甲酸")
    assert item["retest_verdict"] == "pass" and sample["verdict"] == "fail"  # 菌落总数 still fails
    closed = api.post(f"{console}/close", token=regulator, json={"outcome": "warning", "note": "责令改正"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_error(api.post(f"{console}/close", token=regulator, json={"outcome": "warning", "note": "again"}), 409)
    assert_error(api.post(f"{mp}/actions", token=owner, json={"action": "fixed", "note": "late"}), 409)
    audit = api.get(
        f"/api/v1/console/audit?target_type=disposition_case&target_id={CASE}", token=console_login("admin", ())
    ).json()
    assert {"disposition_case.opened", "disposition_case.closed"} <= {e["action"] for e in audit}


def test_a_retest_cannot_be_requested_after_its_deadline(app, api, failed_sample):
    business, owner, _regulator, _import_id = failed_sample
    from backend.core.timeutil import utcnow
    from backend.sampling.models import DispositionCase

    with app.app_context():  # the notification was a while ago: the deadline has passed
        DispositionCase.objects(id=CASE).update_one(set__retest_request_by=utcnow() - timedelta(minutes=1))
    mp = f"/api/v1/mp/businesses/{business['id']}/dispositions/{CASE}"
    body = assert_error(api.post(f"{mp}/retest", token=owner, json={"reason": "太晚了"}), 422)
    assert body["message"].startswith("申请复检的期限已于") and body["error"] == "sampling.retest_not_allowed"


def test_announced_results_are_public_with_exports_and_on_the_card(api, failed_sample, job_worker):
    business, _owner, regulator, import_id = failed_sample
    public = "/api/v1/public/sampling-results"
    assert api.get(public).json() == []  # imported, not announced: nothing public
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert "test_results" not in card or not card["test_results"]
    extra = imported(api, regulator, result_csv([result_row("DC26320682000502", food_name="-辣条", spec="@100g")]))
    for batch, number in ((import_id, "2026年第12期"), (extra["id"], "2026年第13期")):
        made = api.post(
            "/api/v1/console/sampling/announcements",
            token=regulator,
            json={"number": number, "title": "食品安全抽检信息公告", "announced_on": "2026-11-20", "import_id": batch},
        )
        assert made.status_code == 201, made.text
    again = api.post(
        "/api/v1/console/sampling/announcements",
        token=regulator,
        json={"number": "x", "title": "x", "announced_on": "2026-11-20", "import_id": import_id},
    )
    assert_error(again, 422)  # already announced

    rows = api.get(f"{public}?city=320600&verdict=fail").json()
    assert len(rows) == 1 and rows[0]["failed_items"].startswith("苯甲酸‖0.9mg/kg‖≤0.2")
    assert rows[0]["announcement"] == "2026年第12期" and rows[0]["business_name"] == business["name"]
    assert api.get(f"{public}?city=320100").json() == []
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    recent = card["test_results"]["recent"]
    assert recent[0]["verdict"] == "fail" and recent[0]["disposition"] == "核查处置中"

    exported = api.get(f"{public}.csv?city=320600")
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["结果", "序号", "标称生产企业名称"]
    neutral = next(r for r in table if "'-辣条" in r)
    assert "'@100g" in neutral
    workbook = load_workbook(io.BytesIO(api.get(f"{public}.xlsx?city=320600").content))
    assert workbook.sheetnames == ["不合格产品信息", "合格产品信息"]
    passed = [[c.value for c in row] for row in workbook["合格产品信息"].iter_rows()]
    assert passed[0][0] == "序号" and "'-辣条" in passed[1]
    page = api.get("/sampling?city=320600")
    assert page.status_code == 200 and "不合格产品信息（1 批次）" in page.text and "苯甲酸" in page.text


def test_a_failed_rapid_test_opens_a_case_with_a_four_hour_retest_window(api, owned_business):
    business, owner, regulator = owned_business
    from backend.core.timeutil import utcnow

    tested_at = (utcnow() - timedelta(minutes=30)).isoformat()
    path = f"/api/v1/mp/businesses/{business['id']}/rapid-tests"
    body = {
        "food_name": "青菜",
        "item": "有机磷和氨基甲酸酯类农药残留",
        "verdict": "fail",
        "operator": "王检测",
        "tested_at": tested_at,
    }
    made = api.post(path, token=owner, json=body)
    assert made.status_code == 201, made.text
    case = api.get(f"/api/v1/mp/businesses/{business['id']}/dispositions/R-{made.json()['id']}", token=owner).json()
    window = datetime.fromisoformat(case["retest_request_by"]) - datetime.fromisoformat(tested_at)
    assert window == timedelta(hours=4)
    assert_error(api.post(path, token=owner, json={**body, "tested_at": "2099-01-01T00:00:00+08:00"}), 422)
    assert_error(api.post(path, token=owner, json={**body, "verdict": {"$ne": None}}), 422)
    assert [c["id"] for c in api.get("/api/v1/console/dispositions", token=regulator).json()] == [case["id"]]


def test_kpis_count_samples_per_thousand_residents_and_dispositions(api, failed_sample):
    _business, _owner, regulator, _import_id = failed_sample
    put = api.put(
        "/api/v1/console/sampling/residents",
        token=regulator,
        json={"district": "320682", "year": 2026, "residents": 1250, "source": "2025年统计公报"},
    )
    assert put.status_code == 200, put.text
    rows = api.get("/api/v1/console/sampling/kpis?period=2026&district=320682", token=regulator).json()
    report = {row["code"]: row for row in rows}
    per_thousand = report["sampling.per_thousand_residents"]
    assert (per_thousand["value"], per_thousand["numerator"], per_thousand["denominator"]) == (0.8, 1, 1250)
    assert report["sampling.pass_rate"]["value"] == 0.0
    completion = report["sampling.disposition_completion"]
    assert (completion["numerator"], completion["denominator"], completion["value"]) == (0, 1, 0.0)
    exported = api.get("/api/v1/console/sampling/kpis.csv?period=2026", token=regulator)
    assert (
        exported.status_code == 200
        and "320682" in exported.text
        and "每千人抽检批次" in exported.content.decode("utf-8-sig")
    )
    assert_error(
        api.put(
            "/api/v1/console/sampling/residents",
            token=regulator,
            json={"district": "320100", "year": 2026, "residents": 5},
        ),
        403,
    )


def test_a_reimport_that_corrects_an_announced_result_republishes_the_card(api, failed_sample, job_worker):
    business, _owner, regulator, import_id = failed_sample
    made = api.post(
        "/api/v1/console/sampling/announcements",
        token=regulator,
        json={
            "number": "2026年第14期",
            "title": "食品安全抽检信息公告",
            "announced_on": "2026-11-20",
            "import_id": import_id,
        },
    )
    assert made.status_code == 201, made.text
    card = f"/api/v1/public/businesses/{business['public_code']}"
    assert api.get(card).json()["test_results"]["recent"][0]["verdict"] == "fail"
    corrected = [
        result_row("DC26320682000501", uscc=business["uscc"], item="苯甲酸", value="0.1"),
        result_row("DC26320682000501", uscc=business["uscc"], item="菌落总数", value="50", unit="CFU/g"),
        result_row("DC26320682000501", uscc=business["uscc"], item="铅"),
    ]
    assert imported(api, regulator, result_csv(corrected))["summary"]["items_changed"] == 2
    assert api.get(card).json()["test_results"]["recent"][0]["verdict"] == "pass"  # was stale: "fail"


def test_a_failed_sample_weighs_on_the_risk_grade_when_it_is_imported(app, failed_sample):
    """Every input the risk rules name takes effect when it changes: here a failed sample (weight 10)."""
    from bson import ObjectId

    from backend.inspections.models import RiskGrade

    business, _owner, _regulator, _import_id = failed_sample
    with app.app_context():
        grade = RiskGrade.objects(id=ObjectId(business["id"])).first()
    assert grade is not None and grade.inputs["failed_sample"] == 1
