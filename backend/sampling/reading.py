"""Reading result files as labs and the national system export them: CSV (UTF-8 with or without BOM,
GBK/GB18030) and XLSX (`xlsx.read_rows`: rows are streamed, formulas are never evaluated).

A file is refused whole (`FileRefused`) when it cannot be read safely: an encoding that is neither,
a workbook whose parts inflate past the limits (zip bombs) or that declares more rows than allowed,
a header row without the columns every result needs. Rows come out as (row number, {field: cell}).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from backend.core.text import Text
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


@cache
def column_labels() -> dict[str, str]:
    """field → the header a results file names it by first (in Chinese), for people reading row errors."""
    table = json.loads(resources.files("backend.sampling").joinpath("data/headers.json").read_text("utf-8"))
    return {name: headers[0] for name, headers in table.items() if not name.startswith("_") and headers}


@dataclass(frozen=True)
class Headers:
    """Which headers name which field (normalised header → field; None: a column to skip) and the fields
    a file must have. Results files by default; another import (包保 pairings) brings its own."""

    table: dict[str, str | None]
    required: tuple[str, ...]

    @classmethod
    def of(cls, names: dict[str, str], required: tuple[str, ...]) -> Headers:
        return cls({normalise_header(header): field for header, field in names.items()}, required)


@dataclass
class Columns:
    """Which cell of a row is which field, decided once from the header row."""

    positions: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    @classmethod
    def from_header(cls, header: list[Any], headers: Headers | None = None) -> Columns:
        columns = cls()
        table = headers.table if headers else aliases()
        required = headers.required if headers else REQUIRED_COLUMNS
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
                    Text(
                        "Two columns mean the same field ({name}): {header!s} and {raw!s}.",
                        name=name,
                        header=header[columns.positions[name]],
                        raw=raw,
                    )
                )
            columns.positions[name] = position
        missing = [name for name in required if name not in columns.positions]
        if missing:
            raise FileRefused(
                Text(
                    "The header row lacks required columns: {columns} (see the header table).",
                    columns=", ".join(missing),
                ),
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


def open_source(data: bytes, file_format: str, max_rows: int, headers: Headers | None = None) -> Source:
    if file_format == XLSX:
        return _open_xlsx(data, max_rows, headers)
    return _open_csv(data, max_rows, headers)


def csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK and GB2312), checked over the whole
    file in 1 MB steps without keeping the text."""
    if b"\x00" in data[:65536]:
        raise FileRefused(Text("The file contains NUL bytes: save it as CSV in UTF-8 or GBK (not UTF-16)."))
    view = memoryview(data)
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(view[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRefused(Text("The file's encoding is neither UTF-8 nor GBK/GB18030."))


def _open_csv(data: bytes, max_rows: int, headers: Headers | None) -> Source:
    encoding = csv_encoding(data)
    # rows below the header: an upper bound (quoted cells may hold line breaks, lines may be blank)
    total = max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused(Text("The file is empty.")) from None
    except csv.Error as error:
        raise FileRefused(Text("The CSV cannot be read: {error}.", error=error)) from None
    columns = Columns.from_header(header, headers)

    def numbered() -> Iterator[tuple[int, list]]:
        try:
            for count, cells in enumerate(reader, start=2):
                if count - 1 > max_rows:
                    raise FileRefused(Text("The file has more than {max_rows} rows; split it.", max_rows=max_rows))
                yield count, cells
        except csv.Error as error:
            raise FileRefused(
                Text("The CSV cannot be read at line {line_num}: {error}.", line_num=reader.line_num, error=error)
            ) from None

    return Source(columns, min(total, max_rows), numbered())


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused(Text("The file is not a readable XLSX workbook.")) from None
    inflated = 0
    with archive:
        for info in archive.infolist():
            inflated += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > MAX_INFLATION * max(info.compress_size, 1):
                raise FileRefused(
                    Text(
                        "The workbook part {filename} inflates {file_size}-fold: refused (zip bomb).",
                        filename=info.filename,
                        file_size=info.file_size // max(info.compress_size, 1),
                    )
                )
        if inflated > MAX_UNZIPPED_BYTES:
            raise FileRefused(
                Text(
                    "The workbook inflates to {inflated} MB: more than {max_unzipped_bytes} MB allowed.",
                    inflated=inflated // (1024 * 1024),
                    max_unzipped_bytes=MAX_UNZIPPED_BYTES // (1024 * 1024),
                )
            )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[ >]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first sheet (what both readers open), found without an XML parser."""
    try:
        workbook = archive.read("xl/workbook.xml")[: 1024 * 1024]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1024 * 1024]
    except KeyError:
        return None
    sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\s[\w]+:id=\"([^\"]+)\"", workbook)
    if not sheet:
        return None
    for relationship in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = relationship.group(0)
        if re.search(rb'\sId="' + re.escape(sheet.group(1)) + rb'"', tag):
            target = re.search(rb'\sTarget="([^"]+)"', tag)
            if target:
                path = target.group(1).decode()
                return path.lstrip("/") if path.startswith("/") else "xl/" + path
    return None


@dataclass(frozen=True)
class SheetScan:
    rows: int
    declared_rows: int | None


def _scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetScan:
    """One streaming pass over the sheet's XML, before it is parsed: its rows and its declared size."""
    rows, declared, tail = 0, None, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            window = tail + chunk
            rows += sum(1 for match in _ROW_TAG.finditer(window) if match.end() > len(tail))  # none counted twice
            if declared is None and (match := _DIMENSION.search(window)):
                declared = int(match.group(1))
            tail = window[-16:]
    return SheetScan(rows, declared)


def _open_xlsx(data: bytes, max_rows: int, headers: Headers | None) -> Source:
    from backend.sampling.xlsx import XlsxProblem, read_rows

    _check_zip(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = _first_sheet_part(archive)
        if part is None or part not in archive.namelist():
            raise FileRefused(Text("The file is not a readable XLSX workbook (no first sheet)."))
        scan = _scan_sheet(archive, part)
    if scan.declared_rows is not None and scan.declared_rows - 1 > max_rows:
        raise FileRefused(
            Text(
                "The sheet declares {declared_rows} rows; at most {max_rows} rows may be imported at once.",
                declared_rows=scan.declared_rows,
                max_rows=max_rows,
            )
        )
    if scan.rows - 1 > max_rows:
        raise FileRefused(
            Text(
                "The sheet has {rows} rows; at most {max_rows} rows may be imported at once.",
                rows=scan.rows,
                max_rows=max_rows,
            )
        )
    rows = read_rows(data, part)
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused(Text("The sheet is empty.")) from None
    except XlsxProblem as problem:  # what the reader refuses, and why (a table too large, a broken reference)
        raise FileRefused(Text("The workbook cannot be read further: {error}.", error=problem)) from None
    except Exception as error:  # damaged XML
        raise FileRefused(
            Text("The file is not a readable XLSX workbook ({problem}).", problem=type(error).__name__)
        ) from None
    columns = Columns.from_header(list(header), headers)

    def numbered() -> Iterator[tuple[int, tuple]]:
        try:
            yield from enumerate(rows, start=2)
        except (XlsxProblem, SyntaxError, ValueError) as error:  # ParseError is a SyntaxError
            raise FileRefused(Text("The workbook cannot be read further: {error}.", error=error)) from None

    return Source(columns, max(scan.rows - 1, 0), numbered())
