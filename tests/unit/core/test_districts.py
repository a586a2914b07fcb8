import pytest

from backend.core.districts import UnknownDistrict, any_covers, covers, enclosing_codes, resolve


@pytest.mark.parametrize(
    "scope,district,expected",
    [
        ("320682", "320682", True),  # a county covers itself
        ("320682", "320681", False),  # ... and no neighbour
        ("320600", "320682", True),  # Nantong city covers Rugao
        ("320600", "320582", False),  # ... not Zhangjiagang (Suzhou)
        ("320000", "320582", True),  # Jiangsu covers every county in it
        ("320000", "310112", False),
        ("310112", "310112", True),
        ("320682", "not-a-code", False),
        ("32068", "320682", False),
    ],
)
def test_covers(scope, district, expected):
    assert covers(scope, district) is expected


def test_any_covers_and_enclosing_codes():
    assert any_covers(["310112", "320600"], "320682")
    assert not any_covers([], "320682")
    assert enclosing_codes("320682") == ["320000", "320600", "320682"]
    assert enclosing_codes("bad") == []


def test_resolve_takes_a_code_or_an_unambiguous_name():
    assert resolve("320682") == "320682"
    assert resolve(" 如皋市 ") == "320682"
    assert resolve("如皋") == "320682" and resolve("闵行") == "310112"  # as people say them
    for bad in ("999999", "城关区", "火星县", ""):
        with pytest.raises(UnknownDistrict):
            resolve(bad)


def test_the_county_an_address_names():
    from backend.core.districts import find_in_address

    assert find_in_address("江苏省如皋市如城街道海阳南路88号") == "320682"
    assert find_in_address("上海市闵行区莘庄镇") == "310112"
    assert find_in_address("南京市鼓楼区中山路1号") == "320106"  # 鼓楼区 is in four cities
    assert find_in_address("鼓楼区中山路1号") is None  # which one cannot be told
    assert find_in_address("人民路1号") is None and find_in_address(None) is None


def test_bureau_names_as_they_name_themselves():
    from backend.core.districts import office_name

    assert office_name("320682") == "如皋市市场监督管理局"
    assert office_name("310112") == "上海市闵行区市场监督管理局"
    assert office_name("320106") == "南京市鼓楼区市场监督管理局"
