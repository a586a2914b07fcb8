"""Reading a pairings spreadsheet with the results import's reader (CSV in UTF-8 or GBK, XLSX streamed,
zip bombs and oversized sheets refused whole): rows as (row number, {uscc, phone, name, reason})."""

from __future__ import annotations

from backend.sampling.reading import Headers, open_source, sniff_format
from backend.supervision.services import IMPORT_COLUMNS, MAX_IMPORT_ROWS

HEADERS = Headers.of(IMPORT_COLUMNS, required=("uscc", "phone"))


def read_assignment_rows(data: bytes) -> list[tuple[int, dict]]:
    source = open_source(data, sniff_format(data), MAX_IMPORT_ROWS, HEADERS)
    return list(source.rows())
