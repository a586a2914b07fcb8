"""The registry's rules through its services: who sees what, who may review, drafts and USCCs."""

import pytest

from backend.core.errors import Forbidden, InvalidInput
from backend.registry import services
from backend.registry.errors import BusinessNotFound, DuplicateUscc, InvalidTransition
from backend.registry.models import Business, Membership
from tests.builders import approved, citizen, draft_values, fresh_uscc, jpeg_bytes, regulator_of, submitted


def test_visible_to_decides_for_each_kind_of_principal(app_context):
    owner = citizen()
    draft = services.create_draft(owner.user_id, draft_values())
    sent, _ = submitted()
    rugao, nantong, zhangjiagang = regulator_of("320682"), regulator_of("320600"), regulator_of("320582")
    assert set(Business.objects.visible_to(owner)) == {draft}  # a citizen: their own
    assert set(Business.objects.visible_to(rugao)) == {sent}  # a regulator: their districts, never drafts
    assert set(Business.objects.visible_to(nantong)) == {sent}  # a city covers its counties
    assert not Business.objects.visible_to(zhangjiagang)
    with pytest.raises(BusinessNotFound):
        services.get_for_regulator(zhangjiagang, sent.id)
    with pytest.raises(BusinessNotFound):
        services.get_for_regulator(owner, sent.id)  # a citizen is no reviewer


def test_a_member_may_not_review_their_own_business(app_context):
    business, _owner = submitted()
    reviewer = regulator_of("320682")
    Membership(business_id=business.id, user_id=reviewer.user_id, role="manager").save()
    with pytest.raises(Forbidden):
        services.review(reviewer, business.id, "approve")
    assert Business.objects.get(id=business.id).status == "submitted"


def test_a_uscc_is_held_from_submission_and_released_by_a_rejection(app_context):
    uscc = fresh_uscc()
    first, _ = submitted(uscc=uscc)
    second_owner = citizen()
    draft = services.create_draft(second_owner.user_id, draft_values(uscc=uscc))  # a draft reserves nothing
    services.add_document(second_owner.user_id, draft.id, "licence", jpeg_bytes(), "l.jpg")
    with pytest.raises(DuplicateUscc):
        services.submit(second_owner.user_id, draft.id)
    services.review(regulator_of("320682"), first.id, "reject", "材料不全")
    assert services.submit(second_owner.user_id, draft.id).status == "submitted"


def test_only_a_draft_is_deleted_and_drafts_are_capped(app_context):
    owner = citizen()
    drafts = [services.create_draft(owner.user_id, draft_values()) for _ in range(services.MAX_DRAFTS_PER_USER)]
    with pytest.raises(InvalidInput):
        services.create_draft(owner.user_id, draft_values())
    services.delete_draft(owner.user_id, drafts[0].id)
    assert not Business.objects(id=drafts[0].id) and not Membership.objects(business_id=drafts[0].id)
    sent, sender = submitted()
    with pytest.raises(InvalidTransition):
        services.delete_draft(sender.user_id, sent.id)
    with pytest.raises(BusinessNotFound):
        services.delete_draft(owner.user_id, sent.id)


def test_documents_are_capped_per_person_too(app_context, monkeypatch):
    monkeypatch.setattr(services, "MAX_DOCUMENTS_PER_USER", 3)
    owner = citizen()
    first, second = (services.create_draft(owner.user_id, draft_values()) for _ in range(2))
    for business in (first, first, second):
        services.add_document(owner.user_id, business.id, "licence", jpeg_bytes(), "l.jpg")
    with pytest.raises(InvalidInput) as capped:
        services.add_document(owner.user_id, second.id, "licence", jpeg_bytes(), "l.jpg")
    assert "per person" in str(capped.value.errors["file"])


def test_public_codes_have_no_characters_people_confuse():
    codes = [services.new_public_code() for _ in range(500)]
    assert not set("".join(codes)) & set("0Oo1Il-_") and all(len(c) == services.PUBLIC_CODE_LENGTH for c in codes)
    assert len(set(codes)) == len(codes)


def test_a_districts_stickers_are_drawn_once_until_what_they_show_changes(app_context, monkeypatch):
    from backend.public_card import qr

    business = approved()
    regulator = regulator_of("320682")
    drawn = []
    real = qr.stickers_pdf
    monkeypatch.setattr(qr, "stickers_pdf", lambda *args, **kwargs: drawn.append(1) or real(*args, **kwargs))
    first = services.district_stickers_pdf(regulator, "320682")
    assert first.startswith(b"%PDF") and services.district_stickers_pdf(regulator, "320682") == first
    assert len(drawn) == 1  # the second print was the kept one
    Business.objects(id=business.id).update_one(set__name="改了名字的面馆")
    services.publish_card(Business.objects.get(id=business.id))
    assert services.district_stickers_pdf(regulator, "320682") != first and len(drawn) == 2
