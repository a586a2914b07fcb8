"""Opening result files: encodings, header aliases, unknown columns, refusals before reading rows."""

import io
import zipfile

import pytest

from backend.sampling import reading
from backend.sampling.errors import FileRefused

HEADER = "抽样编号,抽样日期,被抽样单位名称,食品名称,分类,检验机构,报告日期,检验项目,单项判定"
ROW = "DC26320682000001,2026-10-08,如皋某超市,大米,粮食加工品,南通市检验中心,2026-10-20,铅(以Pb计),合格"


def rows_of(source) -> list:
    return list(source.rows())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_labs_use(encoding):
    data = f"{HEADER}\n{ROW}\n".encode(encoding)
    source = reading.open_source(data, reading.sniff_format(data), 1000)
    assert source.total == 1
    ((number, row),) = rows_of(source)
    assert number == 2
    assert row["business_name"] == "如皋某超市" and row["verdict"] == "合格"


def test_header_variants_map_through_the_alias_table_and_unknown_columns_are_reported():
    header = "抽样单号,抽样时间,被抽检单位名称,食品名称,分类,检验机构,报告日期,检验项目,单项判定,备注栏"
    data = f"{header}\n{ROW},随便\n".encode()
    source = reading.open_source(data, reading.CSV, 1000)
    assert source.columns.unknown == ["备注栏"]
    ((_number, row),) = rows_of(source)
    assert row["sampling_number"] == "DC26320682000001" and "备注栏" not in row


def test_full_width_and_spaced_headers_are_the_same_column():
    assert reading.normalise_header(" 生产日期／批号 ") == reading.normalise_header("生产日期/批号")


def test_files_refused_whole_with_the_reason():
    with pytest.raises(FileRefused, match="neither UTF-8 nor GBK"):
        reading.open_source(b"\xff\xfe\xff\xff\x80\x80", reading.CSV, 1000)
    with pytest.raises(FileRefused, match="lacks required columns"):
        reading.open_source("抽样编号,食品名称\nA1,米\n".encode(), reading.CSV, 1000)


def test_a_workbook_that_inflates_a_thousandfold_is_refused_before_it_is_read():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (5 * 1024 * 1024) + b"/>")
    with pytest.raises(FileRefused, match="zip bomb"):
        reading.open_source(bomb.getvalue(), reading.XLSX, 1000)
