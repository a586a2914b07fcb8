"""The words people read in error messages: Chinese by default, English when the client asks for it
(`Accept-Language: en`). Messages are looked up by their stable error code, for the messages each
error gives by default; a message a service wrote for the case at hand (naming the field, the
deadline, the state found) is shown as written, with the stable code beside it.

The catalogue is `backend/core/data/messages.json`: {code: {"zh": …, "en": …}}."""

from __future__ import annotations

import functools
import json
from importlib import resources

from flask import has_request_context, request

DEFAULT_LANGUAGE = "zh"


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    return json.loads(resources.files("backend.core").joinpath("data/messages.json").read_text("utf-8"))


def language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    best = request.accept_languages.best_match(["zh", "en"], default=DEFAULT_LANGUAGE)
    return "en" if best == "en" else "zh"


def localised(error_code: str, message: str | None) -> str | None:
    """The catalogue's words for this code in the client's language, when `message` is the code's
    default (or absent); otherwise `message` as the service wrote it."""
    entry = catalogue().get(error_code) or catalogue().get(error_code.rsplit(".", 1)[-1])
    if entry is None:
        return message
    if message is not None and message not in entry.values() and message != entry.get("default"):
        return message
    return entry.get(language()) or message
