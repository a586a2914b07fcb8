"""One row of a result file → one test item of one sample, or the reasons it cannot be read.

Cells arrive as strings (CSV) or typed values (XLSX: numbers, dates). Every problem names the row,
the column and the reason, in the importer's language of the file (Chinese) with the field name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from backend.core.text import Text, in_both_languages
from backend.sampling.models import FAIL, PASS
from backend.sampling.reading import MAX_CELL_CHARS, REQUIRED_COLUMNS

SAMPLE_FIELDS = (
    "task_source",
    "sampled_on",
    "business_name",
    "business_address",
    "uscc",
    "public_code",
    "producer_name",
    "producer_address",
    "producer_uscc",
    "food_name",
    "spec",
    "brand",
    "production_date",
    "trace_code",
    "food_category",
    "lab",
    "report_date",
    "remarks",
)
LIMITS = {
    "sampling_number": 40,
    "task_source": 200,
    "business_name": 200,
    "business_address": 300,
    "producer_name": 200,
    "producer_address": 300,
    "food_name": 200,
    "spec": 100,
    "brand": 100,
    "production_date": 60,
    "trace_code": 64,
    "food_category": 100,
    "lab": 200,
    "remarks": 500,
    "item": 100,
    "value": 100,
    "unit": 40,
    "standard": 200,
    "public_code": 40,
}
VERDICT_WORDS = {
    "合格": PASS,
    "符合": PASS,
    "合格项": PASS,
    "阴性": PASS,
    "pass": PASS,
    "不合格": FAIL,
    "不符合": FAIL,
    "不合格项": FAIL,
    "阳性": FAIL,
    "fail": FAIL,
}
_SAMPLING_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,39}$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_NUMBER_WITH_UNIT = re.compile(r"^\s*([<>≤≥＜＞]?\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s].*)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@cache
def _microbiological_keywords() -> tuple[str, ...]:
    data = json.loads(resources.files("backend.sampling").joinpath("data/microbiological.json").read_text("utf-8"))
    return tuple(data["keywords"])


def is_microbiological(item: str) -> bool:
    return any(keyword in item for keyword in _microbiological_keywords())


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        """Stored with the import, so in both languages (the reader's is known only when it is read)."""
        return {"row": self.row, "column": self.column, **in_both_languages("reason", self.reason)}


@dataclass(frozen=True)
class ParsedRow:
    row: int
    sampling_number: str
    sample: dict  # the sample-level fields of this row
    item: dict  # item, value, number, unit, standard, verdict, microbiological


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """A date as labs write it: 2026-03-01, 2026/3/1, 2026.03.01, 2026年3月1日, 20260301, or a cell date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        # "2026-03-01 10:30" and "2026-03-01T10:30:00" from exports that keep the time
        head = text.replace("T", " ").split(" ")[0]
        match = _DATE.match(head) if head != text else None
        if not match:
            return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def split_value(value: str, unit: str) -> tuple[str, float | None, str, str | None]:
    """'0.05mg/kg' → ('0.05', 0.05, 'mg/kg'); '未检出' stays text. Returns a reason when the unit in the
    value disagrees with the unit column."""
    match = _NUMBER_WITH_UNIT.match(value)
    if not match:
        return value, None, unit, None
    number_text, unit_in_value = match.group(1).replace(" ", ""), (match.group(2) or "").strip()
    number = None
    if number_text[0] not in "<>≤≥＜＞":
        try:
            number = float(number_text)
        except ValueError:
            number = None
    if unit_in_value:
        if unit and unit.replace(" ", "") != unit_in_value.replace(" ", ""):
            return (
                value,
                None,
                unit,
                Text("the value says {in_value}, the unit column {unit}", in_value=unit_in_value, unit=unit),
            )
        unit = unit_in_value
    return number_text, number, unit, None


def parse_row(row: int, cells: dict[str, Any], today: date) -> ParsedRow | list[RowError]:
    errors: list[RowError] = []
    values: dict[str, str] = {}
    for name, cell in cells.items():
        if isinstance(cell, str) and cell.lstrip().startswith("="):
            errors.append(RowError(row, name, Text("a formula (formulas are not evaluated; paste the value)")))
            continue
        if name in ("sampled_on", "report_date"):
            continue
        text = _text(cell)
        if len(text) > MAX_CELL_CHARS or len(text) > LIMITS.get(name, MAX_CELL_CHARS):
            errors.append(
                RowError(row, name, Text("longer than {limit} characters", limit=LIMITS.get(name, MAX_CELL_CHARS)))
            )
            continue
        values[name] = text
    for name in REQUIRED_COLUMNS:
        if name in ("sampled_on", "report_date", "verdict"):  # checked below, each with its own reason
            continue
        if name in cells and not values.get(name) and not any(e.column == name for e in errors):
            errors.append(RowError(row, name, Text("required")))
    number = values.get("sampling_number", "")
    if number and not _SAMPLING_NUMBER.match(number):
        errors.append(RowError(row, "sampling_number", Text("4–40 letters, digits or hyphens")))
    dates: dict[str, date] = {}
    for name in ("sampled_on", "report_date"):
        cell = cells.get(name)
        if isinstance(cell, str) and cell.lstrip().startswith("="):
            continue
        parsed = parse_date(cell)
        if parsed is None:
            errors.append(
                RowError(
                    row,
                    name,
                    Text("required") if _text(cell) == "" else Text("not a date: {cell}", cell=_text(cell)[:40]),
                )
            )
        elif parsed > today:
            errors.append(RowError(row, name, Text("in the future: {day}", day=parsed.isoformat())))
        elif parsed.year < 2000:
            errors.append(RowError(row, name, Text("before 2000: {day}", day=parsed.isoformat())))
        else:
            dates[name] = parsed
    if len(dates) == 2 and dates["report_date"] < dates["sampled_on"]:
        errors.append(RowError(row, "report_date", Text("before the sampling date")))
    for name in ("uscc", "producer_uscc"):
        if values.get(name) and not _USCC.match(values[name].upper()):
            errors.append(RowError(row, name, Text("not a unified social credit code (18 characters)")))
    verdict_text = values.get("verdict", "")
    verdict = VERDICT_WORDS.get(verdict_text.lower()) if verdict_text else None
    if verdict is None and not any(e.column == "verdict" for e in errors):
        errors.append(
            RowError(
                row,
                "verdict",
                Text("required")
                if not verdict_text
                else Text("not a verdict: {verdict} (合格/不合格)", verdict=verdict_text[:20]),
            )
        )
    value, number_value, unit, unit_problem = split_value(values.get("value", ""), values.get("unit", ""))
    if unit_problem:
        errors.append(RowError(row, "value", unit_problem))
    if errors:
        return errors
    sample = {name: values.get(name) or None for name in SAMPLE_FIELDS if name not in ("sampled_on", "report_date")}
    sample.update(dates)
    for name in ("uscc", "producer_uscc"):
        if sample.get(name):
            sample[name] = sample[name].upper()
    item_name = values["item"]
    return ParsedRow(
        row=row,
        sampling_number=number,
        sample=sample,
        item={
            "item": item_name,
            "value": value or None,
            "number": number_value,
            "unit": unit or None,
            "standard": values.get("standard") or None,
            "verdict": verdict,
            "microbiological": is_microbiological(item_name),
        },
    )
