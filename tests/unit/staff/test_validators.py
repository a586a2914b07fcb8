from datetime import date

import pytest

from backend.staff.rules import director_required
from backend.staff.services import add_months
from backend.staff.validators import id_check_character, id_number_problem

TODAY = date(2026, 12, 2)


def test_the_published_example_id_number_checks():
    assert id_check_character("11010519491231002") == "X"  # GB 11643's own example
    assert id_number_problem("11010519491231002X", TODAY) is None


@pytest.mark.parametrize(
    "bad,why",
    [
        ("11010519491231002Y", "18 characters"),
        ("110105194912310021", "check character"),
        ("110105194913310024", "birth date"),
        ("110105203001010011", "not possible"),
        ("1101051949123100", "18 characters"),
    ],
)
def test_bad_id_numbers_say_why(bad, why):
    assert why in id_number_problem(bad, TODAY)


def test_a_year_after_issue_keeps_the_day_where_it_can():
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "kind,scale,diners,kindergarten,required",
    [
        ("restaurant_small", None, 80, False, False),
        ("restaurant_large", None, None, False, True),
        ("school_canteen", None, 500, False, False),
        ("school_canteen", None, 501, False, True),
        ("school_canteen", None, 301, True, True),
        ("government_canteen", None, 1001, False, True),
        ("food_seller", "medium", None, False, True),
        ("food_seller", "small", None, False, False),
    ],
)
def test_when_a_food_safety_director_is_required(kind, scale, diners, kindergarten, required):
    assert director_required(kind, scale=scale, diners_per_meal=diners, serves_kindergarten=kindergarten)[0] is required
