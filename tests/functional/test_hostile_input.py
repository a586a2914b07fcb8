"""Input a hostile or careless client sends: every channel answers 400/413/422, never 500, and a
refused request spends neither a tracking number nor the submitter's rate limit."""

import pytest
import requests

from backend.core.schemas import MAX_ERRORS_SHOWN
from tests.builders import report_body, restaurant_body
from tests.support import LiveServer, assert_error

JSON = {"Content-Type": "application/json"}
REPORT = report_body()


@pytest.mark.parametrize(
    "path,raw",
    [
        ("/api/v1/auth/token", '{"username": "ab\\ud800c", "password": "x\\udfffyz1234"}'),
        ("/api/v1/mp/auth/login", '{"code": "\\udc00"}'),
        (
            "/api/v1/public/complaints",
            '{"kind": "report", "category": "hygiene", "description": "\\ud83d 老鼠出没",'
            ' "business_name": "a", "business_address": "b", "district_code": "320682"}',
        ),
    ],
)
def test_unpaired_surrogates_are_400(api, path, raw):
    body = assert_error(api.post(path, data=raw.encode(), headers=JSON), 400)
    assert "Unicode" in body["message"]


def test_paired_surrogates_are_just_text(api):
    created = api.post(
        "/api/v1/public/complaints",
        data=(
            '{"kind": "report", "category": "hygiene", "description": "\\ud83d\\udc00 老鼠出没", "business_name": "a",'
            ' "business_address": "b", "district_code": "320682"}'
        ).encode(),
        headers=JSON,
    )
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z"])
def test_times_at_the_edges_of_the_calendar_are_422(api, moment):
    assert_error(api.post("/api/v1/public/complaints", json={**REPORT, "occurred_at": moment}), 422)


def test_dates_at_the_edges_in_queries_and_bodies(api, console_login, mp_login):
    regulator = console_login("regulator", ("320682",))
    kpis = api.get("/api/v1/console/complaints/kpis", token=regulator, params={"period": "0001-01-01..9999-12-31"})
    assert_error(kpis, 422)
    open311 = api.get("/open311/v2/requests.json", params={"start_date": "0001-01-01T00:00:00+14:00"})
    assert open311.status_code == 400 and isinstance(open311.json(), list)
    owner = mp_login()["access_token"]
    licence = {**restaurant_body()["licence"], "expires_on": "9999-12-31"}
    assert_error(api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body(licence=licence)), 422)


def test_the_form_and_open311_refuse_what_the_model_would(api):
    form = {**REPORT, "business_name": "很长的名字" * 30}
    refused = api.post("/complaints/new", data=form)
    assert refused.status_code == 422 and "很长的名字" in refused.text  # what was typed is kept
    long_name = api.post(
        "/open311/v2/requests.json",
        data={
            "service_code": "complaint.hygiene",
            "description": "后厨老鼠出没",
            "first_name": "A" * 16,  # "First Last": 33 characters, one more than the model keeps
            "last_name": "B" * 16,
            "phone": "13812345678",
            "attribute[complainant_address]": "海阳路1号",
            "attribute[claim]": "退款",
            "attribute[business_name]": "某店",
            "address_string": "海阳路12号",
            "attribute[district_code]": "320682",
        },
    )
    assert long_name.status_code == 400 and "name" in long_name.json()[0]["description"]


def test_whitespace_is_not_a_name_or_a_description(api, mp_login):
    owner = mp_login()["access_token"]
    body = assert_error(api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body(name="   ")), 422)
    assert "name" in body["errors"]
    body = assert_error(api.post("/api/v1/public/complaints", json={**REPORT, "description": " \t   \n  "}), 422)
    assert "description" in body["errors"]


def test_a_huge_json_body_is_413_and_error_lists_are_capped(api):
    huge = "{" + ",".join(f'"k{i}": 0' for i in range(100_000)) + "}"
    assert_error(api.post("/api/v1/auth/token", data=huge, headers=JSON), 413)
    many = {f"unknown{i}": 0 for i in range(200)}
    body = assert_error(api.post("/api/v1/auth/token", json={"username": "abc", "password": "x" * 12, **many}), 422)
    assert len(body["errors"]) == MAX_ERRORS_SHOWN + 1 and "_more" in body["errors"]


def test_a_refused_submission_spends_no_number_and_no_rate_limit(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "COMPLAINT_RATE_LIMIT": "2/hour"}))
    try:

        def submit(**changes):
            return requests.post(
                f"{server.url}/api/v1/public/complaints",
                json={**REPORT, **changes},
                timeout=15,
                headers={"X-Forwarded-For": "198.51.100.23"},
            )

        for bad in ({"district_code": "999999"}, {"kind": "complaint"}, {"district_code": "城关区"}):
            assert_error(submit(**bad), 422)
        first = submit()
        assert first.status_code == 201, first.text
        assert_error(submit(), 409)  # the same again: a duplicate takes no number either
        second = submit(description="另一件事：后厨污水横流")
        assert second.status_code == 201, second.text
        assert int(second.json()["number"][-6:]) == int(first.json()["number"][-6:]) + 1
        assert submit(description="第三件事：餐具未消毒").status_code == 429  # two submissions were counted, no more
    finally:
        server.stop()


def test_pages_cannot_be_framed(api, approved_business):
    business, _ = approved_business
    for path in (f"/q/{business['public_code']}", "/complaints/new", "/api/v1/auth/me", "/api/docs"):
        response = api.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_public_pages_forms_open311_and_logins_are_rate_limited(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "PUBLIC_RATE_LIMIT": "2/minute"}))
    try:
        for index, (method, path, kwargs) in enumerate(
            [
                ("GET", "/complaints/new", {}),
                ("GET", "/complaints/TS20260101000001?key=x", {}),
                ("GET", "/open311/v2/requests.json", {}),
                ("GET", "/open311/v2/services.json", {}),
                ("POST", "/api/v1/mp/auth/login", {"json": {"code": "c"}}),
                ("POST", "/api/v1/auth/token", {"json": {"username": "nobody", "password": "x" * 12}}),
            ]
        ):
            headers = {"X-Forwarded-For": f"198.51.100.{100 + index}"}
            statuses = [
                requests.request(method, server.url + path, headers=headers, timeout=15, **kwargs).status_code
                for _ in range(3)
            ]
            assert statuses[2] == 429 and 429 not in statuses[:2], (path, statuses)
    finally:
        server.stop()


def test_a_filter_that_does_not_exist_is_refused_not_ignored(api, owned_business):
    """Unknown query parameters are 422 naming them, whether the operation declares others or none."""
    business, owner, regulator = owned_business
    undeclared = assert_error(api.get("/api/v1/mp/businesses/mine", token=owner, params={"kind": "x"}), 422)
    assert list(undeclared["errors"]) == ["kind"] and undeclared["errors"]["kind"] == ["不认识的字段。"]
    cases = f"/api/v1/mp/businesses/{business['id']}/dispositions"
    assert "state" in assert_error(api.get(cases, token=owner, params={"state": "open"}), 422)["errors"]
    assert api.get(cases, token=owner, params={"page": 1, "status": "open"}).status_code == 200  # declared ones work
    card = f"/api/v1/public/businesses/{business['public_code']}"
    assert_error(api.get(card, params={"grade": "A"}), 422)
    assert api.get(f"/q/{business['public_code']}", params={"utm_source": "poster"}).status_code == 200  # pages
