import pytest

from backend.accounts.scopes import any_covers, covers, enclosing_codes, scope_filter_prefixes


@pytest.mark.parametrize("scope,district,expected", [
    ("320682", "320682", True),    # a county covers itself
    ("320682", "320681", False),   # ... and no neighbour
    ("320600", "320682", True),    # Nantong city covers Rugao
    ("320600", "320582", False),   # ... not Zhangjiagang (Suzhou)
    ("320000", "320582", True),    # Jiangsu covers every county in it
    ("320000", "310112", False),
    ("310112", "310112", True),
    ("320682", "not-a-code", False),
    ("32068", "320682", False),
])
def test_covers(scope, district, expected):
    assert covers(scope, district) is expected


def test_any_covers_and_enclosing_codes():
    assert any_covers(["310112", "320600"], "320682")
    assert not any_covers([], "320682")
    assert enclosing_codes("320682") == ["320000", "320600", "320682"]
    assert enclosing_codes("bad") == []
    assert scope_filter_prefixes(["320600", "310112", "350000"]) == ["310112", "3206", "35"]
