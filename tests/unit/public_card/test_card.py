"""The card's build: one query whatever the sections, summaries published at write time, licence
states, and no stale fill after an invalidation."""

from datetime import timedelta

import pytest

from backend.core.timeutil import today_shanghai
from backend.public_card import services as cards
from backend.public_card.sections import MAX_SECTION_BYTES, QUERIES_PER_MISS, CardSection, registry
from backend.registry.models import Business
from tests.builders import approved

pytestmark = pytest.mark.redis_cluster


@pytest.fixture
def sections():
    """Twelve sections registered, as many capabilities will have; removed afterwards."""
    added = [
        registry.register(
            CardSection(
                name=f"part{i}",
                order=50 + i,
                render=lambda data, i=i: f"<section class='card'><h2>第{i}部分</h2></section>",
            )
        )
        for i in range(12)
    ]
    yield added
    for section in added:
        registry.unregister(section.name)


def test_a_miss_costs_one_query_whatever_the_sections_and_their_data(app_context, mongo_commands, sections):
    business = approved()
    for section in sections:
        cards.publish_section(business.id, section.name, {"rows": [f"记录 {n}" for n in range(100)]})
    mongo_commands.reset()
    card = cards.get(business.public_code)
    assert card.kind == cards.FOUND and all(f"第{i}部分" in card.html for i in range(12))
    assert mongo_commands.count == QUERIES_PER_MISS == 1, mongo_commands.calls
    mongo_commands.reset()
    assert cards.get(business.public_code).etag_html == card.etag_html
    assert mongo_commands.count == 0  # a hit touches Redis only


def test_a_summary_has_a_size_bound(app_context, sections):
    business = approved()
    with pytest.raises(ValueError, match="bytes"):
        cards.publish_section(business.id, sections[0].name, {"rows": ["x" * 100] * (MAX_SECTION_BYTES // 100)})
    with pytest.raises(ValueError, match="no card section"):
        cards.publish_section(business.id, "unregistered", {})


def test_sections_show_their_part_alerts_and_grade_and_nothing_without_data(app_context, sections):
    business = approved()
    empty = cards.get(business.public_code)
    assert '"sections": {}' in empty.json and "第0部分" not in empty.html and "暂未评级" in empty.html
    cards.publish_section(
        business.id,
        "part0",
        {"count": 1},
        alerts=["召回提示：测试批次"],
        grade={"level": "B", "rated_on": "2026-10-01"},
    )
    card = cards.get(business.public_code)  # publish_section invalidated the cached card
    assert '"part0"' in card.json and "<h2>第0部分</h2>" in card.html and "&lt;section" not in card.html
    assert "召回提示" in card.html and 'class="badge yellow"' in card.html
    cards.withdraw_section(business.id, "part0")
    assert "第0部分" not in cards.get(business.public_code).html


@pytest.mark.parametrize(
    "days_left,state", [(400, "valid"), (31, "valid"), (30, "expiring"), (0, "expiring"), (-1, "expired")]
)
def test_licence_states(days_left, state):
    today = today_shanghai()
    licence = {
        "number": "JY23206820012345",
        "issued_on": (today - timedelta(days=1000)).isoformat(),
        "expires_on": (today + timedelta(days=days_left)).isoformat(),
    }
    assert cards._licence(licence, today)["state"] == state


def test_a_card_built_before_an_invalidation_is_not_cached(app_context, monkeypatch):
    """A write landing while a card is being built must not leave the old card in the cache."""
    from backend.registry import services as registry_services

    business = approved()
    original_build = cards.build

    def build_while_a_write_lands(code):
        built = original_build(code)
        renamed = Business.objects(id=business.id).modify(new=True, set__name="新名称")
        registry_services.publish_card(renamed)
        cards.invalidate(business.id)  # what the writing service does after its write
        return built

    monkeypatch.setattr(cards, "build", build_while_a_write_lands)
    stale = cards.get(business.public_code)
    monkeypatch.setattr(cards, "build", original_build)
    assert "新名称" not in stale.html  # this request saw the old data ...
    assert "新名称" in cards.get(business.public_code).html  # ... but did not cache it


def test_no_internal_ids_or_personal_data_in_the_card(app_context):
    business = approved()
    card = cards.get(business.public_code)
    for secret in (str(business.id), str(business.owner_id), business.contact.phone, business.uscc):
        assert secret not in card.json and secret not in card.html


def test_search_by_grade_whatever_section_carries_it(app_context, sections):
    rated_b, rated_a, unrated = approved(name="乙级小吃"), approved(name="甲级饭店"), approved(name="未评级面馆")
    cards.publish_section(rated_b.id, "part0", {"n": 1}, grade={"level": "B", "rated_on": "2026-10-01"})
    cards.publish_section(rated_a.id, "part3", {"n": 1}, grade={"level": "A", "rated_on": "2026-10-01"})
    cards.publish_section(unrated.id, "part0", {"n": 1})

    def names(grade):
        return {card.business["name"] for card in cards.search(grade=grade)}

    assert names("A") == {"甲级饭店"} and names("B") == {"乙级小吃"} and names("C") == set()
    assert "未评级面馆" in names("none") and not names("none") & {"甲级饭店", "乙级小吃"}
