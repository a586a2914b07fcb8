"""The enforcement rules as tables: display periods, document numbers, the card's expiry."""

from datetime import date

import pytest

from backend.enforcement import card, credit, documents, services
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
    first = documents.next_number(business.id, "decision", 2026)
    second = documents.next_number(business.id, "decision", 2026)
    assert first == ("如皋市市场监督管理局", "如皋市监罚〔2026〕1号") and second[1] == "如皋市监罚〔2026〕2号"
    assert documents.next_number(business.id, "decision", 2027)[1] == "如皋市监罚〔2027〕1号"
    # each kind of document has its own sequence: a notice does not use up a decision's number
    assert documents.next_number(business.id, "notice", 2026)[1] == "如皋市监罚告〔2026〕1号"
    assert documents.next_number(business.id, "decision", 2026)[1] == "如皋市监罚〔2026〕3号"


def test_the_card_drops_a_penalty_the_day_its_display_ends():
    data = {
        "penalties": [{"number": "A", "display_until": "2027-01-01"}, {"number": "B", "display_until": "2029-01-01"}]
    }
    assert [p["number"] for p in card._in_display(data, date(2027, 1, 1))["penalties"]] == ["A", "B"]
    assert [p["number"] for p in card._in_display(data, date(2027, 1, 2))["penalties"]] == ["B"]
    assert card._render(card._in_display(data, date(2030, 1, 1))) == ""


@pytest.mark.parametrize(
    ("inputs", "level"),
    [
        ({}, "A"),
        ({"open_case": 1}, "B"),
        ({"minor_penalty": 1}, "B"),
        ({"minor_penalty": 1, "penalties_in_year": 2}, "C"),  # two in a year weigh as one serious
        ({"serious_penalty": 1}, "C"),
        ({"serious_penalty": 3, "dishonest_listing": 1}, "D"),
        ({"dishonest_listing": 0, "open_case": 0}, "A"),
    ],
)
def test_the_credit_class_is_the_first_rule_an_input_reaches(inputs, level):
    assert credit.credit_class(inputs) == level


def test_credit_rules_are_data_with_a_version_and_every_input_named():
    rules = credit.credit_rules()
    assert isinstance(rules["version"], int) and set(rules["classes"]) == {"A", "B", "C", "D"}
    named = {name for rule in rules["rules"] for name in rule["any_of"]}
    assert named <= set(rules["inputs"]) and rules["default"] in rules["classes"]
    alternative = {**rules, "rules": [{"class": "D", "any_of": {"open_case": 1}}]}  # a city's stricter rules
    assert credit.credit_class({"open_case": 1}, alternative) == "D"


def test_the_credit_class_weighs_on_the_risk_grade():
    from backend.inspections.planning import risk_score

    inputs = {"failed_sample": 1, "penalty": 1}
    scores = {level: risk_score("restaurant_small", "small", {**inputs, "credit_class": level})[0] for level in "ABCD"}
    assert scores["A"] < scores["B"] < scores["C"] < scores["D"]
    assert risk_score("restaurant_small", "small", inputs)[0] == scores["A"]
    assert risk_score("restaurant_small", "small", {"penalty": 1})[0] > risk_score("restaurant_small", "small", {})[0]
