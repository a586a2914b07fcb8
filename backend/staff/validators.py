"""Resident ID numbers (GB 11643-1999): 6-digit division, 8-digit birth date, 3-digit sequence, and a
check character (ISO 7064 MOD 11-2; 10 is written X)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from backend.core.text import Text

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would take full-width and other digits too


def normalise_id_number(value: str) -> str:
    """The number as stored and hashed: full-width and other Unicode digits (and ｘ) made ASCII, so one
    person's number written four ways is one number."""
    plain = unicodedata.normalize("NFKC", value).strip().upper()
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in plain)


def id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def id_number_problem(value: str, today: date) -> str | None:
    """None when valid, else why not."""
    if not _SHAPE.match(value):
        return Text("18 characters: 17 digits and a check digit or X.")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return Text("The birth date in the ID number is not a date.")
    if born > today or born.year < 1900:
        return Text("The birth date in the ID number is not possible.")
    if id_check_character(value[:17]) != value[17]:
        return Text("The check character does not match (GB 11643).")
    return None
