"""The enforcement rules as tables: display periods, document numbers, the card's expiry."""

from datetime import date

import pytest

from backend.enforcement import card, services
from backend.enforcement.models import Penalty


@pytest.mark.parametrize(
    ("penalties", "until"),
    [
        ([Penalty(kind="warning")], date(2027, 2, 28)),  # 3 months, clamped to the month's end
        ([Penalty(kind="fine", amount_yuan=3000)], date(2027, 2, 28)),  # a small fine
        ([Penalty(kind="fine", amount_yuan=3001)], date(2029, 11, 30)),  # above it: 3 years
        ([Penalty(kind="warning"), Penalty(kind="revocation")], date(2029, 11, 30)),
    ],
)
def test_a_penalty_is_shown_three_months_or_three_years(app_context, penalties, until):
    assert services.display_until(date(2026, 11, 30), penalties) == until


def test_numbers_follow_one_sequence_per_authority_and_year(app_context):
    from tests.builders import approved

    business = approved()
    first = services._authority_and_number(business.id, 2026)
    second = services._authority_and_number(business.id, 2026)
    assert first == ("如皋市市场监督管理局", "如皋市监罚〔2026〕1号") and second[1] == "如皋市监罚〔2026〕2号"
    assert services._authority_and_number(business.id, 2027)[1] == "如皋市监罚〔2027〕1号"


def test_the_card_drops_a_penalty_the_day_its_display_ends():
    data = {
        "penalties": [{"number": "A", "display_until": "2027-01-01"}, {"number": "B", "display_until": "2029-01-01"}]
    }
    assert [p["number"] for p in card._in_display(data, date(2027, 1, 1))["penalties"]] == ["A", "B"]
    assert [p["number"] for p in card._in_display(data, date(2027, 1, 2))["penalties"]] == ["B"]
    assert card._render(card._in_display(data, date(2030, 1, 1))) == ""
