import csv
import io

from backend.core.tables import csv_text, neutralise


def test_cells_a_spreadsheet_would_run_are_kept_as_text():
    assert [neutralise(v) for v in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx")] == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert [neutralise(v) for v in ("老张面馆", 3, -2.5, None, True)] == ["老张面馆", 3, -2.5, "", 1]


def test_the_csv_writer_neutralises_every_cell_header_included():
    text = csv_text(["=name", "n"], [['=HYPERLINK("http://evil")', -1], ["面馆", None]])
    assert list(csv.reader(io.StringIO(text))) == [["'=name", "n"], ['\'=HYPERLINK("http://evil")', "-1"], ["面馆", ""]]
