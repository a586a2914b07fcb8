"""包保 rules as tables, the quarter's tasks on a calendar with an injected clock, and what completing
a task needs."""

from datetime import date

import pytest

from backend.core.indicators import Period
from backend.core.principal import OFFICE, OFFICIAL, Principal
from backend.supervision import services
from backend.supervision.errors import AlreadyDone, OfficialNotFound
from tests.builders import approved, citizen, jpeg_bytes


@pytest.fixture(autouse=True)
def in_december_2026(monkeypatch):
    """The services' clock, injected: the tests name 2026's quarters, and must pass in any year."""
    monkeypatch.setattr(services, "today_shanghai", lambda: date(2026, 12, 7))


@pytest.mark.parametrize(
    ("kind", "scale", "risk", "levels"),
    [
        ("restaurant_small", None, None, ["village", "grid"]),
        ("restaurant_small", "small", "D", ["city", "town", "village", "grid"]),  # risk brings the leaders in
        ("school_canteen", "medium", "A", ["city", "town", "village", "grid"]),
        ("restaurant_large", "large", "B", ["city", "town", "village"]),
        ("wholesaler", "medium", None, ["town", "village"]),
    ],
)
def test_which_levels_may_take_a_business(kind, scale, risk, levels):
    assert services.eligible_levels(kind, scale, risk) == levels


def test_the_rules_are_data_a_city_may_change():
    strict = {
        "levels": {"city": {"kind": ["restaurant_small"]}},
        "tasks_per_quarter": {"A": 2},
        "on_site_required": ["A"],
    }
    assert services.eligible_levels("restaurant_small", None, None, strict) == ["city"]
    assert services.tasks_per_quarter("A", strict) == (2, True)
    assert services.tasks_per_quarter(None) == (1, False) and services.tasks_per_quarter("D") == (3, True)
    assert services.tasks_per_quarter("C") == (2, False)  # 较高风险: more often; 高风险 (D): in person too


@pytest.mark.parametrize(
    ("count", "days"),
    [
        (1, [date(2026, 12, 31)]),
        (2, [date(2026, 11, 15), date(2026, 12, 31)]),
        (3, [date(2026, 10, 30), date(2026, 11, 30), date(2026, 12, 31)]),
    ],
)
def test_a_quarters_tasks_are_due_across_it(count, days):
    assert services._due_days(Period.parse("2026-Q4"), count) == days


def _paired(risk: str | None = None):
    """An approved restaurant, a bound official of Rugao paired with it (and its risk grade, if any)."""
    from backend.accounts.models import User
    from backend.inspections.models import RiskGrade

    office_user = User(role=OFFICE, username=f"office{id(object())}", districts=["320682"]).save()
    office = Principal(user_id=str(office_user.id), role=OFFICE, districts=("320682",))
    business = approved()
    if risk:
        RiskGrade(
            id=business.id, district_scopes=business.district_scopes, level=risk, score=70, since=date(2026, 1, 1)
        ).save()
    official, code = services.create_official(
        office,
        {
            "name": "陈建军",
            "level": "town" if risk else "village",
            "organisation": "如城街道",
            "district_code": "320682",
        },
    )
    person = citizen()
    services.bind_official(person.user_id, code)
    services.assign(office, {"official_id": str(official.id), "business_id": str(business.id)})
    return business, Principal(user_id=person.user_id, role=OFFICIAL), office


def _results():
    return [{"item": item["code"], "result": "passed"} for item in services.checklist()["items"]]


def test_a_high_risk_business_gets_three_tasks_on_site(app_context):
    business, official, _office = _paired(risk="D")
    assert services.generate_tasks("2026-Q4") == 3
    assert services.generate_tasks("2026-Q4") == 0  # run again: nothing new
    tasks = list(services.tasks_for(official, quarter="2026-Q4"))
    assert [t.due_on for t in tasks] == [date(2026, 10, 30), date(2026, 11, 30), date(2026, 12, 31)]
    first = tasks[0]
    with pytest.raises(Exception) as refused:
        services.complete_task(official, first.id, {"mode": "remote", "results": _results()})
    assert "mode" in refused.value.errors
    services.add_photo(official, first.id, jpeg_bytes())
    done = services.complete_task(
        official, first.id, {"mode": "on_site", "results": _results(), "latitude": 32.39, "longitude": 120.57}
    )
    assert done.status == "done" and len(done.photos) == 1 and done.latitude == 32.39


def test_a_past_quarters_task_is_recorded_only_within_the_backfill_window(app_context, monkeypatch):
    _business, official, _office = _paired()
    services.generate_tasks("2026-Q3")
    (task,) = services.tasks_for(official, quarter="2026-Q3")
    window = services.context.settings().SUPERVISION_BACKFILL_DAYS
    monkeypatch.setattr(services, "today_shanghai", lambda: date(2026, 9, 30) + services.timedelta(days=window + 1))
    with pytest.raises(AlreadyDone):
        services.complete_task(official, task.id, {"mode": "remote", "results": _results()})
    monkeypatch.setattr(services, "today_shanghai", lambda: date(2026, 9, 30) + services.timedelta(days=window))
    assert services.complete_task(official, task.id, {"mode": "remote", "results": _results()}).status == "done"


def test_a_changed_pledge_text_is_signed_again(app_context, monkeypatch):
    _business, official, _office = _paired()
    (entry,) = services.pledges_to_sign(official.user_id)
    sign = {
        "kind": "official",
        "subject_id": str(entry["subject_id"]),
        "signed_name": "陈建军",
        "text_version": entry["text"]["version"],
        "text_sha256": entry["text"]["sha256"],
    }
    services.sign_pledge(official.user_id, sign, "test")
    assert services.pledges_to_sign(official.user_id)[0]["signed"] is not None
    texts = services.pledge_texts()
    changed = {
        **texts,
        "official": {**texts["official"], "version": 2, "text": texts["official"]["text"] + "\n六、新增条款。"},
    }
    monkeypatch.setattr(services, "pledge_texts", lambda: changed)
    (again,) = services.pledges_to_sign(official.user_id)
    assert again["signed"] is None and again["text"]["version"] == 2
    with pytest.raises(AlreadyDone):  # the old text's hash no longer signs
        services.sign_pledge(official.user_id, sign, "test")
    signed = services.sign_pledge(
        official.user_id, {**sign, "text_version": 2, "text_sha256": again["text"]["sha256"]}, "test"
    )
    assert signed.text_version == 2


def test_a_remote_visit_sees_the_cameras_blurred_and_keeps_a_frame_as_captured(app_context):
    import hashlib
    import time

    from backend.blobs.store import blob_store
    from backend.cameras import services as cameras
    from backend.cameras import snapshots
    from backend.cameras.models import Camera

    business, official, _office = _paired()
    camera = Camera(
        business_id=business.id,
        district_scopes=business.district_scopes,
        name="后厨",
        area="cooking",
        stream_url="rtsp://x/1",
    ).save()
    full, blurred = jpeg_bytes((10, 200, 10)), jpeg_bytes((200, 10, 10))
    meta = {"captured_at": time.time(), "status": "online", "activity": 0.3, "phash": None, "worker": "t"}
    snapshots.store(cameras.binary_redis(), camera.id, public_jpeg=blurred, full_jpeg=full, meta=meta)
    overview = services.business_overview(official, business.id)
    assert [(c["name"], c["status"], c["has_snapshot"]) for c in overview["cameras"]] == [("后厨", "online", True)]
    assert services.snapshot(official, business.id, camera.id) == blurred  # an official sees faces blurred
    services.generate_tasks("2026-Q4")
    (task,) = services.tasks_for(official, quarter="2026-Q4")
    kept = services.capture_for_task(official, task.id, camera.id)
    assert kept.captures == [hashlib.sha256(full).hexdigest()] and blob_store().get(kept.captures[0]) == full
    stranger = approved()
    with pytest.raises(OfficialNotFound):  # not among the official's: 404
        services.business_overview(official, stranger.id)


def test_officials_are_reminded_of_a_task_due_and_overdue_once_each(app_context, wechat, monkeypatch, capsys):
    import json

    from backend.core import context
    from backend.supervision.__main__ import main

    _business, official, _office = _paired()
    runtime = context.current()
    monkeypatch.setattr(context, "from_environment", lambda: runtime)  # the command on the test's stores
    monkeypatch.setattr(services, "today_shanghai", lambda: date(2026, 12, 1))
    assert main(["sweep"]) == 0
    assert json.loads(capsys.readouterr().out) == {"tasks_created": 1, "reminders_sent": 0}  # due 12-31: not yet
    assert services.remind_officials(date(2026, 12, 26)) == 1
    assert services.remind_officials(date(2026, 12, 27)) == 0  # told once
    assert services.remind_officials(date(2027, 1, 2)) == 1  # and once more when overdue
    due, overdue = wechat.messages
    assert due["template_id"] == "sfs-supervision-due" and due["data"]["date2"]["value"] == "2026-12-31"
    assert "逾期" in overdue["data"]["thing3"]["value"]


def test_an_import_job_reports_progress_and_run_twice_pairs_nothing_twice(app_context, monkeypatch):
    from backend.supervision import imports
    from backend.supervision.models import Assignment, AssignmentImport

    business, _official, office = _paired()
    official, _code = services.create_official(
        office,
        {
            "name": "许春燕",
            "level": "village",
            "organisation": "海阳社区",
            "district_code": "320682",
            "phone": "13900000077",
        },
    )
    monkeypatch.setattr(imports, "enqueue", lambda *args, **kwargs: None)  # the test runs the job itself
    data = f"统一社会信用代码,包保干部手机号\n{business.uscc},13900000077\n".encode()
    record = imports.start_import(office, data, "pairs.csv")
    seen = []
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(imports, "_progress", lambda record, phase, done: seen.append((phase, done)))
    assert imports.run_import(str(record.id)) == {"status": "done", "rows": 1, "paired": 1}
    assert seen == [("checking", 1), ("pairing", 1)]
    assert imports.run_import(str(record.id)) == {"status": "done"}  # a retried job changes nothing
    assert Assignment.objects(business_id=business.id, current=True).get().official_id == official.id
    assert AssignmentImport.objects.get(id=record.id).rows_done == 1


def test_the_indicators_on_a_small_generated_district(app_context, monkeypatch):
    from backend.supervision import kpis

    monkeypatch.setattr(kpis, "today_shanghai", lambda: date(2026, 12, 7))  # the clock, injected

    business, official, office = _paired()
    for _ in range(2):  # two more businesses paired with the same official, two left alone
        services.assign(
            office, {"official_id": str(services.official_of(official.user_id).id), "business_id": str(approved().id)}
        )
    approved(), approved()
    services.generate_tasks("2026-Q4")
    tasks = list(services.tasks_for(official, quarter="2026-Q4"))
    for task in tasks[:2]:
        services.complete_task(official, task.id, {"mode": "remote", "results": _results()})
    rows = kpis.indicators(office, districts=("320682",), period=Period.parse("2026-Q4"), sector=None)
    value = {row.code: row for row in rows}
    done = value["supervision.quarterly_completion"]
    assert (done.numerator, done.denominator) == (2, 2)  # the third is not due yet (2026-12-31)
    assert value["supervision.remote_share"].value == 1
    assert value["supervision.unassigned_businesses"].value == 2
    assert (
        value["supervision.business_pledge_rate"].numerator,
        value["supervision.business_pledge_rate"].denominator,
    ) == (0, 3)
    assert value["supervision.quarterly_completion.village"].denominator == 2


@pytest.mark.parametrize("count", [2, 12])
def test_an_import_reads_the_businesses_profiles_in_a_fixed_number_of_queries(app_context, mongo_commands, count):
    _business, official, office = _paired()
    from backend.supervision.models import Official

    bound = services.official_of(official.user_id)
    Official.objects(id=bound.id).update_one(set__phone="13900000088")
    rows = [(index + 2, {"uscc": approved().uscc, "phone": "13900000088"}) for index in range(count)]
    mongo_commands.calls.clear()
    services.import_assignments(office, rows)
    reads = [call for call in mongo_commands.calls if call.split(".")[0] in ("safety_profiles", "risk_grades")]
    assert len(reads) == 2, reads  # one for the scales, one for the risk grades, however many rows
