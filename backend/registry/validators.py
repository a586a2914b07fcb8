"""Formats from the glossary: USCC (GB 32100-2015), licence numbers, phone numbers."""

from __future__ import annotations

import re

from backend.core.text import Text

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")

# JY + 14 digits (food business), SC + 14 digits (food production), YB + digits (filing for
# pre-packaged-only sellers; its length varies by province, so only its prefix and digits are checked).
_LICENCE_SHAPES = {
    "JY": re.compile(r"^JY[123]\d{13}$"),
    "SC": re.compile(r"^SC\d{14}$"),
    "YB": re.compile(r"^YB\d{8,20}$"),
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def uscc_problem(value: str) -> str | None:
    """None when valid, else why not."""
    if not _USCC_SHAPE.match(value):
        return Text("18 characters from 0-9 and A-Y without I, O, Z, S, V.")
    if uscc_check_character(value[:17]) != value[17]:
        return Text("The check character does not match (GB 32100-2015).")
    return None


def licence_kind(number: str) -> str | None:
    prefix = number[:2]
    shape = _LICENCE_SHAPES.get(prefix)
    return prefix if shape and shape.match(number) else None


def normalise_phone(value: str) -> str | None:
    compact = re.sub(r"[\s()]", "", value).removeprefix("+86")
    if MOBILE.match(compact) or LANDLINE.match(compact):
        return compact
    return None
