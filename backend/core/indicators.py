"""The one KPI contract: every domain's indicators come as rows of the same shape, for the same question.

A domain declares its providers (`Domain.indicators`, `module:function`); each is called as

    provider(principal, districts=(...), period=Period(...), sector=None | "school_canteen" ...) -> [IndicatorRow]

and answers one row per indicator and district it can count: `value` with its `numerator` and
`denominator` when it is a ratio (so rows can be summed across districts and checked by hand), `unit`
saying how to read it. `districts` are GB/T 2260 codes (a city covers its counties); with none given,
the principal's own. `sector` is a business kind; a provider that cannot split by it answers nothing for
a sector. One serialiser writes CSV and XLSX with Chinese headers; the indicators issue builds targets
and charts on these rows.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from backend.core import districts as gbt2260
from backend.core import domains, tables
from backend.core.errors import NotFound
from backend.core.principal import ADMIN, Principal
from backend.core.text import Text
from backend.core.timeutil import SHANGHAI

# How to read a value: a share (0–1, shown as a percentage), a count, a rate per 1,000 residents,
# days, or a mean score.
UNITS = {"ratio": "比例", "count": "个数", "per_thousand": "每千人", "days": "天", "score": "分"}
HEADERS = ("指标代码", "指标名称", "地区代码", "地区", "行业", "期间", "数值", "分子", "分母", "单位")

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in Asia/Shanghai: `2026`, `2026-Q3`, `2026-11` or
    `2026-01-01..2026-06-30`."""

    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        if ".." in text:
            first, _, last = text.partition("..")
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        else:
            match = _PERIOD.match(text)
            if not match:
                raise ValueError("a year (2026), quarter (2026-Q3), month (2026-11) or range (2026-01-01..2026-06-30)")
            year, part = int(match.group(1)), match.group(2)
            if part is None:
                start, end = date(year, 1, 1), date(year, 12, 31)
            elif part.startswith("Q"):
                quarter = int(part[1])
                start = date(year, 3 * quarter - 2, 1)
                end_month = 3 * quarter
                end = date(year, end_month, calendar.monthrange(year, end_month)[1])
            else:
                month = int(part)
                start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if end < start or not (start.year >= 1900 and end.year <= 2199):
            raise ValueError("the period ends before it starts, or lies outside 1900–2199")
        return cls(start, end)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        return cls.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as moments in Asia/Shanghai, for fields that store a time."""
        return (
            datetime.combine(self.start, time.min, tzinfo=SHANGHAI),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI),
        )


@dataclass(frozen=True)
class IndicatorRow:
    code: str  # stable, e.g. complaints.reply_rate
    name: str  # Chinese, as people read it
    district_code: str | None  # None: every district the principal covers, together
    value: float | None  # None when there is nothing to count (a ratio of 0 / 0)
    numerator: float | None = None
    denominator: float | None = None
    unit: str = "ratio"
    sector: str | None = None
    period: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


SHORTFALL_ITEMS = 50  # lines a list behind a miss shows; the total says how many there are


@dataclass(frozen=True)
class Shortfall:
    """What lies behind a missed target, for the monthly report: e.g. the complaints past their
    deadline. A domain declares its lists (`Domain.shortfalls`, `module:function`), each called as
    `function(principal, district, today) -> [Shortfall]`, and answers at most SHORTFALL_ITEMS lines
    each, oldest deadline first, with the total."""

    code: str  # the indicator it explains
    title: str  # Chinese
    total: int
    items: tuple[str, ...] = ()


def shortfall(code: str, title: str, found, line: Callable[[object], str]) -> Shortfall:
    """A Shortfall from a QuerySet already in order: its count and first lines."""
    return Shortfall(code, title, found.count(), tuple(line(item) for item in found.limit(SHORTFALL_ITEMS)))


def ratio(code: str, name: str, district: str | None, numerator: float, denominator: float, **extra) -> IndicatorRow:
    """A share: value = numerator / denominator (None when nothing was counted), both kept."""
    value = round(numerator / denominator, 4) if denominator else None
    return IndicatorRow(code, name, district, value, numerator, denominator, "ratio", **extra)


def count(code: str, name: str, district: str | None, value: float, **extra) -> IndicatorRow:
    return IndicatorRow(code, name, district, value, None, None, "count", **extra)


def scopes(principal: Principal, wanted: Iterable[str] | None) -> tuple[str | None, ...]:
    """The districts rows are made for: those asked (each within the principal's), else the
    principal's own, else (an admin) one row for all (None)."""
    asked = tuple(dict.fromkeys(wanted or ()))
    if asked:
        if principal.role != ADMIN:
            outside = [code for code in asked if not gbt2260.any_covers(principal.districts, code)]
            if outside:
                # as for another district's record by URL: not found, not "forbidden" (which would confirm it)
                raise NotFound(Text("Outside your districts: {codes}.", codes=", ".join(outside)))
        return asked
    if principal.role == ADMIN or not principal.districts:
        return (None,)
    return tuple(principal.districts)


def run(
    provider: Callable[..., list[IndicatorRow]],
    principal: Principal,
    *,
    districts: Iterable[str] | None,
    period: Period,
    sector: str | None,
) -> list[IndicatorRow]:
    """One provider's rows, for the districts asked (checked against the principal's)."""
    return provider(principal, districts=scopes(principal, districts), period=period, sector=sector)


def collect(
    principal: Principal, *, districts: Iterable[str] | None, period: Period, sector: str | None
) -> list[IndicatorRow]:
    """Every installed domain's indicators, in the order the domains are installed."""
    wanted = scopes(principal, districts)
    rows: list[IndicatorRow] = []
    for provider in domains.contributed("indicators"):
        rows.extend(provider(principal, districts=wanted, period=period, sector=sector))
    return rows


def _cells(row: IndicatorRow) -> list:
    district = gbt2260.full_name(row.district_code) if row.district_code else "全部辖区"
    return [
        row.code,
        row.name,
        row.district_code or "",
        district,
        row.sector or "",
        row.period or "",
        row.value,
        row.numerator,
        row.denominator,
        UNITS.get(row.unit, row.unit),
    ]


def to_csv(rows: Iterable[IndicatorRow]) -> str:
    return tables.csv_text(HEADERS, (_cells(row) for row in rows))


def to_xlsx(rows: Iterable[IndicatorRow]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([tables.neutralise(cell) if isinstance(cell, str) else cell for cell in _cells(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
