"""Complaint submission and listing through the service every channel calls."""

import pytest

from backend.complaints import services
from backend.complaints.models import Complaint
from backend.core.errors import InvalidInput
from backend.core.principal import CITIZEN, Principal
from tests.builders import regulator_of, report_body

REPORT = report_body(district_code="如皋市")


def test_a_county_name_is_resolved_by_the_service(app_context):
    result = services.submit(dict(REPORT), client="198.51.100.1")
    assert result.complaint.district_code == "320682" and "320600" in result.complaint.district_scopes
    with pytest.raises(InvalidInput) as ambiguous:
        services.submit({**REPORT, "district_code": "城关区", "description": "另一件事：无证经营"}, client="x")
    assert "district_code" in ambiguous.value.errors


def test_the_channel_throttle_runs_only_for_a_valid_submission(app_context):
    calls = []
    with pytest.raises(InvalidInput):
        services.submit({**REPORT, "kind": "complaint"}, client="198.51.100.2", throttle=lambda: calls.append(1))
    assert calls == []
    services.submit(dict(REPORT), client="198.51.100.2", throttle=lambda: calls.append(1))
    assert calls == [1]


def test_who_sees_which_complaints(app_context):
    mine = services.submit(dict(REPORT), client="x", user_id="6b00000000000000000000aa").complaint
    other = services.submit({**REPORT, "description": "别人的举报：餐具未消毒"}, client="y").complaint
    me = Principal(user_id="6b00000000000000000000aa", role=CITIZEN)
    assert list(Complaint.objects.visible_to(me)) == [mine]
    assert set(Complaint.objects.visible_to(regulator_of("320682"))) == {mine, other}
    assert not Complaint.objects.visible_to(regulator_of("310112"))


def test_the_public_listing_shows_open_and_finished(app_context):
    submitted = services.submit(dict(REPORT), client="x").complaint
    assert [c.number for c in services.public_listing(state="open")] == [submitted.number]
    assert services.public_listing(state="closed") == []
    assert [c.number for c in services.public_listing(numbers=[submitted.number])] == [submitted.number]
