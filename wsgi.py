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


def __getattr__(name: str):
    if name == "app":
        return _platform_app()
    if name == "lookup_app":
        return _lookup_app()
    raise AttributeError(name)
