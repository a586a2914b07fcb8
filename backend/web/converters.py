"""Path converters: `<oid:business_id>` matches a 24-hex-digit id only, so `/businesses/mine` is never
also taken for `/businesses/<id>` (and OPTIONS lists only the methods the path really has)."""

from __future__ import annotations

from werkzeug.routing import BaseConverter


class ObjectIdConverter(BaseConverter):
    regex = "[0-9a-fA-F]{24}"


def objectid_param_schema(converter: ObjectIdConverter) -> dict:
    return {"type": "string", "pattern": "^[0-9a-fA-F]{24}$"}


def register_converters(app, api=None) -> None:
    app.url_map.converters["oid"] = ObjectIdConverter
    if api is not None:
        api.register_converter(ObjectIdConverter, objectid_param_schema)
