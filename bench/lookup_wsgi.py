"""WSGI app for bench/lookup: the lookup app over seeded demo data (mongomock, real Redis from REDIS_URL).

Loaded once by gunicorn with --preload, so every worker forks with the same seeded data; the card
itself is served from Redis, which all workers share.
"""

import os

from backend.app import create_api_app
from backend.app import create_lookup_app as create_app
from backend.demo.registry_seed import demo_public_urls

_platform = create_api_app({"SEED_DEMO": True})
app = create_app(settings=_platform.extensions["sfs.settings"], stores=_platform.extensions["sfs.stores"])
with _platform.app_context():
    _url = demo_public_urls("")[0][1]
with open(os.environ["BENCH_CODE_FILE"], "w") as handle:
    handle.write(_url.rsplit("/", 1)[-1])
