"""`page_session.field_problems`: what a schema or a service refused, one Chinese line per field."""

from marshmallow import ValidationError

from backend.console.page_session import field_problems
from backend.core.errors import InvalidInput, NotFound
from backend.core.text import Text


def test_a_schemas_reasons_are_chinese_and_nested_ones_flattened(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):  # the console is Chinese all the same
        error = ValidationError(
            {"number": ["Missing data for required field."], "numbers": {0: ["Not a valid string."]}}
        )
        assert field_problems(error, "number") == {"number": "必填。", "numbers": "应为文本。"}


def test_a_services_reasons_and_default_message(app):
    with app.test_request_context():
        named = InvalidInput(errors={"district": [Text("Outside your districts: {codes}.", codes="320582")]})
        assert field_problems(named, "x") == {"district": "不在您的辖区内：320582。"}
        assert field_problems(InvalidInput(), "title") == {"title": "部分字段不符合要求。"}
        assert set(field_problems(NotFound(), "case")) == {"case"}
        assert field_problems(ValueError("plain"), "case") == {"case": "plain"}


def test_an_export_says_when_it_was_cut(app, monkeypatch):
    from backend.console import page_session

    monkeypatch.setattr(page_session, "EXPORT_ROWS", 2)
    with app.test_request_context():
        response = page_session.exported(["a", "b", "c"], ["列"], lambda value: (value,), "x.csv")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[:3] == ["列", "a", "b"] and "共 3 行" in lines[3]
