"""The computations an inspection's outcome follows, as pure functions (tested with tables of cases).

- Result (符合 / 基本符合 / 不符合) from failed key and general items, by the checklist's thresholds
  [unknown in law: data] — compliant: nothing failed; basically compliant: only general items failed,
  at most N; non-compliant: any key item failed, or more than N general ones.
- Dynamic grade [practice, 2012 national guidance]: score = points earned ÷ items checked (items that do
  not apply are not counted); ≥ 9.0 优秀, 7.5–8.9 良好, 6.0–7.4 一般; below 6.0, or two or more key items
  failed, no grade; none either within GRADE_WAIT_MONTHS_AFTER_LICENCE of a new licence.
- Annual grade A / B / C: the average score of the last 12 months with the same cut-offs; an
  inspection the rules gave no dynamic grade counts at most NO_GRADE_SCORE.
"""

from __future__ import annotations

from dataclasses import dataclass

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"
RESULTS_OF_ITEMS = (PASSED, FAILED, NOT_APPLICABLE)
COMPLIANT, BASICALLY_COMPLIANT, NON_COMPLIANT = "compliant", "basically_compliant", "non_compliant"
RESULT_LABELS = {COMPLIANT: "符合", BASICALLY_COMPLIANT: "基本符合", NON_COMPLIANT: "不符合"}
EXCELLENT, GOOD, FAIR = "excellent", "good", "fair"
GRADE_LABELS = {EXCELLENT: "优秀", GOOD: "良好", FAIR: "一般"}
GRADE_FACES = {EXCELLENT: "大笑", GOOD: "微笑", FAIR: "平脸"}
CUT_OFFS = ((9.0, EXCELLENT, "A"), (7.5, GOOD, "B"), (6.0, FAIR, "C"))
NO_GRADE_SCORE = 5.9  # what an inspection without a dynamic grade weighs in the annual average


@dataclass(frozen=True)
class Outcome:
    result: str
    failed_key: int
    failed_general: int
    checked: int
    score: float | None
    dynamic_grade: str | None


def outcome(
    items: dict[str, dict], results: dict[str, str], *, basically_max_general: int, grade_allowed: bool = True
) -> Outcome:
    """`items`: code -> {"key": bool, "points": int}; `results`: code -> passed / failed / not_applicable."""
    checked = [code for code, result in results.items() if result != NOT_APPLICABLE]
    failed = [code for code, result in results.items() if result == FAILED]
    failed_key = sum(1 for code in failed if items[code]["key"])
    failed_general = len(failed) - failed_key
    if not failed:
        result = COMPLIANT
    elif failed_key == 0 and failed_general <= basically_max_general:
        result = BASICALLY_COMPLIANT
    else:
        result = NON_COMPLIANT
    score = None
    if checked:
        earned = sum(items[code]["points"] for code in checked if results[code] == PASSED)
        possible = sum(items[code]["points"] for code in checked)
        score = round(10 * earned / possible, 2) if possible else None
    grade = None
    if grade_allowed and score is not None and failed_key < 2:
        grade = next((name for floor, name, _level in CUT_OFFS if score >= floor), None)
    return Outcome(result, failed_key, failed_general, len(checked), score, grade)


def annual_level(scores: list[float]) -> str | None:
    """A / B / C from the average of the year's scores; None without any or below the last cut-off."""
    if not scores:
        return None
    average = sum(scores) / len(scores)
    return next((level for floor, _name, level in CUT_OFFS if average >= floor), None)
