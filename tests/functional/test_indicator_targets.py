"""Indicators against their targets over HTTP: the catalogue, one indicator per district with its target,
met and trend, targets an admin sets, and the public subset with nothing private."""

import json

from backend.core.timeutil import today_shanghai
from tests.support import assert_error


def quarter() -> str:
    today = today_shanghai()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def test_an_indicator_against_its_target_and_the_public_subset(api, owned_business, console_login):
    business, _owner, regulator = owned_business
    catalogue = api.get("/api/v1/console/indicator-catalogue", token=regulator).json()
    reply = next(item for item in catalogue if item["code"] == "complaints.reply_rate")
    assert reply["default_target"] == 1.0 and reply["public"] is True and "100%" in reply["clause"]

    rows = api.get(
        "/api/v1/console/indicators/enforcement.cases_filed", token=regulator, params={"period": quarter()}
    ).json()
    (row,) = rows
    assert (row["district_code"], row["value"], row["target"], row["met"]) == ("320682", 0, None, None)
    simplified = {"business_id": business["id"], "violation": "未公示健康证明", "penalties": [{"kind": "warning"}]}
    api.post("/api/v1/console/cases/simplified", token=regulator, json=simplified)
    (row,) = api.get(
        "/api/v1/console/indicators/enforcement.disclosed_in_time", token=regulator, params={"period": quarter()}
    ).json()
    assert (row["value"], row["target"], row["met"]) == (1.0, 1.0, True)
    assert row["previous"] is None and row["trend"] is None  # nothing counted the quarter before: no trend

    admin = console_login("admin", ())
    target = {
        "code": "enforcement.disclosed_in_time",
        "district_code": "320682",
        "value": 0.9,
        "reason": "如皋年度目标",
    }
    assert api.put("/api/v1/console/targets", token=admin, json=target).status_code == 200
    (row,) = api.get(
        "/api/v1/console/indicators/enforcement.disclosed_in_time", token=regulator, params={"period": quarter()}
    ).json()
    assert row["target"] == 0.9
    assert_error(api.put("/api/v1/console/targets", token=regulator, json=target), 403)
    assert (
        "value"
        in assert_error(api.put("/api/v1/console/targets", token=admin, json={**target, "value": 90}), 422)["errors"]
    )
    assert (
        "value"
        in assert_error(api.put("/api/v1/console/targets", token=admin, json={**target, "value": {"$ne": None}}), 422)[
            "errors"
        ]
    )
    (kept,) = api.get(
        "/api/v1/console/targets", token=regulator, params={"code": "enforcement.disclosed_in_time"}
    ).json()
    assert kept["history"][0]["reason"] == "如皋年度目标"

    assert_error(api.get("/api/v1/console/indicators/no.such", token=regulator), 404)
    page = api.get("/api/v1/console/indicators", token=regulator, params={"per_page": 5, "page": 2})
    assert len(page.json()) == 5 and json.loads(page.headers["X-Pagination"])["total"] > 50
    assert_error(api.get("/api/v1/console/indicators", token=regulator, params={"per_page": 5000}), 422)
    assert_error(
        api.get("/api/v1/console/indicators/complaints.reply_rate", token=regulator, params={"district": "310112"}), 404
    )
    future = f"{today_shanghai().year + 1}-Q1"
    assert (
        "period"
        in assert_error(
            api.get("/api/v1/console/indicators/complaints.reply_rate", token=regulator, params={"period": future}), 422
        )["errors"]
    )

    published = api.get("/api/v1/public/indicators", params={"district": "320682", "period": quarter()})
    assert published.status_code == 200
    codes = {row["code"] for row in published.json()}
    assert codes == {
        "complaints.reply_rate",
        "complaints.on_time_closure_rate",
        "sampling.pass_rate",
        "sampling.results_disclosed",
        "enforcement.disclosed_in_time",
    }
    assert business["name"] not in published.text
    assert_error(api.get("/api/v1/public/indicators", params={"period": quarter()}), 422)  # one district
