"""The flask-smorest Blueprint every API area uses: query parameters nobody declared are refused (422
naming them), as unknown JSON fields are. webargs excludes unknown query parameters by default, so
`?status=open` on a list that has no such filter used to answer everything, as if it had filtered."""

from __future__ import annotations

import flask_smorest
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()
