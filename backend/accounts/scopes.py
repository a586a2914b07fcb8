"""Regulator district scopes over GB/T 2260 codes.

A code ending in 0000 is a province and covers every code sharing its first two digits; one ending
in 00 is a prefecture-level city and covers its counties (first four digits); any other code is a
county-level division and covers itself only.
"""
from __future__ import annotations

import re
from typing import Iterable

DISTRICT_CODE = re.compile(r"^\d{6}$")


def covers(scope_code: str, district_code: str) -> bool:
    if not (DISTRICT_CODE.match(scope_code) and DISTRICT_CODE.match(district_code or "")):
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


def scope_filter_prefixes(scope_codes: Iterable[str]) -> list[str]:
    """Prefixes a district code must start with to fall inside the scope (for queries)."""
    prefixes = []
    for code in scope_codes:
        if code.endswith("0000"):
            prefixes.append(code[:2])
        elif code.endswith("00"):
            prefixes.append(code[:4])
        else:
            prefixes.append(code)
    return sorted(set(prefixes))
