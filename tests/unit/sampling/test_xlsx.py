"""The streaming XLSX reader on workbooks written by openpyxl and on hand-made sheet XML: values of
every kind, gaps, namespaces, and the XML it refuses rather than misreads."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from backend.sampling.xlsx import XlsxProblem, read_rows

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_with(sheet_xml: str | bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(SHEET, sheet_xml)
    return out.getvalue()


def sheet(rows: str, *, prefix: str = "", prologue: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prologue}'
        f'<{p}worksheet {xmlns}><{p}dimension ref="A1:C9"/><{p}sheetData>{rows}</{p}sheetData>'
        f'<{p}pageMargins left="0.7"/></{p}worksheet>'
    )


def test_values_written_by_openpyxl_come_back_with_their_types():
    book = Workbook()
    ws = book.active
    ws.append(["抽样编号", "数量", "日期", "时间", "对", "公式"])
    ws.append(["DC1", 3, date(2026, 10, 8), datetime(2026, 10, 8, 9, 30), True, "=1+2"])
    ws.append([None, 0.05, None, None, False, None])
    out = io.BytesIO()
    book.save(out)
    rows = list(read_rows(out.getvalue(), SHEET))
    assert rows == [
        ("抽样编号", "数量", "日期", "时间", "对", "公式"),
        ("DC1", 3, date(2026, 10, 8), datetime(2026, 10, 8, 9, 30), True, "=1+2"),
        (None, 0.05, None, None, False),
    ]


def test_rows_and_cells_the_file_leaves_out_are_empty_and_numbers_stay_true():
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        '<row r="3"><c r="C3" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c></row>'
        '<row r="4"/>'
    )
    assert list(read_rows(workbook_with(sheet(rows)), SHEET)) == [("a",), (), (None, None, "富文本"), ()]


def test_a_prefixed_namespace_and_rows_across_read_batches():
    many = "".join(f'<x:row r="{n}"><x:c r="A{n}"><x:v>{n}</x:v></x:c></x:row>' for n in range(1, 60001))
    rows = list(read_rows(workbook_with(sheet(many, prefix="x")), SHEET))
    assert len(rows) == 60000 and rows[0] == (1,) and rows[-1] == (60000,)


def test_an_empty_sheet_has_no_rows():
    assert list(read_rows(workbook_with(sheet("").replace("<sheetData></sheetData>", "<sheetData/>")), SHEET)) == []


@pytest.mark.parametrize(
    ("rows", "prologue", "reason"),
    [
        ('<row r="1"><c t="inlineStr"><is><t>&lol;</t></is></c></row>', '<!DOCTYPE x [<!ENTITY lol "lol">]>', "DTD"),
        ('<row r="1"><c t="inlineStr"><is><t>&lol;</t></is></c></row>', "", None),  # an undefined entity
        ('<row r="5"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>', "", "out of order"),
        ('<row r="2000000"><c><v>1</v></c></row>', "", "beyond row"),
        ('<row r="1"><c r="ZZZZ1"><v>1</v></c><c r="GS1"><v>1</v></c></row>', "", "beyond column"),
    ],
)
def test_xml_that_could_be_misread_is_refused(rows, prologue, reason):
    with pytest.raises((XlsxProblem, SyntaxError)) as refused:
        list(read_rows(workbook_with(sheet(rows, prologue=prologue)), SHEET))
    if reason:
        assert reason in str(refused.value)


def test_cdata_is_read_as_text_even_when_it_looks_like_a_row():
    rows = '<row r="1"><c t="str"><v><![CDATA[</row><row r="2">]]></v></c></row>'
    assert list(read_rows(workbook_with(sheet(rows)), SHEET)) == [('</row><row r="2">',)]


def test_a_sheet_cut_off_inside_its_rows_is_refused():
    cut = sheet('<row r="1"><c><v>1</v></c></row><row r="2"><c><v>2</v></c></row>')
    with pytest.raises(XlsxProblem, match="ends inside its rows"):
        list(read_rows(workbook_with(cut[: cut.index("</sheetData>")]), SHEET))


def test_a_date_cell_no_date_can_be_is_left_for_its_row_to_refuse():
    from backend.sampling.rows import parse_date

    book = Workbook()
    ws = book.active
    ws.append(["抽样日期"])
    for value in (1e20, -1, 46000):
        ws.append([value])
        ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    rows = list(read_rows(out.getvalue(), SHEET))
    assert rows[1:] == [(1e20,), (-1,), (date(2025, 12, 9),)]  # read, not an OverflowError for the file
    assert parse_date(rows[1][0]) is None and parse_date(rows[2][0]) is None  # each row says why


def _with_shared_strings(count: int) -> bytes:
    strings = "".join(f"<si><t>s{n}</t></si>" for n in range(count))
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' + "".join(
        f'<row r="{n + 2}"><c r="A{n + 2}" t="s"><v>{n}</v></c></row>' for n in range(count)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(SHEET, sheet(rows))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
    return out.getvalue()


def test_shared_strings_are_read_only_as_far_as_needed_and_bounded(monkeypatch):
    from backend.sampling import xlsx

    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 50)
    rows = read_rows(_with_shared_strings(1000), SHEET)
    assert next(rows) == ("s0", "s1")  # the header: the request reads two strings, not a thousand
    with pytest.raises(XlsxProblem, match="more than 50 shared strings"):
        list(rows)  # the job reads on, and stops at the bound
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS_BYTES", 1000)
    with pytest.raises(XlsxProblem, match="unpack to more than"):
        next(read_rows(_with_shared_strings(1000), SHEET))
