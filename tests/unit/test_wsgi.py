"""gunicorn names the real cause when the app cannot start, not "cannot find wsgi:app"."""

import importlib

import pytest
from gunicorn.util import import_app


def test_a_failing_factory_is_reported_with_its_cause(monkeypatch):
    import wsgi

    wsgi = importlib.reload(wsgi)  # a fresh cache
    monkeypatch.setenv("APP_ENV", "production")  # production without stores refuses to start
    monkeypatch.delenv("MONGODB_URI", raising=False)
    with pytest.raises(wsgi.AppStartupError, match="MONGODB_URI"):
        import_app("wsgi:app")


def test_an_attribute_error_inside_the_factory_is_not_taken_for_a_missing_app(monkeypatch):
    import wsgi

    wsgi = importlib.reload(wsgi)

    def broken():
        raise AttributeError("'NoneType' object has no attribute 'id'")

    monkeypatch.setattr(wsgi, "_platform_app", broken)
    with pytest.raises(wsgi.AppStartupError, match="NoneType"):
        import_app("wsgi:app")
