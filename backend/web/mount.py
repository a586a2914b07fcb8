"""Mount the lookup app inside the platform's WSGI app by path prefix (paths are left unchanged)."""

from __future__ import annotations

from flask import Flask


class PrefixDispatcher:
    def __init__(self, default_app, mounted_app, prefixes: tuple[str, ...]):
        self.default_app = default_app
        self.mounted_app = mounted_app
        self.prefixes = prefixes

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        target = self.mounted_app if path.startswith(self.prefixes) else self.default_app
        return target(environ, start_response)


# Paths the whole platform hands to the lookup app when it is mounted.
MOUNTED_PREFIXES = (
    "/q/",
    "/complaints/",
    "/search",
    "/sampling",
    "/t/",
    "/c/",
    "/penalties",
    "/dishonest",
    "/chef/",
    "/incidents/",
)


def mount_lookup(app: Flask, lookup: Flask) -> None:
    app.wsgi_app = PrefixDispatcher(app.wsgi_app, lookup.wsgi_app, MOUNTED_PREFIXES)
    app.extensions["sfs.lookup_app"] = lookup
