"""The demo data that `./scripts/run` seeds: what it makes, and that starting again is safe."""

from collections import Counter


def seeded_app(config):
    from backend.app import create_api_app

    return create_api_app({**config, "SEED_DEMO": True})


def test_demo_has_logins_public_businesses_and_complaints_in_every_state(config):
    from backend.complaints.models import Complaint
    from backend.core.timeutil import utcnow
    from backend.demo.registry_seed import demo_public_urls
    from backend.demo.seed import DEMO_PASSWORD

    app = seeded_app(config)
    with app.app_context():
        assert demo_public_urls("http://x")
        states = Counter(complaint.status for complaint in Complaint.objects)
        assert len(states) >= 4
        assert Complaint.objects.overdue(utcnow().date()).count() >= 1
    token = app.test_client().post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD})
    assert token.status_code == 200


def test_seeding_again_changes_nothing(config):
    from backend.complaints.models import Complaint
    from backend.demo.seed import seed_demo
    from backend.registry.models import Business

    app = seeded_app(config)
    with app.app_context():
        before = (Business.objects.count(), Complaint.objects.count())
        seed_demo()
        assert (Business.objects.count(), Complaint.objects.count()) == before


def test_a_restart_with_a_fresh_embedded_mongodb_and_the_old_redis_seeds_again(config):
    """REDIS_URL set but MONGODB_URI not: Redis keeps the duplicate claims of the first run."""
    from backend.complaints.models import Complaint

    seeded_app(config)
    again = seeded_app(config)  # a new embedded MongoDB, the same Redis
    with again.app_context():
        assert Complaint.objects.count() >= 5


def test_demo_seeds_beside_a_bootstrap_admin_of_the_same_name(config):
    """SEED_DEMO with BOOTSTRAP_ADMIN_USERNAME=admin: the bootstrap admin stays, the rest is seeded."""
    from backend.accounts.models import User
    from backend.app import create_api_app
    from backend.demo.seed import CONSOLE_USERS

    app = create_api_app(
        {
            **config,
            "SEED_DEMO": True,
            "BOOTSTRAP_ADMIN_USERNAME": "admin",
            "BOOTSTRAP_ADMIN_PASSWORD": "bootstrap-admin-password",
        }
    )
    with app.app_context():
        assert {login.username for login in CONSOLE_USERS} <= {u.username for u in User.objects if u.username}
    signed_in = app.test_client().post(
        "/api/v1/auth/token", json={"username": "admin", "password": "bootstrap-admin-password"}
    )
    assert signed_in.status_code == 200


def test_demo_has_staff_with_every_kind_of_certificate_and_a_month_of_routine(config):
    from backend.routine.models import DailyCheck, MonthlyReport, WeeklyReport
    from backend.staff import services as staff
    from backend.staff.models import StaffMember

    app = seeded_app(config)
    with app.app_context():
        from backend.core.timeutil import today_shanghai

        businesses = StaffMember.objects.distinct("business_id")
        statuses = staff.handler_statuses(businesses, today_shanghai())
        assert any(not s.may_handle_food for s in statuses)  # an expired certificate
        assert any(s.valid_until and (s.valid_until - today_shanghai()).days <= 30 for s in statuses)  # expiring
        assert any(s.valid_until and (s.valid_until - today_shanghai()).days > 30 for s in statuses)
        assert StaffMember.objects(safety_roles="director").count() >= 1
        assert (
            DailyCheck.objects.count() >= 50
            and WeeklyReport.objects.count() >= 1
            and MonthlyReport.objects.count() >= 1
        )
        assert any(check.problems for check in DailyCheck.objects)


def test_demo_has_every_colour_open_and_accepted_fixes_and_a_draw(config):
    import json

    from backend.inspections.models import AnnualGrade, RandomDraw, Rectification, RiskGrade
    from backend.public_card import services as cards
    from backend.registry.models import Business

    app = seeded_app(config)
    with app.app_context():
        assert {g.level for g in AnnualGrade.objects} == {"A", "B", "C"}
        assert {r.status for r in Rectification.objects} >= {"open", "accepted"}
        assert len({g.level for g in RiskGrade.objects}) >= 3 and RandomDraw.objects.count() == 1
        colours = {
            json.loads(cards.get(b.public_code).json)["grade"]["colour"] for b in Business.objects(public_code__ne=None)
        }
        assert {"green", "yellow", "red"} <= colours


def test_demo_has_an_imported_file_cases_in_progress_and_closed_and_an_announced_batch(config):
    from backend.demo.sampling_seed import SAMPLES
    from backend.registry.models import Business
    from backend.sampling.models import CLOSED, FAIL, OPEN, PASS, DispositionCase, Sample, SamplingImport

    app = seeded_app(config)
    with app.app_context():
        (record,) = SamplingImport.objects
        assert record.status == "done"
        samples = list(Sample.objects)
        assert len(samples) == len(SAMPLES)
        assert all(sample.announcement_id for sample in samples)
        assert {sample.verdict for sample in samples} == {PASS, FAIL}
        cases = {case.status: case for case in DispositionCase.objects}
        assert set(cases) == {OPEN, CLOSED}
        assert len(cases[OPEN].actions) == 2 and cases[CLOSED].outcome == "warning"
        farm = Business.objects(name="如皋市长江镇绿源蔬菜种植基地").first()
        card = app.test_client().get(f"/api/v1/public/businesses/{farm.public_code}").get_json()
        dispositions = {result["disposition"] for result in card["test_results"]["recent"]}
        assert dispositions == {None, "核查处置中", "已处置（责令改正/警告）"}


def test_demo_has_a_traced_chain_from_farm_to_canteen_and_household(config):
    from backend.demo.trace_seed import demo_trace_urls
    from backend.purchasing.models import RECEIVED, SHIPPED, Order
    from backend.trace.models import Lot

    app = seeded_app(config)
    with app.app_context():
        assert sorted(order.status for order in Order.objects) == [RECEIVED, RECEIVED, SHIPPED]
        assert Lot.objects(buyer_business_id=None).count() == 1
        urls = demo_trace_urls("http://x")
        assert len(urls) == 2
    code = urls[0][1].rsplit("/", 1)[1]
    public = app.test_client().get(f"/api/v1/public/trace/{code}").get_json()
    assert public["certificate"]["producer"] == "顾长春" and public["sources"]
    # the canteen's lot merges two of the farm's lots: two source lines told apart by their lot codes
    merged = next(url for label, url in urls if "食堂" in label).rsplit("/", 1)[1]
    sources = app.test_client().get(f"/api/v1/public/trace/{merged}").get_json()["sources"]
    assert sorted(source["lot_code"] for source in sources) == ["LY-JC-A", "LY-JC-B"]


def test_demo_codes_and_query_keys_are_the_same_on_every_start(config):
    from backend.complaints.models import Complaint
    from backend.registry.models import Business
    from backend.trace.models import Lot

    def seeded():
        app = seeded_app(config)
        with app.app_context():
            codes = sorted(b.public_code for b in Business.objects if b.public_code)
            codes += sorted(lot.trace_code for lot in Lot.objects)
            numbers = sorted(c.query_key_hash for c in Complaint.objects)
        return codes, numbers, app.extensions["sfs.demo"]["complaints"]

    first_codes, first_keys, first = seeded()
    again_codes, again_keys, again = seeded()  # a new embedded store: everything seeded anew
    assert first_codes == again_codes and len(first_codes) >= 4
    assert first_keys == again_keys
    assert {k: v.query_key for k, v in first.items()} == {k: v.query_key for k, v in again.items()}


def test_demo_businesses_are_placed_so_near_me_finds_them(config):
    from backend.app import create_app

    client = create_app({**config, "SEED_DEMO": True}).test_client()
    near = client.get("/api/v1/public/businesses", query_string={"near": "32.3800,120.5700", "radius_km": 5})
    assert [entry["name"] for entry in near.get_json()] == ["如皋老张面馆"]
    page = client.get("/search", query_string={"near": "32.3800,120.5700", "radius_km": "5"})
    assert "如皋老张面馆" in page.get_data(as_text=True)


def test_demo_has_leads_cases_at_each_step_a_disclosure_and_a_ban(config, tmp_path):
    from backend.enforcement.models import Case, CreditRepair, DishonestListing, Lead
    from backend.staff.models import BannedPerson

    app = seeded_app({**config, "CAMERA_FILE_DIR": str(tmp_path)})
    with app.app_context():
        assert {c.status for c in Case.objects} >= {"filed", "notified", "decided", "delivered", "closed"}
        # a capture became a lead (the canteen's inspection raised one too), and two were answered
        assert {lead.source_kind for lead in Lead.objects} >= {"manual", "inspection", "camera"}
        assert Lead.objects(response__ne=None).count() == 2
        closed = Case.objects(status="closed", procedure="ordinary").first()
        assert [d.kind for d in closed.documents] == ["filing", "notice", "decision", "delivery"]
        assert DishonestListing.objects.count() == 1 and CreditRepair.objects(status="pending").count() == 1
        assert BannedPerson.objects.count() == 1
    penalties = app.test_client().get("/api/v1/public/penalties").get_json()
    assert {p["authority"] for p in penalties} == {"如皋市市场监督管理局", "上海市闵行区市场监督管理局"}
    assert any(p["penalties"] == ["罚款 5000 元"] for p in penalties)


def test_demo_has_officials_pairings_pledges_tasks_in_each_state_and_a_bureau(config, tmp_path):
    from backend.accounts.models import User
    from backend.core.timeutil import today_shanghai
    from backend.supervision.models import Assignment, Handover, Official, Pledge, SupervisionTask

    app = seeded_app({**config, "CAMERA_FILE_DIR": str(tmp_path)})
    with app.app_context():
        assert {o.level for o in Official.objects} == {"city", "town", "village", "grid"}
        assert Official.objects(user_id__ne=None).count() == 2
        assert Assignment.objects(current=True).count() == 3  # 如皋's restaurant, farm and banquet venue
        assert Pledge.objects.count() >= 2
        tasks = SupervisionTask.objects
        assert tasks(status="done", mode="remote").count() == 1
        assert (
            tasks.overdue(today_shanghai()).count() >= 1
            and tasks(status="open", due_on__gte=today_shanghai()).count() >= 1
        )
        assert Handover.objects(status="pending").count() == 1
        bureau = User.objects.by_username("jiaoyuju").first()
        assert bureau.role == "bureau" and bureau.sectors == ["school_canteen"]


def test_demo_has_chefs_banquets_of_each_size_samples_and_incidents(config, tmp_path):
    from backend.banquets.models import Banquet, Chef, GuidanceTask, Incident, VenueInsurance

    app = seeded_app({**config, "CAMERA_FILE_DIR": str(tmp_path)})
    with app.app_context():
        assert Chef.objects(status="approved").count() == 2
        assert {b.size for b in Banquet.objects} == {"small", "medium", "large"}
        assert {t.status for t in GuidanceTask.objects} == {"done", "open"}
        assert GuidanceTask.objects(by="official").count() == 1  # the venue's paired official
        assert sum(len(b.samples) for b in Banquet.objects) == 2
        assert {i.status for i in Incident.objects} == {"confirmed", "not_food_borne"}
        assert VenueInsurance.objects.count() == 1
