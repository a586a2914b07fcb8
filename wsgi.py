"""WSGI entry points.

    gunicorn wsgi:app          the whole platform (API, console, public lookup pages)
    gunicorn wsgi:lookup_app   the public lookup app alone

Apps are built on first access, so importing this module reads no environment. With embedded stores
(no MONGODB_URI) run a single process: `gunicorn -w 1 --threads 8 wsgi:app`.
"""

from __future__ import annotations

import functools


@functools.cache
def _platform_app():
    from backend.app import create_app

    return create_app()


@functools.cache
def _lookup_app():
    from backend.app import create_lookup_app as create_app

    return create_app()


class AppStartupError(RuntimeError):
    """The app could not be built; the cause is chained and named in the message. (Never an
    AttributeError: gunicorn would report that as "cannot find wsgi:app" and hide the cause.)"""


def __getattr__(name: str):
    factories = {"app": _platform_app, "lookup_app": _lookup_app}
    if name not in factories:
        raise AttributeError(name)
    try:
        return factories[name]()
    except Exception as error:
        raise AppStartupError(f"wsgi:{name} could not start: {type(error).__name__}: {error}") from error
