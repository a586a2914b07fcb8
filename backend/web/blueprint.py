"""The flask-smorest Blueprint every API area uses: query parameters nobody declared are refused (422
naming them), as unknown JSON fields are. webargs excludes unknown query parameters by default, so
`?status=open` on a list that has no such filter used to answer everything, as if it had filtered.

A JSON body whose fields are all optional is documented as optional, which it is: webargs loads a
missing body as `{}` (the document said `accept` needed a body; it works without one)."""

from __future__ import annotations

import flask_smorest
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()
    # a form that may come as JSON too (Open311): documented as the form, the JSON added by its view
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "json_or_form": "application/x-www-form-urlencoded",
    }

    def arguments(self, schema, *, location="json", required=None, **kwargs):
        if required is None:
            instance = schema() if isinstance(schema, type) else schema
            required = location not in {"json", "json_or_form"} or any(
                field.required for field in instance.fields.values()
            )
        return super().arguments(schema, location=location, required=required, **kwargs)
