"""Tables for people's spreadsheets: the one CSV writer every export uses.

A cell that a spreadsheet would run as a formula (starting = + - @, a tab or a CR: "CSV injection")
is kept as text with a leading apostrophe: a business named `=HYPERLINK(...)` must not become a link
in a regulator's spreadsheet. Numbers stay numbers; None is an empty cell; True/False are 1/0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell as written: text a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
