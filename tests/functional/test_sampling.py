"""Sampling through HTTP: result files imported by the job queue (RQ on a real Redis, the in-process
worker the embedded default runs), disposition of failed samples with re-tests, rapid tests, public
disclosure and its exports, KPIs."""

from __future__ import annotations

import json
import time

import pytest

from backend.core.jobs import InProcessWorker
from tests.builders import result_csv, result_row
from tests.support import assert_error

IMPORTS = "/api/v1/console/sampling/imports"


@pytest.fixture
def job_worker(app):
    worker = InProcessWorker(app.extensions["sfs.runtime"], poll=0.05).start()
    yield worker
    worker.stop()


def upload(api, token, data: bytes, filename="results.csv", **form):
    return api.post(IMPORTS, token=token, files={"file": (filename, data)}, data=form)


def wait_for(api, token, import_id, seen: list | None = None, timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.get(f"{IMPORTS}/{import_id}", token=token).json()
        if seen is not None:
            seen.append(body)
        if body["status"] in ("done", "refused", "failed"):
            return body
        time.sleep(0.02)
    raise AssertionError(f"import {import_id} did not finish: {body}")


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
