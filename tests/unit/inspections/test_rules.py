"""Results and grades as pure functions, with tables of cases."""

import pytest

from backend.inspections import rules

# two key items and eight general items of 10 points each
ITEMS = {f"k{i}": {"key": True, "points": 10} for i in range(2)} | {
    f"g{i}": {"key": False, "points": 10} for i in range(8)
}


def results(failed=(), not_applicable=()):
    return {
        code: rules.FAILED if code in failed else rules.NOT_APPLICABLE if code in not_applicable else rules.PASSED
        for code in ITEMS
    }


@pytest.mark.parametrize(
    "failed,not_applicable,result,score,grade",
    [
        ((), (), rules.COMPLIANT, 10.0, rules.EXCELLENT),
        (("g0",), (), rules.BASICALLY_COMPLIANT, 9.0, rules.EXCELLENT),
        (("g0", "g1"), (), rules.BASICALLY_COMPLIANT, 8.0, rules.GOOD),
        (("g0", "g1", "g2"), (), rules.BASICALLY_COMPLIANT, 7.0, rules.FAIR),
        (("g0", "g1", "g2", "g3"), (), rules.BASICALLY_COMPLIANT, 6.0, rules.FAIR),
        (("g0", "g1", "g2", "g3", "g4"), (), rules.BASICALLY_COMPLIANT, 5.0, None),  # below 6.0
        (("g0", "g1", "g2", "g3", "g4", "g5"), (), rules.NON_COMPLIANT, 4.0, None),  # more than N general
        (("k0",), (), rules.NON_COMPLIANT, 9.0, rules.EXCELLENT),  # one key item: still graded
        (("k0", "k1"), (), rules.NON_COMPLIANT, 8.0, None),  # two key items: no grade
        (("g0",), ("g1", "g2", "g3", "g4", "g5"), rules.BASICALLY_COMPLIANT, 8.0, rules.GOOD),  # 4 of 5 checked
    ],
)
def test_outcome(failed, not_applicable, result, score, grade):
    outcome = rules.outcome(ITEMS, results(failed, not_applicable), basically_max_general=5)
    assert (outcome.result, outcome.score, outcome.dynamic_grade) == (result, score, grade)


def test_a_new_licence_withholds_the_grade_not_the_result():
    outcome = rules.outcome(ITEMS, results(("g0",)), basically_max_general=5, grade_allowed=False)
    assert outcome.result == rules.BASICALLY_COMPLIANT and outcome.dynamic_grade is None and outcome.score == 9.0


@pytest.mark.parametrize(
    "scores,level",
    [
        ([], None),
        ([10.0], "A"),
        ([9.0, 9.0], "A"),
        ([9.5, 8.0], "B"),
        ([7.5], "B"),
        ([7.0, 6.0], "C"),
        ([5.9], None),
    ],
)
def test_annual_level(scores, level):
    assert rules.annual_level(scores) == level
