"""Reading result files as labs and the national system export them: CSV (UTF-8 with or without BOM,
GBK/GB18030) and XLSX (openpyxl in read-only mode: rows are streamed, formulas are never evaluated).

A file is refused whole (`FileRefused`) when it cannot be read safely: an encoding that is neither,
a workbook whose parts inflate past the limits (zip bombs) or that declares more rows than allowed,
a header row without the columns every result needs. Rows come out as (row number, {field: cell}).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from backend.sampling.errors import FileRefused

REQUIRED_COLUMNS = (
    "sampling_number",
    "sampled_on",
    "business_name",
    "food_name",
    "food_category",
    "lab",
    "report_date",
    "item",
    "verdict",
)
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # all parts of a workbook, inflated
MAX_INFLATION = 100  # inflated / compressed, per part: ordinary sheets stay far below it
MAX_CELL_CHARS = 1000
CSV, XLSX = "csv", "xlsx"


def normalise_header(header: Any) -> str:
    """Full-width to half-width (NFKC), no spaces, lower case: 「生产日期／批号」 = 「生产日期/批号」."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    return "".join(text.split()).lower()


@cache
def aliases() -> dict[str, str | None]:
    """normalised header → field (None: a known column we do not import, like 序号)."""
    table = json.loads(resources.files("backend.sampling").joinpath("data/headers.json").read_text("utf-8"))
    mapping: dict[str, str | None] = {}
    for name, headers in table.items():
        if name == "_about":
            continue
        for header in headers:
            mapping[normalise_header(header)] = None if name == "_ignored" else name
    return mapping


@dataclass
class Columns:
    """Which cell of a row is which field, decided once from the header row."""

    positions: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    @classmethod
    def from_header(cls, header: list[Any]) -> Columns:
        columns = cls()
        table = aliases()
        for position, raw in enumerate(header):
            if raw is None or str(raw).strip() == "":
                continue
            key = normalise_header(raw)
            if key not in table:
                columns.unknown.append(str(raw).strip()[:200])
                continue
            name = table[key]
            if name is None:
                continue
            if name in columns.positions:
                raise FileRefused(
                    f"Two columns mean the same field ({name}): {header[columns.positions[name]]!s} and {raw!s}."
                )
            columns.positions[name] = position
        missing = [name for name in REQUIRED_COLUMNS if name not in columns.positions]
        if missing:
            raise FileRefused(
                "The header row lacks required columns: " + ", ".join(missing) + " (see the header table).",
                missing_columns=missing,
            )
        return columns

    def pick(self, cells: tuple | list) -> dict[str, Any]:
        width = len(cells)
        return {name: cells[position] if position < width else None for name, position in self.positions.items()}


@dataclass
class Source:
    """An opened file: its columns, its row count when known up front, and its rows."""

    columns: Columns
    total: int | None
    _rows: Any  # iterator of (row number, cells)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for number, cells in self._rows:
            if not any(cell not in (None, "") for cell in cells):
                continue  # blank lines between groups
            yield number, self.columns.pick(cells)


def sniff_format(data: bytes) -> str:
    return XLSX if data[:4] == b"PK\x03\x04" else CSV


def open_source(data: bytes, file_format: str, max_rows: int) -> Source:
    if file_format == XLSX:
        return _open_xlsx(data, max_rows)
    return _open_csv(data, max_rows)


def decode_csv(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise FileRefused("The file contains NUL bytes: save it as CSV in UTF-8 or GBK (not UTF-16).")
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("The file's encoding is neither UTF-8 nor GBK/GB18030.")


def _open_csv(data: bytes, max_rows: int) -> Source:
    text = decode_csv(data)
    total = text.count("\n")  # an upper bound (quoted cells may hold line breaks); refined as rows are read
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused("The file is empty.") from None
    except csv.Error as error:
        raise FileRefused(f"The CSV cannot be read: {error}.") from None
    columns = Columns.from_header(header)

    def numbered() -> Iterator[tuple[int, list]]:
        try:
            for count, cells in enumerate(reader, start=2):
                if count - 1 > max_rows:
                    raise FileRefused(f"The file has more than {max_rows} rows; split it.")
                yield count, cells
        except csv.Error as error:
            raise FileRefused(f"The CSV cannot be read at line {reader.line_num}: {error}.") from None

    return Source(columns, min(total, max_rows), numbered())


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("The file is not a readable XLSX workbook.") from None
    inflated = 0
    with archive:
        for info in archive.infolist():
            inflated += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > MAX_INFLATION * max(info.compress_size, 1):
                raise FileRefused(
                    f"The workbook part {info.filename} inflates {info.file_size // max(info.compress_size, 1)}-fold: refused (zip bomb)."
                )
        if inflated > MAX_UNZIPPED_BYTES:
            raise FileRefused(
                f"The workbook inflates to {inflated // (1024 * 1024)} MB: more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB allowed."
            )


def _open_xlsx(data: bytes, max_rows: int) -> Source:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise FileRefused(f"The file is not a readable XLSX workbook ({type(error).__name__}).") from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise FileRefused("The workbook has no sheet.")
    declared = sheet.max_row  # from the sheet's <dimension>, before a row is read
    if declared is not None and declared - 1 > max_rows:
        raise FileRefused(f"The sheet declares {declared} rows; at most {max_rows} rows may be imported at once.")
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused("The sheet is empty.") from None
    columns = Columns.from_header(list(header))

    def numbered() -> Iterator[tuple[int, tuple]]:
        try:
            for count, cells in enumerate(rows, start=2):
                if count - 1 > max_rows:
                    raise FileRefused(f"The sheet has more than {max_rows} rows; split it.")
                yield count, cells
        finally:
            workbook.close()

    return Source(columns, (declared - 1) if declared else None, numbered())
