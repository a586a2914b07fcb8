"""The card's build: query bound, sections, licence states, and no stale fill after an invalidation."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from mongoengine import Document, IntField, ObjectIdField, StringField

from backend.accounts.access import Principal
from backend.public_card import services as cards
from backend.public_card.sections import MAX_SECTIONS, SectionOutput, registry
from backend.registry import services as registry_services
from backend.registry.models import Business
from tests.functional.registry_helpers import fresh_uscc, jpeg_bytes, restaurant_body

REVIEWER = Principal(user_id="6b0000000000000000000001", role="admin", session_id="t")
OWNER = "6b0000000000000000000002"


class KitchenNote(Document):
    """A stand-in for a later capability's records (many rows per business)."""

    business_id = ObjectIdField(required=True)
    text = StringField()
    n = IntField()
    meta = {"collection": "test_kitchen_notes", "indexes": ["business_id"]}


@dataclass
class NotesSection:
    """A section the way a capability writes one: one query, masked data, nothing when empty."""

    name: str = "notes"
    order: int = 50

    def load(self, business):
        notes = list(KitchenNote.objects(business_id=business.id).order_by("-n").limit(5))
        if not notes:
            return None
        return SectionOutput(data={"latest": [n.text for n in notes], "count_shown": len(notes)},
                             html="<section class='card'><h2>厨房记录</h2></section>",
                             alerts=("召回提示：测试批次",) if any(n.text == "recall" for n in notes) else (),
                             grade={"level": "B", "rated_on": "2026-10-01"})


@pytest.fixture
def notes_section():
    section = registry.register(NotesSection())
    yield section
    registry.unregister(section.name)


def approved(**overrides) -> Business:
    values = restaurant_body(uscc=fresh_uscc(), **overrides)
    values["licence"] = {**values["licence"], "issued_on": date.fromisoformat(values["licence"]["issued_on"]),
                         "expires_on": date.fromisoformat(values["licence"]["expires_on"])}
    business = registry_services.create_draft(OWNER, values)
    registry_services.add_document(OWNER, business.id, "licence", jpeg_bytes(), "l.jpg")
    registry_services.submit(OWNER, business.id)
    return registry_services.review(REVIEWER, business.id, "approve")


def test_a_miss_costs_a_bounded_number_of_queries_whatever_the_data(app_context, mongo_commands, notes_section):
    business = approved()
    KitchenNote.objects.insert([KitchenNote(business_id=business.id, text=f"note {i}", n=i) for i in range(500)])
    mongo_commands.reset()
    card = cards.get(business.public_code)
    assert card.kind == cards.FOUND
    assert 1 <= mongo_commands.count <= 6, mongo_commands.calls
    mongo_commands.reset()
    assert cards.get(business.public_code).etag_html == card.etag_html
    assert mongo_commands.count == 0  # a hit touches Redis only


def test_sections_add_their_part_and_show_nothing_without_data(app_context, notes_section):
    business = approved()
    empty = cards.get(business.public_code)
    assert '"sections": {}' in empty.json and "厨房记录" not in empty.html and "暂未评级" in empty.html
    KitchenNote(business_id=business.id, text="recall", n=1).save()
    cards.invalidate(business.id)
    card = cards.get(business.public_code)
    assert '"notes"' in card.json and "厨房记录" in card.html
    assert "召回提示" in card.html and 'class="badge yellow"' in card.html


def test_section_limit_keeps_the_query_bound():
    added = []
    try:
        while len(registry.sections) < MAX_SECTIONS:
            added.append(registry.register(NotesSection(name=f"extra{len(added)}")))
        with pytest.raises(RuntimeError, match="at most"):
            registry.register(NotesSection(name="one-too-many"))
    finally:
        for section in added:
            registry.unregister(section.name)


@pytest.mark.parametrize("days_left,state", [(400, "valid"), (31, "valid"), (30, "expiring"), (0, "expiring"),
                                             (-1, "expired")])
def test_licence_states(app_context, days_left, state):
    today = cards._today()
    business = Business(licence={"number": "JY23206820012345", "issued_on": today - timedelta(days=1000),
                                 "expires_on": today + timedelta(days=days_left)})
    assert cards._licence(business, today)["state"] == state


def test_a_card_built_before_an_invalidation_is_not_cached(app_context, notes_section):
    """A write landing while a card is being built must not leave the old card in the cache."""
    business = approved()

    class WriteDuringBuild:
        name, order = "racer", 99

        def load(self, loading):
            Business.objects(id=loading.id).update_one(set__name="新名称")
            cards.invalidate(loading.id)  # what the writing service does after its write
            return None

    registry.register(WriteDuringBuild())
    try:
        stale = cards.get(business.public_code)
    finally:
        registry.unregister("racer")
    assert "新名称" not in stale.html  # this request saw the old data ...
    assert "新名称" in cards.get(business.public_code).html  # ... but did not cache it


def test_no_internal_ids_or_personal_data_in_the_card(app_context):
    business = approved()
    card = cards.get(business.public_code)
    for secret in (str(business.id), str(business.owner_id), business.contact.phone, business.uscc):
        assert secret not in card.json and secret not in card.html
