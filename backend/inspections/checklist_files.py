"""Checklist files an admin loads: JSON (the shape of the shipped ones) or XLSX with two sheets —
`checklist` (rows of field | value: kind, name, business_kinds, basically_compliant_max_general_failures,
source) and `items` (a header row code | text | key | points, then one row per item; key is 重点/一般,
key/general or 1/0). Formulas are never evaluated: a formula cell is refused."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from backend.core.errors import InvalidInput, UnsupportedMediaType
from backend.core.text import Text

MAX_ROWS = 1000
KEY_WORDS = {
    "重点": True,
    "重点项": True,
    "key": True,
    "1": True,
    "true": True,
    "是": True,
    "一般": False,
    "一般项": False,
    "general": False,
    "0": False,
    "false": False,
    "否": False,
}


def parse(data: bytes) -> dict:
    if data.lstrip()[:1] == b"{":
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput(errors={"file": [Text("Not valid JSON.")]}) from None
    if data[:4] == b"PK\x03\x04":
        return _from_xlsx(data)
    raise UnsupportedMediaType(Text("A checklist is a JSON or an XLSX file."))


def _cell(value: Any, where: str) -> Any:
    if isinstance(value, str) and value.startswith("="):
        raise InvalidInput(
            errors={"file": [Text("{where}: formulas are not read; enter the value itself.", where=where)]}
        )
    return value.strip() if isinstance(value, str) else value


def _from_xlsx(data: bytes) -> dict:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput(errors={"file": [Text("Not a readable XLSX workbook.")]}) from None
    try:
        if "checklist" not in book.sheetnames or "items" not in book.sheetnames:
            raise InvalidInput(errors={"file": [Text("The workbook needs the sheets 'checklist' and 'items'.")]})
        meta: dict[str, Any] = {}
        for number, row in enumerate(book["checklist"].iter_rows(max_row=50, max_col=2, values_only=True), 1):
            if row and row[0]:
                meta[str(row[0]).strip()] = _cell(
                    row[1] if len(row) > 1 else None, Text("checklist row {number}", number=number)
                )
        items, errors = [], []
        rows = book["items"].iter_rows(max_row=MAX_ROWS + 1, max_col=4, values_only=True)
        header = [str(h).strip().lower() if h else "" for h in next(rows, ())]
        if header[:4] != ["code", "text", "key", "points"]:
            raise InvalidInput(
                errors={"file": [Text("The items sheet starts with the header code | text | key | points.")]}
            )
        for number, row in enumerate(rows, 2):
            if not any(row):
                continue
            code, text, key, points = (
                _cell(value, Text("items row {number}", number=number)) for value in (list(row) + [None] * 4)[:4]
            )
            flag = KEY_WORDS.get(str(key).strip().lower()) if key is not None else None
            if flag is None:
                errors.append(f"items row {number}, key: 重点 or 一般")
                continue
            items.append({"code": str(code or ""), "text": str(text or ""), "key": flag, "points": points})
        if errors:
            raise InvalidInput(errors={"file": errors[:50]})
    finally:
        book.close()
    kinds = meta.get("business_kinds") or ""
    named = {field: meta[field] for field in ("kind", "name", "source") if meta.get(field) is not None}
    return {
        **named,
        "business_kinds": [k.strip() for k in str(kinds).split(",") if k.strip()],
        "thresholds": {
            "basically_compliant_max_general_failures": meta.get("basically_compliant_max_general_failures")
        },
        "items": items,
    }
