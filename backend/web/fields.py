"""Request parts that exist only over HTTP (multipart files)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload


class FileUploadSchema(ma.Schema):
    """A multipart body with one file under `file`."""

    file = Upload(required=True)
