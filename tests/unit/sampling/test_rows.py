"""Reading one row of a result file: numbers with units, dates as labs write them, verdicts, refusals."""

from datetime import date

import pytest

from backend.sampling.models import FAIL, PASS
from backend.sampling.rows import ParsedRow, is_microbiological, parse_date, parse_row, split_value

TODAY = date(2026, 12, 2)


def cells(**overrides) -> dict:
    row = {
        "sampling_number": "DC26320682000001",
        "sampled_on": "2026-10-08",
        "business_name": "如皋某超市",
        "food_name": "大米",
        "food_category": "粮食加工品",
        "lab": "南通市食品药品监督检验中心",
        "report_date": "2026-10-20",
        "item": "铅(以Pb计)",
        "value": "0.05",
        "unit": "mg/kg",
        "verdict": "合格",
    }
    row.update(overrides)
    return row


def reasons(result) -> dict[str, str]:
    assert isinstance(result, list), result
    return {error.column: error.reason for error in result}


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("0.05mg/kg", "", ("0.05", 0.05, "mg/kg", None)),
        ("0.05 mg/kg", "mg/kg", ("0.05", 0.05, "mg/kg", None)),
        ("1.2e-3", "g/kg", ("1.2e-3", 0.0012, "g/kg", None)),
        ("<0.01", "mg/kg", ("<0.01", None, "mg/kg", None)),  # a bound, not a number
        ("未检出", "mg/kg", ("未检出", None, "mg/kg", None)),
    ],
)
def test_values_keep_their_text_and_give_a_number_when_they_are_one(value, unit, expected):
    assert split_value(value, unit) == expected


def test_a_unit_in_the_value_that_disagrees_with_the_unit_column_is_a_problem():
    *_rest, problem = split_value("0.05mg/kg", "g/kg")
    assert problem == "the value says mg/kg, the unit column g/kg"


@pytest.mark.parametrize(
    "text",
    ["2026-03-01", "2026/3/1", "2026.03.01", "2026年3月1日", "20260301", "2026-03-01 10:30", "2026-03-01T10:30:00"],
)
def test_dates_as_labs_write_them(text):
    assert parse_date(text) == date(2026, 3, 1)


@pytest.mark.parametrize("text", ["2026-02-30", "03/01/2026", "下周", ""])
def test_what_is_not_a_date(text):
    assert parse_date(text) is None


def test_a_good_row_parses_into_sample_and_item():
    parsed = parse_row(2, cells(value="0.05mg/kg", unit="", uscc="91320682mA1x2y3k0x"), TODAY)
    assert isinstance(parsed, ParsedRow)
    assert parsed.sample["sampled_on"] == date(2026, 10, 8) and parsed.sample["food_name"] == "大米"
    assert parsed.item == {
        "item": "铅(以Pb计)",
        "value": "0.05",
        "number": 0.05,
        "unit": "mg/kg",
        "standard": None,
        "verdict": PASS,
        "microbiological": False,
    }


def test_every_problem_of_a_row_is_reported_with_its_column():
    found = reasons(
        parse_row(
            7,
            cells(
                sampled_on="2027-01-05",
                report_date="十月",
                verdict="待定",
                food_name="  ",
                sampling_number="DC 1",
                uscc="123",
                item="=A1",
            ),
            TODAY,
        )
    )
    assert found == {
        "sampled_on": "in the future: 2027-01-05",
        "report_date": "not a date: 十月",
        "verdict": "not a verdict: 待定 (合格/不合格)",
        "food_name": "required",
        "sampling_number": "4–40 letters, digits or hyphens",
        "uscc": "not a unified social credit code (18 characters)",
        "item": "a formula (formulas are not evaluated; paste the value)",
    }


def test_a_report_before_its_sample_and_an_overlong_cell_are_refused():
    found = reasons(parse_row(3, cells(report_date="2026-10-01", lab="检" * 300), TODAY))
    assert found["report_date"] == "before the sampling date"
    assert found["lab"].startswith("longer than")


def test_failed_verdicts_and_microbiological_items():
    parsed = parse_row(2, cells(item="大肠菌群", verdict="不合格", value="23", unit="CFU/g"), TODAY)
    assert parsed.item["verdict"] == FAIL and parsed.item["microbiological"]
    assert is_microbiological("沙门氏菌") and not is_microbiological("毒死蜱")
