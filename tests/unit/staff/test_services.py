"""Staff, certificates and the team through the services: rules, permissions, district scope, card."""

import json
from datetime import date, timedelta

import pytest

from backend.core.errors import Forbidden, InvalidInput
from backend.core.timeutil import today_shanghai
from backend.public_card import services as cards
from backend.registry.errors import BusinessNotFound
from backend.staff import services
from backend.staff.errors import AlreadyEnded, AlreadyOnStaff, StaffNotFound
from backend.staff.models import StaffMember
from tests.builders import approved, citizen, fresh_id_number, regulator_of, staff_values


@pytest.fixture
def business(app_context):
    owner = citizen()
    return approved(owner), owner


def _certify(owner, business, person, issued_on, **extra):
    return services.add_certificate(
        owner.user_id,
        business.id,
        person.id,
        {"number": f"JKZ{person.id}", "issuer": "如皋市疾控中心", "issued_on": issued_on, **extra},
    )


def test_an_id_number_is_checked_and_never_stored_whole(business):
    shop, owner = business
    number = fresh_id_number()
    person = services.add_staff(owner.user_id, shop.id, staff_values(id_number=number))
    stored = StaffMember._get_collection().find_one({"_id": person.id})
    assert number not in json.dumps(stored, default=str) and stored["id_last4"] == number[-4:]
    with pytest.raises(InvalidInput) as bad:
        services.add_staff(
            owner.user_id, shop.id, staff_values(id_number=number[:-1] + ("0" if number[-1] != "0" else "1"))
        )
    assert "id_number" in bad.value.errors
    with pytest.raises(AlreadyOnStaff):
        services.add_staff(owner.user_id, shop.id, staff_values(id_number=number))
    for written in (
        number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),  # full-width
        number[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + number[17],  # Arabic-Indic
    ):
        with pytest.raises(AlreadyOnStaff):  # the same person, whatever digits the number came in
            services.add_staff(owner.user_id, shop.id, staff_values(id_number=written))


def test_two_jobs_are_allowed_and_told_to_the_regulator(business):
    shop, owner = business
    other_owner = citizen()
    other = approved(other_owner)
    number = fresh_id_number()
    services.add_staff(owner.user_id, shop.id, staff_values(id_number=number))
    second = services.add_staff(other_owner.user_id, other.id, staff_values(id_number=number))
    assert second.also_employed_elsewhere


def test_dates_in_the_future_and_strangers_are_refused(business):
    shop, owner = business
    with pytest.raises(InvalidInput):
        services.add_staff(owner.user_id, shop.id, staff_values(started_on=today_shanghai() + timedelta(days=1)))
    stranger = citizen()
    with pytest.raises(BusinessNotFound):
        services.add_staff(stranger.user_id, shop.id, staff_values())
    person = services.add_staff(owner.user_id, shop.id, staff_values())
    other_owner = citizen()
    other = approved(other_owner)
    with pytest.raises(StaffNotFound):  # a certificate for another business's staff
        _certify(other_owner, other, person, today_shanghai())


def test_certificate_expiry_defaults_to_a_year_and_is_bounded(business):
    shop, owner = business
    person = services.add_staff(owner.user_id, shop.id, staff_values())
    issued = today_shanghai() - timedelta(days=10)
    assert _certify(owner, shop, person, issued).expires_on == services.add_months(issued, 12)
    for expires in (issued - timedelta(days=1), services.add_months(issued, 12) + timedelta(days=1)):
        with pytest.raises(InvalidInput) as bad:
            _certify(owner, shop, person, issued, expires_on=expires)
        assert "expires_on" in bad.value.errors
    with pytest.raises(InvalidInput):
        _certify(owner, shop, person, today_shanghai() + timedelta(days=1))


def test_a_food_handler_without_a_valid_certificate_is_flagged_since_it_lapsed(business):
    shop, owner = business
    covered = services.add_staff(owner.user_id, shop.id, staff_values(name="李大厨"))
    lapsed = services.add_staff(owner.user_id, shop.id, staff_values(name="王帮厨", post="kitchen_helper"))
    never = services.add_staff(
        owner.user_id, shop.id, staff_values(name="赵配菜", post="prep", started_on=date(2026, 1, 5))
    )
    services.add_staff(owner.user_id, shop.id, staff_values(name="孙服务", post="service", handles_food=False))
    _certify(owner, shop, covered, today_shanghai() - timedelta(days=340))  # expires within 30 days
    old = _certify(owner, shop, lapsed, today_shanghai() - timedelta(days=400))
    statuses = {s.staff.id: s for s in services.food_handlers(owner.user_id, shop.id)}
    assert set(statuses) == {covered.id, lapsed.id, never.id}  # the waiter handles no food
    assert statuses[covered.id].may_handle_food
    assert statuses[lapsed.id].may_not_handle_since == old.expires_on + timedelta(days=1)
    assert statuses[never.id].may_not_handle_since == date(2026, 1, 5)
    assert [s.staff.id for s in services.expiring_certificates(owner.user_id, shop.id)] == [covered.id]


def test_regulators_see_uncovered_businesses_in_their_districts_only(business):
    shop, owner = business
    services.add_staff(owner.user_id, shop.id, staff_values())
    (found,) = services.businesses_with_uncovered_handlers(regulator_of("320600"))
    assert (found.business.id, found.food_handlers, found.uncovered) == (shop.id, 1, 1)
    assert services.businesses_with_uncovered_handlers(regulator_of("310112")) == []
    with pytest.raises(Forbidden):
        services.businesses_with_uncovered_handlers(owner)


def test_leaving_ends_the_record_and_keeps_it(business):
    shop, owner = business
    person = services.add_staff(owner.user_id, shop.id, staff_values())
    services.end_staff(owner.user_id, shop.id, person.id, today_shanghai())
    with pytest.raises(AlreadyEnded):
        services.end_staff(owner.user_id, shop.id, person.id, today_shanghai())
    assert [p.id for p in services.list_staff(owner.user_id, shop.id)] == [person.id]
    tomorrow_staff = StaffMember.objects.of_business(shop.id).employed_on(today_shanghai() + timedelta(days=1))
    assert not tomorrow_staff


def test_the_team_needs_a_head_an_officer_and_where_required_a_director(business):
    shop, owner = business
    team = services.team_for_member(owner.user_id, shop.id)
    assert set(team.problems) == {"no_head", "no_officer"} and not team.director_required
    services.add_staff(owner.user_id, shop.id, staff_values(safety_roles=["head"]))
    services.add_staff(owner.user_id, shop.id, staff_values(safety_roles=["officer"], training_hours_this_year=12))
    services.set_profile(owner.user_id, shop.id, {"diners_per_meal": 1200})
    team = services.team_for_member(owner.user_id, shop.id)
    assert team.director_required and set(team.problems) == {"director_missing", "training_below_expected"}


def test_the_card_shows_counts_masked_names_and_nothing_private(business):
    shop, owner = business
    covered = services.add_staff(owner.user_id, shop.id, staff_values(name="李大厨", safety_roles=["officer"]))
    services.add_staff(owner.user_id, shop.id, staff_values(name="王帮厨", post="kitchen_helper"))
    card = json.loads(cards.get(shop.public_code).json)
    assert card["health_certificates"]["food_handlers"] == 2 and card["health_certificates"]["valid"] == 0
    _certify(owner, shop, covered, today_shanghai() - timedelta(days=3))
    card = cards.get(shop.public_code)  # the change was published and the cached card dropped
    data = json.loads(card.json)["health_certificates"]
    assert data["valid"] == 1 and data["officers"] == ["李*厨"] and "从业人员健康证明" in card.html
    for private in ("李大厨", "13912340000", covered.id_last4, str(covered.id)):
        assert private not in card.json and private not in card.html


def test_what_staff_names_hold_is_escaped_on_the_page(business):
    shop, owner = business
    services.add_staff(owner.user_id, shop.id, staff_values(name="<img src=x onerror=alert(1)>"))
    html = cards.get(shop.public_code).html
    assert "<img" not in html and "&lt;" in html


def test_every_change_that_shows_is_on_the_next_card(business):
    shop, owner = business

    def shown():
        return json.loads(cards.get(shop.public_code).json)["health_certificates"]

    person = services.add_staff(owner.user_id, shop.id, staff_values())
    assert shown()["food_handlers"] == 1
    services.update_staff(owner.user_id, shop.id, person.id, {"handles_food": False})
    assert shown()["food_handlers"] == 0
    services.update_staff(owner.user_id, shop.id, person.id, {"handles_food": True, "safety_roles": ["director"]})
    assert shown()["food_handlers"] == 1 and shown()["directors"] == ["张*明"]
    services.end_staff(owner.user_id, shop.id, person.id, today_shanghai() - timedelta(days=1))
    assert shown()["food_handlers"] == 0 and shown()["directors"] == []


def test_the_largest_staff_fits_the_card_summary(business, monkeypatch):
    """MAX_STAFF_PER_BUSINESS food handlers with long names stay within the section's size bound."""
    from backend.public_card.sections import MAX_SECTION_BYTES

    summary = {
        "valid_until": ["2027-01-01"] * services.MAX_STAFF_PER_BUSINESS,
        "people": [{"post": "面点", "name": "欧" + "*" * 30 + "明", "valid_until": "2027-01-01"}]
        * services.CARD_PEOPLE_SHOWN,
        "officers": ["李*强"] * 10,
        "directors": ["陈*东"] * 3,
    }
    size = len(
        json.dumps(
            {"data": summary, "alerts": [], "grade": None, "updated_at": "2026-12-02T00:00:00"}, ensure_ascii=False
        ).encode()
    )
    assert size < MAX_SECTION_BYTES
